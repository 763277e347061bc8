/**
 * Issue 20's targets, each judged from one run's own figures (pure). A figure a mode does not
 * measure is left undefined and its row says which mode measures it; a target is "met" only on
 * figures from the scale it is set for (a year of gold, a month of silver).
 */
import type { LoadFigures } from "../dashboard-load";
import type { RenderFigures } from "../dashboard-render";
import { fixed } from "./common";

export interface TargetFigures {
  /**
   * Daily runs end to end (ingest → silver → gold) and how many days of gold were there before
   * each; `firstSeconds`, when the run measured it, is the bench's first daily run before it
   * (the stack's job servers possibly cold: their first job since the stack started), shown
   * beside and not judged: a stack that runs daily keeps them warm.
   */
  dailyRuns?: { historyDays: number; seconds: number; firstSeconds?: number }[];
  /** The range's silver (weather + trips) and gold full refresh, wall seconds, and its days. */
  backfill?: { days: number; seconds: number };
  /** Silver's processing over DuckDB's on the same files, and the days they covered. */
  silverRatio?: { days: number; ratio: number };
  /**
   * One user's chart queries (the worst chart's p95) and the days of gold they read; when the run
   * also timed them on the fresh rebuild before the nightly maintenance, that figure is shown
   * beside (the judged one is after it: what a deployed stack's users query).
   */
  oneUser?: { goldDays: number; worstP95: number; worstChart: string; beforeMaintenance?: { worstP95: number; worstChart: string } };
  /** The dashboard under concurrent users through Superset (what its users wait for), by user count. */
  users?: LoadFigures[];
  /** The same users' chart queries on Trino alone (shown beside, not judged). */
  trinoUsers?: LoadFigures[];
  /** The dashboard drawn in the browser. */
  render?: RenderFigures & { goldDays: number };
  /** The stack's peak memory during the daily run (PSS summed over services and jobs), MB. */
  dailyRunMemoryMb?: number;
}

export interface TargetRow {
  target: string;
  figure: string;
  /** undefined: not measured by this run (the figure says what measures it). */
  met: boolean | undefined;
  /** The figure judged over the target's limit, in the same unit (how far a miss is), when measured. */
  over?: number;
}

const f = (n: number, d = 1) => fixed(n, d);
const YEAR = 365;
const MONTH = 28;
const overGold = (days: number) => (days >= YEAR ? `over ${days} days of gold` : `over ${days} days of gold (the target is over a year: --scale year)`);

