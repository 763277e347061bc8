/**
 * The benchmark over a range of days (`--scale month|year`): a backfill through every layer,
 * the same cleaning in DuckDB on the same bronze files, and the daily run end to end before
 * and after the range is in the lakehouse (its cost must not grow with history).
 */
import fs from "node:fs";
import path from "node:path";
import { runIngest } from "../../src/local/jobs/ingest";
import { runGold } from "../../src/local/jobs/pipeline";
import { runMaintenance, runSteps } from "../../src/local/jobs/steps";
import { daysBetween } from "../../src/lib/dates";
import { silentLogger, type Logger } from "../../src/lib/log";
import { query, type TrinoTarget } from "../../src/lib/trino";
import { addDays } from "../../src/ingest/layout";
import { s3Connection } from "../../src/local/services/objectstore";
import type { StackContext } from "../../src/local/services/types";
import { DuckBench, contractProblems, contractViolations, downloadBronzeDay, silverTripsSql } from "./duckdb";
import { supersetUrl } from "../../src/serving/import-targets";
import { dashboardUnderLoad, type LoadFigures, type LoadPlan } from "./dashboard-load";
import { dashboardRender, type RenderFigures } from "./dashboard-render";
import { MemorySampler, servicePids } from "./memory";
import { DASHBOARD_QUERIES, timeQuery } from "./pipeline";
import { runSilverTimed, type SilverRun } from "./silver";
import { percentile, seconds } from "./stats";

export interface RangeResult {
  from: string;
  to: string;
  days: number;
  rowsPerDay: number;
  ingest: { seconds: number; records: number; bytes: number; recordsPerSecond: number };
  silver: SilverRun & { records: number; recordsPerSecond: number };
  /** The weather job's spark-submit wall for the range (absent in results from before it was timed). */
  silverWeatherSeconds?: number;
  /** contractSeconds: the part of `seconds` that is the schema contract check (absent in results before it was added). */
  duckdbSilver: { seconds: number; recordsPerSecond: number; downloadSeconds: number; contractSeconds?: number };
  /** Spark's processing (no JVM launch, session or shutdown) over DuckDB's time, same files. */
  silverRatio: number;
  agreement: { agreed: boolean; problems: string[]; silverRows: { lakehouse: number; duckdb: number }; rejected: { lakehouse: number; duckdb: number } };
  goldFullRefreshSeconds: number;
  maintenanceSeconds: number;
  /** `lakehouse run all --date D` (ingest → silver → gold), wall seconds, with a small and with the range's history. */
  /**
   * The daily run on the day before the range and on the day after it. Since 2026-12-07 the day
   * before is preceded by another (`first`, two days before the range): the bench's first daily
   * run, whose jobs may be the stack's job servers' first since it started (a cold Spark driver).
   */
  dailyRun: { first?: { day: string; seconds: number }; before: { day: string; seconds: number }; after: { day: string; seconds: number }; goldDaysAfter: number };
  /** One user's chart queries on the fresh rebuild (before the nightly maintenance has compacted it). */
  dashboard: Record<string, { p50: number; p95: number; rows: number }>;
  /**
   * The same queries after the maintenance (compaction, z-order): the steady state a deployed
   * stack's users query, since maintenance runs nightly after gold (absent in earlier results).
   */
  dashboardAfterMaintenance?: Record<string, { p50: number; p95: number; rows: number }>;
  /** The dashboard's chart requests through Superset at 1, 5 and 20 concurrent users, after the range (absent before 2026-12-06). */
  users?: LoadFigures[];
  /** The same users' chart queries on Trino alone. */
  trinoUsers?: LoadFigures[];
  /** The dashboard drawn in the browser after the range (absent before 2026-12-06). */
  render?: RenderFigures;
  /** The stack's peak memory (PSS, services and jobs) during the daily run after the range, MB (absent before 2026-12-06). */
  dailyRunMemoryMb?: number;
  /** What held that peak: each service's or job's PSS at the peak's instant, MB (absent before 2026-12-07). */
  dailyRunMemoryAtPeakMb?: Record<string, number>;
}

