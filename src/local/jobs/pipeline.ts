/**
 * The pipeline's steps on the local stack: silver (Spark) and gold (dbt on Trino), each
 * gated on its upstream's commit markers, each run with its own identity; after gold, the
 * dashboards' cache in Superset.
 */
import { silentLogger, type Logger } from "../../lib/log";
import { getText, s3Client } from "../../lib/s3";
import { query } from "../../lib/trino";
import { s3Connection } from "../services/objectstore";
import { SILVER_BUCKET } from "../../lib/buckets";
import { trinoTarget, trinoUrl } from "../services/trino";
import type { StackContext } from "../services/types";
import { DBT_PROJECT_DIR, dbt } from "./dbt";
import { describeRejections, rejectedShareLimits, rejectionsSql, summarizeRejections, type DayRejections } from "../../lib/rejected-share";
import { goldSourceVars, SCHEDULED_BUILD_EXCLUDES } from "../../lib/gold-vars";
import { acquireJobLock } from "./lock";
import { readDashboardRequests, refreshDashboardCache } from "../../serving/dashboard-cache";
import { supersetApi } from "../../serving/import-targets";
import { jobServer, runOnJobServer } from "./job-server";
import { SPARK_NOTICES } from "./spark";

/** "all" (weather and trips, the default sources'), one dataset, or a list (e.g. the NYC source's: nyc_weather, nyc_yellow_trips). */
export type SilverDataset = "trips" | "weather" | "nyc_weather" | "nyc_yellow_trips" | "all" | readonly string[];
/** What gold is built from unless told otherwise. */
const DEFAULT_GOLD_DATASETS = ["weather", "trips"] as const;

export interface SilverDayResult {
  dataset: string;
  source_date: string;
  bronze_records: number;
  silver_rows: number;
  rejected: number;
  duplicates_removed: number;
}

/**
 * Whether a job's own output (Spark's and dbt's progress lines) reaches the terminal: not for a
 * caller that asked for silence (the benchmark's timed runs, the tests). A failure still carries
 * the output in its error either way.
 */
const echoes = (log: Logger) => log !== silentLogger;

export async function runSilver(ctx: StackContext, days: string[], opts: { dataset?: SilverDataset; force?: boolean; log: Logger }): Promise<SilverDayResult[]> {
  const range = days.length === 1 ? ["--date", days[0]] : ["--from", days[0], "--to", days[days.length - 1]];
  const dataset = typeof opts.dataset === "object" ? opts.dataset.join(",") : opts.dataset ?? "all";
  opts.log.step(`silver: Spark job for ${days.length === 1 ? days[0] : `${days[0]} .. ${days.at(-1)}`} (dataset ${dataset})`);
  let out: string;
  try {
    // In the stack's warm Spark driver (the spark service), not a spark-submit of its own: a
    // day's run then pays no JVM start, session set-up or cold JIT (spark/lakehouse/job_server.py).
    out = await runOnJobServer(jobServer(ctx.paths, "spark"), "silver", [...range, "--dataset", dataset, ...(opts.force ? ["--force"] : [])], {
      echo: echoes(opts.log),
      quiet: SPARK_NOTICES,
    });
  } catch (e) {
    const lines = ((e as { output?: string }).output ?? "").split("\n");
    const failed = lines.filter((l) => l.includes("FAILED:") || l.startsWith("  ")).join("\n");
    throw new Error(`silver failed${failed ? `:\n${failed}` : ` (${(e as Error).message.split("\n")[0]})`}`);
  }
  const report = out.split("\n").filter((l) => l.startsWith('{"results"')).pop();
  if (!report) throw new Error("silver finished without its JSON report");
  return (JSON.parse(report) as { results: SilverDayResult[] }).results;
}

/** Fails unless silver has committed every day of each dataset (its markers are what gold waits for). */
export async function requireSilverMarkers(ctx: StackContext, days: string[], datasets: readonly string[] = DEFAULT_GOLD_DATASETS): Promise<void> {
  const client = s3Client(s3Connection(ctx, "dbt"));
  const missing: string[] = [];
  for (const day of days) {
    for (const dataset of datasets) {
      if ((await getText(client, SILVER_BUCKET, `_markers/${dataset}/date=${day}.json`)) === undefined) missing.push(`${dataset} ${day}`);
    }
  }
  if (missing.length) {
    throw new Error(`silver has not completed: ${missing.join(", ")}. Run 'lakehouse run silver --date <day>' first`);
  }
}