export function issue20Targets(x: TargetFigures): TargetRow[] {
  const rows: TargetRow[] = [];
  const runs = x.dailyRuns ?? [];
  const slow = runs.some((r) => r.seconds > 30);
  const afterAYear = runs.some((r) => r.historyDays >= YEAR);
  rows.push({
    target: "daily run end to end at ~100k trips ≤ 30 s, the same after a year of history",
    figure: runs.length
      ? runs
          .map((r) => `${f(r.seconds)} s after ${r.historyDays} day${r.historyDays === 1 ? "" : "s"} of gold` + (r.firstSeconds === undefined ? "" : ` (the bench's first daily run before it, its job servers' first jobs: ${f(r.firstSeconds)} s)`))
          .join(", ") + (slow || afterAYear ? "" : " (after a year: --scale year)")
      : "not measured (npm run bench, or --scale month|year)",
    met: slow ? false : runs.length && afterAYear ? true : undefined,
    over: runs.length ? Math.max(...runs.map((r) => r.seconds)) / 30 : undefined,
  });

  const b = x.backfill;
  rows.push({
    target: "a year through silver and gold ≤ 15 min",
    figure: b ? `${f(b.seconds / 60)} min for ${b.days} days${b.days >= YEAR ? "" : " (a year: --scale year)"}` : "not measured (--scale year)",
    met: b && b.days >= YEAR ? b.seconds <= 900 : undefined,
    over: b && b.seconds / 900,
  });

  const s = x.silverRatio;
  rows.push({
    target: "bronze → silver processing on a month ≤ 1.0x DuckDB's",
    figure: s ? `${f(s.ratio)}x over ${s.days} day(s)${s.days >= MONTH ? "" : " (a day pays the JVM's warm-up; the target is a month: --scale month)"}` : "not measured",
    met: s && s.days >= MONTH ? s.ratio <= 1.0 : undefined,
    over: s && s.ratio / 1.0,
  });

  const o = x.oneUser;
  rows.push({
    target: "each Revenue Trends chart query, one user: p95 ≤ 0.3 s over a year of gold",
    figure: o
      ? `worst p95 ${f(o.worstP95, 3)} s (${o.worstChart}) ${overGold(o.goldDays)}` +
        (o.beforeMaintenance ? `, after the nightly maintenance (on the fresh rebuild before it: ${f(o.beforeMaintenance.worstP95, 3)} s, ${o.beforeMaintenance.worstChart})` : "")
      : "not measured",
    met: o && o.goldDays >= YEAR ? o.worstP95 <= 0.3 : o && o.worstP95 > 0.3 ? false : undefined,
    over: o && o.worstP95 / 0.3,
  });

  const twenty = x.users?.find((u) => u.users === 20);
  const twentyOnTrino = x.trinoUsers?.find((u) => u.users === 20);
  rows.push({
    target: "each chart query with 20 concurrent dashboard users: p95 ≤ 1 s",
    figure: twenty
      ? `through Superset, worst chart p95 ${f(twenty.worstChartP95, 3)} s (${twenty.worstChart}), a whole dashboard p95 ${f(twenty.loadP95, 3)} s` +
        (twentyOnTrino ? `; on Trino alone (no cache) ${f(twentyOnTrino.worstChartP95, 3)} s` : "") +
        (o ? ` ${overGold(o.goldDays)}` : "") +
        (twenty.errors.length ? `; ${twenty.errors.length} failed requests` : "")
      : "not measured",
    met: twenty ? (twenty.errors.length ? false : o && o.goldDays >= YEAR ? twenty.worstChartP95 <= 1 : twenty.worstChartP95 > 1 ? false : undefined) : undefined,
    over: twenty && twenty.worstChartP95 / 1,
  });

  const r = x.render;
  rows.push({
    target: "the whole dashboard drawn in the browser ≤ 3 s from navigation to the last chart",
    figure: r
      ? `first visit ${f(r.firstSeconds)} s, returning median ${f(r.medianSeconds)} s, ${overGold(r.goldDays)}${r.notDrawn.length ? `; not drawn: ${r.notDrawn.join(", ")}` : ""}`
      : "not measured",
    // Judged on the worse of the two: a first visit is what a new user sees.
    met: r ? (r.notDrawn.length ? false : Math.max(r.firstSeconds, r.medianSeconds) > 3 ? false : r.goldDays >= YEAR ? true : undefined) : undefined,
    over: r && Math.max(r.firstSeconds, r.medianSeconds) / 3,
  });

  const m = x.dailyRunMemoryMb;
  rows.push({
    target: "peak memory of the local stack during the daily run ≤ 6 GB",
    figure: m === undefined ? "not measured" : `${f(m / 1024, 2)} GB (PSS, services and jobs summed at one instant)`,
    met: m === undefined ? undefined : m <= 6 * 1024,
    over: m === undefined ? undefined : m / (6 * 1024),
  });
  return rows;
}

/** Where the report points for why each missed target is missed, and what was tried. */
export const MISSED_TARGETS_DOC = "bench/README.md, \"Why the missed targets are missed\"";

/** The targets as a markdown table; a miss says by how much (the judged figure over the limit). */
export function targetsMarkdown(rows: TargetRow[]): string[] {
  const verdict = (r: TargetRow) => (r.met === undefined ? "not judged here" : r.met ? "**met**" : `**missed**${r.over === undefined ? "" : `: ${f(r.over, 2)}x the limit`}`);
  return [
    "| target (issue 20) | this run | |",
    "|---|---|---|",
    ...rows.map((r) => `| ${r.target} | ${r.figure} | ${verdict(r)} |`),
    ...(rows.some((r) => r.met === false) ? ["", `Why each missed target is missed, with the profiles and what was tried: ${MISSED_TARGETS_DOC}.`] : []),
  ];
}

/** The concurrent-users figures, through Superset and on Trino alone, as markdown lines (none when not measured). */
export function usersSection(users: LoadFigures[] | undefined, trinoUsers: LoadFigures[] | undefined): string[] {
  const all = [...(users ?? []), ...(trinoUsers ?? [])];
  if (all.length === 0) return [];
  return [
    `The dashboard under concurrent users (a second process on this machine; ${all[0].loadsPerUser} dashboard loads per user, each load's chart requests sent at once, ` +
      `${all[0].thinkSeconds ? `then ${all[0].thinkSeconds} s reading it before the next load` : "no think time"}). ` +
      "Through Superset: the dashboard's own chart-data requests, its data cache included, as its users reach it. On Trino: the chart queries alone, as the dashboard user, no cache:",
    "",
    "| via | users | chart requests | p50 | p95 | worst chart p95 | a whole dashboard p95 | requests/s | failed |",
    "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ...all.map(
      (u) =>
        `| ${u.via ?? "trino"} | ${u.users} | ${u.queries} | ${f(u.p50, 3)} s | ${f(u.p95, 3)} s | ${f(u.worstChartP95, 3)} s (${u.worstChart}) | ${f(u.loadP95, 3)} s | ${f(u.queriesPerSecond)} | ${u.errors.length} |`,
    ),
  ];
}
