/**
 * How the costs grow with scale (issue 20): the daily run after little and after a year of
 * history, silver's cost per record on a day, a month and a year, and the dashboard at 1, 5 and
 * 20 users over each scale's gold. No single run measures every scale (a year takes an hour),
 * so this section is put together from the newest saved result of each scale in the same
 * results folder, none newer than the report it ends, each named with its date.
 */
import fs from "node:fs";
import path from "node:path";
import type { BenchResult } from "../result";
import { dayTargetFigures } from "./day";
import { rangeTargetFigures, type RangeFile } from "./range";
import { fixed } from "./common";

/** One scale's figures, as the growth tables need them (pure data, from one result file). */
export interface ScaleFigures {
  scale: "day" | "month" | "year";
  /** The result file's name, e.g. 2026-12-06-month.json. */
  file: string;
  /** Daily runs end to end and the days of gold before each. */
  dailyRuns: { historyDays: number; seconds: number }[];
  /** Silver's processing per record (Spark), and DuckDB's on the same files, microseconds. */
  silverMicrosPerRecord: number;
  duckdbMicrosPerRecord: number;
  records: number;
  /** Days of gold the dashboard read, and the worst chart's p95 through Superset by user count. */
  goldDays: number;
  usersP95: { users: number; worstChartP95: number }[];
}

/** The run with the most history may be this much slower than the one with the least and still count as flat. */
export const FLAT_TOLERANCE = 1.2;
/** Silver's cost per record at a larger scale may be this much above a smaller scale's and still count as not growing. */
export const PER_RECORD_TOLERANCE = 1.1;

export function dayScale(file: string, r: BenchResult): ScaleFigures {
  const s = r.steps;
  return {
    scale: "day",
    file,
    dailyRuns: dayTargetFigures(r).dailyRuns ?? [],
    silverMicrosPerRecord: 1e6 / s.silver.recordsPerSecond,
    duckdbMicrosPerRecord: 1e6 / s.duckdbSilver.recordsPerSecond,
    records: s.ingest.records,
    goldDays: r.goldDays,
    usersP95: (r.users ?? []).map((u) => ({ users: u.users, worstChartP95: u.worstChartP95 })),
  };
}

export function rangeScale(file: string, saved: RangeFile): ScaleFigures {
  const r = saved.range;
  return {
    scale: saved.mode,
    file,
    dailyRuns: rangeTargetFigures(r).dailyRuns ?? [],
    silverMicrosPerRecord: 1e6 / r.silver.recordsPerSecond,
    duckdbMicrosPerRecord: 1e6 / r.duckdbSilver.recordsPerSecond,
    records: r.silver.records,
    goldDays: r.dailyRun.goldDaysAfter,
    usersP95: (r.users ?? []).map((u) => ({ users: u.users, worstChartP95: u.worstChartP95 })),
  };
}

const SCALE_FILE: Record<ScaleFigures["scale"], RegExp> = {
  day: /^(\d{4}-\d{2}-\d{2})\.json$/,
  month: /^(\d{4}-\d{2}-\d{2})-month\.json$/,
  year: /^(\d{4}-\d{2}-\d{2})-year\.json$/,
};

/** The newest result of each scale in `dir` dated on or before `upTo` (YYYY-MM-DD). */
export function latestScales(dir: string, upTo: string): ScaleFigures[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  const out: ScaleFigures[] = [];
  for (const scale of ["day", "month", "year"] as const) {
    const file = names.filter((n) => (SCALE_FILE[scale].exec(n)?.[1] ?? "9999") <= upTo).at(-1);
    if (!file) continue;
    const saved = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as BenchResult | RangeFile;
    out.push("range" in saved ? rangeScale(file, saved) : dayScale(file, saved));
  }
  return out;
}

/** Whether the daily run stays flat as history grows (undefined with fewer than two runs). */
export function dailyRunFlat(scales: ScaleFigures[]): { flat: boolean; ratio: number } | undefined {
  const runs = scales.flatMap((s) => s.dailyRuns).sort((a, b) => a.historyDays - b.historyDays);
  if (runs.length < 2 || runs[0].historyDays === runs.at(-1)!.historyDays) return undefined;
  const ratio = runs.at(-1)!.seconds / runs[0].seconds;
  return { flat: ratio <= FLAT_TOLERANCE, ratio };
}

/** Whether silver's cost per record falls or stays flat from each scale to the next larger one. */
export function perRecordFlat(scales: ScaleFigures[]): boolean | undefined {
  if (scales.length < 2) return undefined;
  return scales.every((s, k) => k === 0 || s.silverMicrosPerRecord <= scales[k - 1].silverMicrosPerRecord * PER_RECORD_TOLERANCE);
}

const f = (n: number, d = 1) => fixed(n, d);
const verdict = (ok: boolean | undefined) => (ok === undefined ? "not judged (one scale)" : ok ? "**yes**" : "**no**");

/** The growth section's Markdown lines, from the scales given (smallest first). */
export function growthMarkdown(scales: ScaleFigures[]): string[] {
  if (scales.length === 0) return [];
  const runs = scales.flatMap((s) => s.dailyRuns.map((r) => ({ ...r, file: s.file }))).sort((a, b) => a.historyDays - b.historyDays);
  const flat = dailyRunFlat(scales);
  const userCounts = [...new Set(scales.flatMap((s) => s.usersP95.map((u) => u.users)))].sort((a, b) => a - b);
  return [
    "## How the costs grow (issue 20)",
    "",
    `From the newest saved result of each scale, none newer than this report: ${scales.map((s) => `${s.scale} \`${s.file}\``).join(", ")}. Different runs on a shared machine: compare with care.`,
    "",
    "| the daily run end to end | after days of gold | from |",
    "|---:|---:|---|",
    ...runs.map((r) => `| ${f(r.seconds)} s | ${r.historyDays} | ${r.file} |`),
    "",
    `Flat with history (the run with the most history within ${f((FLAT_TOLERANCE - 1) * 100, 0)}% of the one with the least): ${verdict(flat?.flat)}${flat ? ` (${f(flat.ratio, 2)}x)` : ""}.`,
    "",
    "| silver | records | Spark, µs per record | DuckDB, µs per record | ratio |",
    "|---|---:|---:|---:|---:|",
    ...scales.map((s) => `| ${s.scale} (${s.file}) | ${s.records.toLocaleString("en-US")} | ${f(s.silverMicrosPerRecord, 2)} | ${f(s.duckdbMicrosPerRecord, 2)} | ${f(s.silverMicrosPerRecord / s.duckdbMicrosPerRecord)}x |`),
    "",
    `Silver's cost per record falls or stays flat from a day to a month to a year (each within ${f((PER_RECORD_TOLERANCE - 1) * 100, 0)}% of the smaller scale's): ${verdict(perRecordFlat(scales))}.`,
    "",
    ...(userCounts.length
      ? [
          "| the worst chart's p95 through Superset | days of gold | " + userCounts.map((n) => `${n} user${n > 1 ? "s" : ""}`).join(" | ") + " |",
          "|---|---:|" + userCounts.map(() => "---:").join("|") + "|",
          ...scales.map((s) => `| ${s.scale} (${s.file}) | ${s.goldDays} | ` + userCounts.map((n) => {
            const u = s.usersP95.find((x) => x.users === n);
            return u ? `${f(u.worstChartP95, 3)} s` : "n/m";
          }).join(" | ") + " |"),
          "",
        ]
      : []),
  ];
}