/** What dbt-trino (Python requests, Trino's client) prints when Trino went away or is not up yet. */
const TRINO_UNREACHABLE = /Max retries exceeded|Connection refused|Connection aborted|RemoteDisconnected|ConnectionResetError|NewConnectionError|SERVER_STARTING_UP|still initializing/;

/**
 * Consecutive windows of at most `maxDays` calendar days that cover `days` (sorted ISO dates),
 * each starting at a day that exists: a full refresh rebuilds gold a window at a time.
 */
export function refreshWindows(days: string[], maxDays = 31): [string, string][] {
  const windows: [string, string][] = [];
  const dayMs = 86_400_000;
  for (const day of [...days].sort()) {
    const last = windows.at(-1);
    if (last && (Date.parse(day) - Date.parse(last[0])) / dayMs < maxDays) last[1] = day;
    else windows.push([day, day]);
  }
  return windows;
}

/**
 * `dbt build`'s arguments for window `index` of `count` in a full refresh. The first rebuilds
 * every table (--full-refresh). The later ones add their days to the incremental models and
 * test them; the middle ones skip the models materialized as whole tables (a calendar, the
 * weather of all of silver, aggregates of all of gold) with the tests of those alone, which the
 * last window builds again over everything. None runs dbt's unit tests (SCHEDULED_BUILD_EXCLUDES).
 * From dbt's log of a year's rebuild (2026-12-06, 16 windows in 749 s), the unit tests took
 * 111 s of the nodes' time and the whole-table models with their tests ~120 s, repeated in
 * every window.
 */
export function refreshWindowArgs(start: string, end: string, index: number, count: number): string[] {
  const build = ["build", "--vars", `{start_date: "${start}", end_date: "${end}"}`, ...SCHEDULED_BUILD_EXCLUDES];
  if (index === 0) return [...build, "--full-refresh"];
  if (index === count - 1) return build;
  // cautious: a test of a window's rows against a whole table (trips' dates in dim_date's
  // calendar) still runs; dbt's default would drop it with the table.
  return [...build, "--exclude", "config.materialized:table", "--indirect-selection", "cautious"];
}

/**
 * Rebuilds every gold table from all of silver, a window of up to a month at a time: the first
 * window with --full-refresh, then the others incrementally in date order (what the daily runs
 * would have built). Each window is one `dbt build`: its models, then their tests over the
 * window's days, as a daily run does. fct_trips' insert keeps a Parquet writer open per day
 * partition in Trino, holding the day's rows until it closes: two months of ~100k trips a day
 * took 942 MB of the 1 GB per node (2026-12-06), so a month it stays. Trip-level tests over a
 * year at once (36 M trip ids) exceed Trino's memory per node too. A window's failing test
 * stops the rebuild there, naming the window.
 */
async function rebuildGold(ctx: StackContext, log: Logger): Promise<void> {
  const days = (await query(trinoTarget(ctx, "pipeline"), "select distinct cast(pickup_date as varchar) from iceberg.silver.trips order by 1")).rows.map((r) => String(r[0]));
  if (days.length === 0) throw new Error("silver.trips is empty: nothing to rebuild gold from. Run 'lakehouse run silver' first");
  await requireSilverMarkers(ctx, days);
  const windows = refreshWindows(days);
  log.step(`gold: full refresh from all of silver (${days.length} days, ${windows.length} window(s) of up to a month)`);
  for (const [i, [start, end]] of windows.entries()) {
    log.step(`gold: window ${i + 1}/${windows.length}: ${start} .. ${end}${i === 0 ? " (--full-refresh)" : ""}`);
    try {
      await dbt(ctx, refreshWindowArgs(start, end, i, windows.length), { echo: echoes(log) });
    } catch (e) {
      const left = windows.length - i - 1;
      // runGold's error names where the rebuild stopped.
      throw Object.assign(e as Error, {
        window: `full refresh window ${i + 1}/${windows.length}, ${start} .. ${end}` +
          (left ? `; the ${left} later window(s) were not built: run the full refresh again` : ""),
      });
    }
  }
}

/** Each day of `days` (all of them when empty) whose silver run rejected more than the limit, described. */
export async function rejectionsOverLimit(ctx: StackContext, days: string[], datasets: readonly string[] = DEFAULT_GOLD_DATASETS): Promise<string[]> {
  const limits = rejectedShareLimits(DBT_PROJECT_DIR);
  return (await dayRejections(ctx, days, datasets)).filter((d) => d.overLimit).map((d) => describeRejections(d, limits));
}

