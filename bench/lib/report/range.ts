/** A range's report (`--scale month|year`): Markdown and an SVG bar chart, from its saved result. */
import type { MachineInfo } from "../machine";
import type { MemoryPeak } from "../memory";
import type { RangeResult } from "../range";
import { fixed, memoryTable, peakComposition, renderSection, svgBars, whole as i } from "./common";
import { worstChart } from "../stats";
import { issue20Targets, targetsMarkdown, usersSection, type TargetFigures } from "./targets";

const f = (n: number, d = 1) => fixed(n, d);

/** bench/results/<date>-month|year.json */
export interface RangeFile {
  mode: "month" | "year";
  startedAt: string;
  /** Absent in files written before 2026-11-29's year run. */
  totalSeconds?: number;
  machine: MachineInfo;
  range: RangeResult;
  memory: Record<string, MemoryPeak>;
}

/** The machine, its load at the start, the engines' versions and the run's wall, in one line. */
export function rangeMachineLine(file: RangeFile): string {
  const m = file.machine;
  return `Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb.toFixed(1)} GB, load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(" / ")}. ` +
    `Versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(", ")}.` +
    (file.totalSeconds === undefined ? "" : ` Wall ${file.totalSeconds.toFixed(0)} s.`);
}

/** Seconds per step of the range: the backfill's steps, DuckDB beside silver, the daily run before and after. */
export function rangeSvg(r: RangeResult, mode: string): string {
  return svgBars(`Seconds per step, ${r.days} days (${r.from} … ${r.to}), ${r.silver.records.toLocaleString("en-US")} trips (${mode})`, [
    { label: "ingestion of the range", seconds: r.ingest.seconds, engine: "lakehouse" },
    { label: "silver: weather (spark-submit wall)", seconds: r.silverWeatherSeconds ?? NaN, engine: "lakehouse" },
    { label: "silver: JVM launch + session", seconds: r.silver.launchSeconds + r.silver.sessionSeconds, engine: "overhead" },
    { label: "silver: processing (Spark)", seconds: r.silver.processingSeconds, engine: "lakehouse" },
    { label: "silver: processing (DuckDB)", seconds: r.duckdbSilver.seconds, engine: "duckdb" },
    { label: "silver: Iceberg commits", seconds: r.silver.commitSeconds, engine: "overhead" },
    { label: "gold: dbt full refresh (Trino)", seconds: r.goldFullRefreshSeconds, engine: "lakehouse" },
    { label: "maintenance (all layers)", seconds: r.maintenanceSeconds, engine: "lakehouse" },
    ...(r.dailyRun.first ? [{ label: "daily run, the bench's first", seconds: r.dailyRun.first.seconds, engine: "overhead" as const }] : []),
    { label: "daily run, before the range", seconds: r.dailyRun.before.seconds, engine: "lakehouse" },
    { label: "daily run, after the range", seconds: r.dailyRun.after.seconds, engine: "lakehouse" },
  ]);
}


/** The run's figures for issue 20's targets (pure): judged by issue20Targets. */
export function rangeTargetFigures(r: RangeResult): TargetFigures {
  // Judged after the maintenance when the run timed it (the steady state), the fresh rebuild beside.
  const after = r.dashboardAfterMaintenance && worstChart(r.dashboardAfterMaintenance);
  const fresh = worstChart(r.dashboard);
  const worst = after ? { ...after, beforeMaintenance: fresh } : fresh;
  return {
    dailyRuns: [
      // The day before the range has the history gold had then; the day after, the range's.
      ...(Number.isFinite(r.dailyRun.before.seconds)
        ? [{ historyDays: Math.max(0, r.dailyRun.goldDaysAfter - r.days - 2), seconds: r.dailyRun.before.seconds, firstSeconds: r.dailyRun.first?.seconds }]
        : []),
      ...(Number.isFinite(r.dailyRun.after.seconds) ? [{ historyDays: r.dailyRun.goldDaysAfter - 1, seconds: r.dailyRun.after.seconds }] : []),
    ],
    backfill: r.silverWeatherSeconds === undefined ? undefined : { days: r.days, seconds: r.silverWeatherSeconds + r.silver.wallSeconds + r.goldFullRefreshSeconds },
    silverRatio: { days: r.days, ratio: r.silverRatio },
    oneUser: worst && { goldDays: r.dailyRun.goldDaysAfter, ...worst },
    users: r.users,
    trinoUsers: r.trinoUsers,
    render: r.render && { ...r.render, goldDays: r.dailyRun.goldDaysAfter },
    dailyRunMemoryMb: r.dailyRunMemoryMb,
  };
}