/** Days DuckDB cleans per statement (a month): bounds its memory and temporary files. */
export const DUCKDB_CHUNK_DAYS = 31;

export async function benchRange(
  ctx: StackContext,
  opts: {
    from: string; to: string; rowsPerDay: number; queryRuns: number; trino: TrinoTarget; dashboard: TrinoTarget; duck: DuckBench; work: string; log: Logger;
    /** Called with the figures so far after each step: a year takes hours, and a late failure must not lose the early ones. */
    checkpoint?: (partial: Partial<RangeResult>) => void;
    /** Figures of an earlier run of the same range (its partial results): its daily run before the range, ingestion and silver are not run again; the later steps are. */
    done?: Partial<RangeResult>;
  },
): Promise<RangeResult> {
  const { log, trino } = opts;
  const done = opts.done ?? {};
  if (opts.done && (done.from !== opts.from || done.to !== opts.to)) throw new Error(`--resume: the saved run covers ${done.from} … ${done.to}, not ${opts.from} … ${opts.to}`);
  const partial: Partial<RangeResult> = { ...done, from: opts.from, to: opts.to, rowsPerDay: opts.rowsPerDay };
  const record = (figures: Partial<RangeResult>) => {
    Object.assign(partial, figures);
    opts.checkpoint?.(partial);
  };
  const days = daysBetween(opts.from, opts.to);
  const daily = async (day: string) => {
    const [s] = await seconds(() => runSteps(ctx, "all", [day], { force: true, rowsPerDay: opts.rowsPerDay, log: silentLogger }));
    log.step(`daily run ${day} (ingest → silver → gold): ${s.toFixed(1)}s`);
    return { day, seconds: s };
  };

  // The day before the range, with whatever history gold holds now, after a first daily run
  // that warms the stack's job servers (its figure is shown beside, not judged).
  const first = done.dailyRun?.first ?? (await daily(addDays(opts.from, -2)));
  const before = done.dailyRun?.before ?? (await daily(addDays(opts.from, -1)));
  record({ days: days.length, dailyRun: { first, before, after: { day: "", seconds: NaN }, goldDaysAfter: NaN } });

  if (!done.ingest) {
    log.step(`ingest ${days.length} days x ${opts.rowsPerDay} trips`);
    const [ingestSeconds, ingested] = await seconds(() => runIngest(ctx, days, { rowsPerDay: opts.rowsPerDay, force: true, log: silentLogger }));
    const trips = ingested.ingested.filter((r) => r.dataset === "trips");
    const records = trips.reduce((s, r) => s + r.records, 0);
    const bytes = trips.reduce((s, r) => s + r.bytes, 0);
    log.step(`ingest: ${records} records, ${(bytes / 1e6).toFixed(0)} MB in ${ingestSeconds.toFixed(0)}s`);
    record({ ingest: { seconds: ingestSeconds, records, bytes, recordsPerSecond: records / ingestSeconds } });
  }

  if (!done.silver) {
    log.step("silver: weather for the range, then trips for the range");
    const weather = await runSilverTimed(ctx, [opts.from, opts.to], "weather");
    log.step(`silver: weather, wall ${weather.wallSeconds.toFixed(0)}s`);
    const run = await runSilverTimed(ctx, [opts.from, opts.to], "trips");
    const records = run.results.reduce((s, r) => s + r.bronze_records, 0);
    log.step(`silver: ${records} records, wall ${run.wallSeconds.toFixed(0)}s, processing ${run.processingSeconds.toFixed(0)}s`);
    record({ silver: { ...run, records, recordsPerSecond: records / run.processingSeconds }, silverWeatherSeconds: weather.wallSeconds });
  }
  const silver = partial.silver!;
  const silverRecords = silver.records;

  // DuckDB cleans the range a month at a time (Spark: a week at a time): a year in one statement
  // spilled more than 45 GB of temporary files and filled this machine's disk. Each chunk's
  // bronze is downloaded (timed apart), cleaned, counted and deleted before the next.
  log.step(`DuckDB: the same cleaning on the same bronze files, ${DUCKDB_CHUNK_DAYS} days at a time`);
  const s3 = s3Connection(ctx, "ingest");
  let downloadSeconds = 0;
  let duckSeconds = 0;
  let silverD = 0;
  let rejectedD = 0;
  const violations: string[] = [];
  let contractSeconds = 0;
  for (let k = 0; k < days.length; k += DUCKDB_CHUNK_DAYS) {
    const chunk = days.slice(k, k + DUCKDB_CHUNK_DAYS);
    const dir = path.join(opts.work, `chunk-${k}`);
    const [dl, files] = await seconds(async () => {
      const all: string[] = [];
      for (const day of chunk) all.push(...(await downloadBronzeDay(s3, day, dir)).files);
      return all;
    });
    // Statement by statement, so that the contract check's share is known (reported beside the ratio).
    let t = 0;
    for (const statement of silverTripsSql(files, dir)) {
      const [ts] = await seconds(() => opts.duck.run([statement]));
      t += ts;
      if (/create or replace table (shapes|contract_violations)\b/.test(statement)) contractSeconds += ts;
    }
    violations.push(...(await contractViolations(opts.duck)));
    silverD += Number((await opts.duck.rows("select count(*) as n from silver_trips"))[0].n);
    rejectedD += Number((await opts.duck.rows("select count(*) as n from trips_rejected"))[0].n);
    fs.rmSync(dir, { recursive: true, force: true });
    downloadSeconds += dl;
    duckSeconds += t;
    log.step(`DuckDB: ${chunk[0]} … ${chunk.at(-1)} in ${t.toFixed(1)}s (download ${dl.toFixed(1)}s)`);
  }
  await opts.duck.run(["lines", "shapes", "contract_violations", "checked", "silver_trips", "trips_rejected"].map((t) => `drop table if exists ${t}`));
  log.step(`DuckDB: ${duckSeconds.toFixed(1)}s`);
  const duckdbSilver = { seconds: duckSeconds, recordsPerSecond: silverRecords / duckSeconds, downloadSeconds, contractSeconds };
  const silverRatio = silver.processingSeconds / duckSeconds;
  record({ duckdbSilver, silverRatio });

  const inRange = `between date '${opts.from}' and date '${opts.to}'`;
  const silverL = Number((await query(trino, `select count(*) from iceberg.silver.trips where pickup_date ${inRange}`)).rows[0][0]);
  const rejectedL = Number((await query(trino, `select count(*) from iceberg.silver.trips_rejected where source_date ${inRange}`)).rows[0][0]);
  const problems = [
    ...(silverL !== silverD ? [`silver rows: lakehouse ${silverL}, duckdb ${silverD}`] : []),
    ...(rejectedL !== rejectedD ? [`rejected: lakehouse ${rejectedL}, duckdb ${rejectedD}`] : []),
    ...contractProblems(violations),
  ];
  const agreement = { agreed: problems.length === 0, problems, silverRows: { lakehouse: silverL, duckdb: silverD }, rejected: { lakehouse: rejectedL, duckdb: rejectedD } };
  record({ agreement });

  log.step("gold: dbt build --full-refresh over all of silver");
  const [goldFullRefreshSeconds] = await seconds(() => runGold(ctx, [opts.from, opts.to], { fullRefresh: true, log: silentLogger }));
  log.step(`gold full refresh: ${goldFullRefreshSeconds.toFixed(0)}s`);
  record({ goldFullRefreshSeconds });

  const sampler = new MemorySampler(servicePids(ctx), true).start();
  const after = await daily(addDays(opts.to, 1)).finally(() => sampler.stop());
  const { peakPssMb: dailyRunMemoryMb, atPeakMb: dailyRunMemoryAtPeakMb } = sampler.stackTotal();
  const goldDaysAfter = Number((await query(trino, "select count(distinct revenue_date) from iceberg.gold.daily_revenue_by_driver")).rows[0][0]);
  record({ dailyRun: { first, before, after, goldDaysAfter } });

  log.step(`dashboard queries over ${goldDaysAfter} days of gold: ${opts.queryRuns} runs each`);
  const dashboard = await timeDashboardQueries(opts.dashboard, opts.queryRuns);
  record({ dashboard });
  const { users, trinoUsers, render } = await dashboardFigures(ctx, opts.dashboard, log);
  record({ users, trinoUsers, render, dailyRunMemoryMb, dailyRunMemoryAtPeakMb });

  log.step("maintenance: compaction, z-order, snapshot expiry, orphans (all layers)");
  const [maintenanceSeconds] = await seconds(() => runMaintenance(ctx, "all", silentLogger));
  log.step(`dashboard queries after the maintenance: ${opts.queryRuns} runs each`);
  const dashboardAfterMaintenance = await timeDashboardQueries(opts.dashboard, opts.queryRuns);

  return {
    from: opts.from,
    to: opts.to,
    days: days.length,
    rowsPerDay: opts.rowsPerDay,
    ingest: partial.ingest!,
    silver,
    silverWeatherSeconds: partial.silverWeatherSeconds,
    duckdbSilver,
    silverRatio,
    agreement,
    goldFullRefreshSeconds,
    maintenanceSeconds,
    dailyRun: { first, before, after: { day: after.day, seconds: after.seconds }, goldDaysAfter },
    dashboard,
    dashboardAfterMaintenance,
    users,
    trinoUsers,
    render,
    dailyRunMemoryMb,
    dailyRunMemoryAtPeakMb,
  };
}