/** What silver rejected of each day's bronze records, per dataset and reason, judged against gold's limit. */
export async function dayRejections(ctx: StackContext, days: string[], datasets: readonly string[] = DEFAULT_GOLD_DATASETS): Promise<DayRejections[]> {
  const out = await query(trinoTarget(ctx, "pipeline"), rejectionsSql(days, datasets));
  return summarizeRejections(out.rows, rejectedShareLimits(DBT_PROJECT_DIR));
}

/**
 * `dbt build` for the days (incremental), or with `fullRefresh` every gold table rebuilt from all
 * of silver (days unused). `datasets`: the silver datasets the days were cleaned into (the
 * source's: DATASETS_OF_SOURCE) choose the sources' models (goldSourceVars: NYC's build the NYC
 * marts only, the default sources' the driver marts).
 */
export async function runGold(ctx: StackContext, days: string[], opts: { fullRefresh?: boolean; datasets?: readonly string[]; log: Logger }): Promise<void> {
  const datasets = opts.datasets ?? DEFAULT_GOLD_DATASETS;
  const sources = goldSourceVars(datasets);
  if (!opts.fullRefresh) await requireSilverMarkers(ctx, days, datasets);
  // Two builds at once interleave their delete-then-insert of the same days (duplicated rows)
  // and trip over each other's temporary tables and target/ directory: one at a time.
  const release = acquireJobLock(ctx.paths, "gold", "two dbt builds at once would interleave their deletes and inserts of the same days");
  try {
    if (opts.fullRefresh) await rebuildGold(ctx, opts.log);
    else {
      opts.log.step(`gold: dbt build for ${days[0]}${days.length > 1 ? ` .. ${days.at(-1)}` : ""}`);
      await dbt(ctx, ["build", "--vars", `{start_date: "${days[0]}", end_date: "${days[days.length - 1]}", ${sources}}`, ...SCHEDULED_BUILD_EXCLUDES], { echo: echoes(opts.log) });
    }
  } catch (e) {
    const { output: out = "", window } = e as { output?: string; window?: string };
    const errors = out.split("\n").filter((l) => /ERROR|FAIL|Error/.test(l)).slice(-15).join("\n");
    const hint = TRINO_UNREACHABLE.test(out)
      ? `\nTrino at ${trinoUrl(ctx)} could not be reached during the build (down, or restarting): the build stopped midway, so these days' gold may be partly rebuilt.` +
        `\nOnce Trino is up ('lakehouse local status'), run 'lakehouse run gold --date <day>' again: it rebuilds the days whole.`
      : /FAIL \d+ assert_rejected_share_within_limit/.test(errors)
        ? `\nSilver rejected far more of what the source sent than a day usually has:\n${(await rejectionsOverLimit(ctx, days, datasets).catch(() => [])).map((l) => `  ${l}`).join("\n")}` +
          "\nGold was not built for these days. Look at the rejected records ('lakehouse query \"select reason, raw_line from iceberg.silver.trips_rejected where source_date = date ...\"'):" +
          " a broken feed is re-ingested ('lakehouse run ingest --force'); a wrong rule is fixed in spark/lakehouse/silver and the day rerun. The limit is dbt/dbt_project.yml's max_rejected_share."
        : /FAIL \d+ assert_/.test(errors)
        ? "\nA reconciliation test failed: some day's gold no longer matches silver (e.g. a build that stopped midway)." +
          "\nThe failing rows name the day (dbt output above, or .lakehouse/dbt/target/run_results.json); rebuild it with 'lakehouse run gold --date <day>'."
        : "";
    throw new Error(`gold (dbt build${window ? `, ${window}` : ""}) failed:\n${errors || (e as Error).message}${hint}`);
  } finally {
    release();
  }
  await refreshDashboards(ctx, opts.log);
}

/**
 * After a gold build: Superset's cached results of each dashboard with data dropped and its
 * charts queried again (src/serving/dashboard-cache.ts), so the dashboards show this build at
 * once and their first visitor waits on no query.
 */
export async function refreshDashboards(ctx: StackContext, log: Logger): Promise<void> {
  try {
    await refreshDashboardCache(await supersetApi(ctx), readDashboardRequests(), log);
  } catch (e) {
    throw new Error(
      `gold is built, but Superset's cache was not refreshed, so its dashboards may show gold from before this build for up to a day: ${(e as Error).message}` +
        "\nOnce Superset answers ('lakehouse local status'), run 'lakehouse dashboards refresh-cache'.",
    );
  }
}