/** One user's chart queries: on the fresh rebuild and, when timed, after the nightly maintenance. */
function queriesSection(r: RangeResult): string[] {
  const after = r.dashboardAfterMaintenance;
  const title = `Dashboard queries (Revenue Trends) over ${r.dailyRun.goldDaysAfter} days of gold, one user, each run one after another`;
  if (!after) {
    return [`${title}:`, "", "| chart query | p50 wall | p95 wall | rows |", "|---|---:|---:|---:|",
      ...Object.entries(r.dashboard).map(([name, q]) => `| ${name} | ${f(q.p50, 3)} s | ${f(q.p95, 3)} s | ${q.rows} |`)];
  }
  return [
    `${title}, on the fresh rebuild and after the maintenance (compaction, z-order) that a deployed stack runs nightly:`,
    "",
    "| chart query | p50, fresh | p95, fresh | p50, maintained | p95, maintained | rows |",
    "|---|---:|---:|---:|---:|---:|",
    ...Object.entries(r.dashboard).map(([name, q]) => {
      const m = after[name];
      return `| ${name} | ${f(q.p50, 3)} s | ${f(q.p95, 3)} s | ${m ? `${f(m.p50, 3)} s` : ""} | ${m ? `${f(m.p95, 3)} s` : ""} | ${q.rows} |`;
    }),
  ];
}

/** The ratio against DuckDB without its schema contract check, which results before it lack. */
function withoutContract(r: RangeResult): string {
  const c = r.duckdbSilver.contractSeconds;
  if (c === undefined) return "";
  return `; ${f(r.silver.processingSeconds / (r.duckdbSilver.seconds - c))}x against DuckDB without its schema contract check (${f(c, 1)} s of its time)`;
}

export function rangeMarkdown(r: RangeResult, machine: string, memory: Record<string, MemoryPeak>, chartFile: string): string {
  const lines = [
    `# Benchmark: ${r.days} days (${r.from} … ${r.to}) at ~${i(r.rowsPerDay)} trips a day`,
    "",
    machine,
    "",
    `DuckDB and the lakehouse agree on the range: **${r.agreement.agreed ? "yes" : `no (${r.agreement.problems.join("; ")})`}** (silver rows ${i(r.agreement.silverRows.lakehouse)} / ${i(r.agreement.silverRows.duckdb)}, rejected ${i(r.agreement.rejected.lakehouse)} / ${i(r.agreement.rejected.duckdb)}).`,
    "",
    "| step | lakehouse | DuckDB | ratio | notes |",
    "|---|---:|---:|---:|---|",
    `| ingestion of the range | ${f(r.ingest.seconds, 0)} s, ${i(r.ingest.recordsPerSecond)} rec/s | | | ${i(r.ingest.records)} records, ${f(r.ingest.bytes / 1e6, 0)} MB gzipped; generation included |`,
    ...(r.silverWeatherSeconds === undefined ? [] : [`| silver backfill, weather: spark-submit wall | ${f(r.silverWeatherSeconds, 0)} s | | | one Spark session, one batch per year of days |`]),
    `| silver backfill, trips: spark-submit wall | ${f(r.silver.wallSeconds, 0)} s | | | one Spark session, batches of 15 days |`,
    `| silver backfill: processing | ${f(r.silver.processingSeconds, 0)} s, ${i(r.silver.recordsPerSecond)} rec/s | ${f(r.duckdbSilver.seconds, 0)} s, ${i(r.duckdbSilver.recordsPerSecond)} rec/s | **${f(r.silverRatio)}x** | Spark: without JVM launch (${f(r.silver.launchSeconds)} s), session (${f(r.silver.sessionSeconds)} s), shutdown; Iceberg commits ${f(r.silver.commitSeconds)} s included${r.duckdbSilver.contractSeconds === undefined ? "" : `. Both check the schema contract${withoutContract(r)}`} |`,
    `| gold: dbt build --full-refresh | ${f(r.goldFullRefreshSeconds, 0)} s | | | all of silver |`,
    `| maintenance (all layers) | ${f(r.maintenanceSeconds, 0)} s | | | compaction, z-order, expiry, orphans |`,
    ...(r.dailyRun.first
      ? [`| daily run end to end, the bench's first | ${f(r.dailyRun.first.seconds)} s | | | ${r.dailyRun.first.day}: the stack's job servers' first jobs if it had just started (shown, not judged) |`]
      : []),
    `| daily run end to end, before the range | ${f(r.dailyRun.before.seconds)} s | | | ${r.dailyRun.before.day}: ingest → silver (the stack's Spark driver) → gold (its dbt server) → dashboards' cache |`,
    `| daily run end to end, after the range | ${f(r.dailyRun.after.seconds)} s | | | ${r.dailyRun.after.day}, gold then holds ${r.dailyRun.goldDaysAfter} days |`,
    "",
    "Against the targets (issue 20), on this run's figures:",
    "",
    ...targetsMarkdown(issue20Targets(rangeTargetFigures(r))),
    "",
    ...usersSection(r.users, r.trinoUsers),
    "",
    ...renderSection(r.render),
    ...queriesSection(r),
    "",
    ...memoryTable(memory),
    "",
    ...peakComposition(r.dailyRunMemoryAtPeakMb),
    `![time per step](${chartFile})`,
    "",
  ];
  return lines.join("\n");
}