/** Each Revenue Trends chart query, `runs` times one after another as the dashboard user: p50, p95 and rows. */
async function timeDashboardQueries(dashboard: TrinoTarget, runs: number): Promise<RangeResult["dashboard"]> {
  const out: RangeResult["dashboard"] = {};
  for (const [name, sql] of Object.entries(DASHBOARD_QUERIES)) {
    const t = await timeQuery(dashboard, sql, runs);
    out[name] = { p50: percentile(t.wall, 50), p95: percentile(t.wall, 95), rows: t.rows };
  }
  return out;
}

/** The user counts of issue 20, the dashboard loads each user makes, and how long a user reads a dashboard before loading it again. */
export const USER_COUNTS = [1, 5, 20];
const LOADS_PER_USER = 8;
const THINK_SECONDS = 5;

/**
 * The dashboard at 1, 5 and 20 concurrent users (a second process), through Superset as its
 * users reach it and on Trino alone; then drawn in the browser (whose render gives the
 * dashboard's own chart requests to replay).
 */
export async function dashboardFigures(ctx: StackContext, dashboard: TrinoTarget, log: Logger, opts: { loads?: number; renders?: number; thinkSeconds?: number } = {}): Promise<{ users: LoadFigures[]; trinoUsers: LoadFigures[]; render: RenderFigures }> {
  const { figures: render, chartRequests } = await dashboardRender(ctx, opts.renders ?? 6);
  log.step(`dashboard in the browser: first visit ${render.firstSeconds.toFixed(1)}s, returning median ${render.medianSeconds.toFixed(1)}s${render.notDrawn.length ? `; not drawn: ${render.notDrawn.join(", ")}` : ""}`);
  const loads = opts.loads ?? LOADS_PER_USER;
  const thinkSeconds = opts.thinkSeconds ?? THINK_SECONDS;
  const { adminUser, adminPassword } = ctx.secrets.superset;
  const superset = { baseUrl: supersetUrl(ctx), user: adminUser, password: adminPassword };
  const measure = async (plan: (users: number) => LoadPlan) => {
    const out: LoadFigures[] = [];
    for (const users of USER_COUNTS) {
      const f = await dashboardUnderLoad(plan(users));
      log.step(`dashboard via ${f.via}, ${users} concurrent user(s): chart p95 ${f.p95.toFixed(3)}s, worst chart p95 ${f.worstChartP95.toFixed(3)}s, a whole dashboard p95 ${f.loadP95.toFixed(3)}s${f.errors.length ? `, ${f.errors.length} failed` : ""}`);
      out.push(f);
    }
    return out;
  };
  const users = await measure((n) => ({ via: "superset", users: n, loads, thinkSeconds, superset, requests: chartRequests }));
  const trinoUsers = await measure((n) => ({ via: "trino", users: n, loads, thinkSeconds, target: dashboard, queries: DASHBOARD_QUERIES }));
  return { users, trinoUsers, render };
}
