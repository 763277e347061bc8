/** The lakehouse's own steps, timed: ingestion, gold (dbt build) and the dashboard queries on Trino. */
import { dbt } from "../../src/local/jobs/dbt";
import { runIngest } from "../../src/local/jobs/ingest";
import { requireSilverMarkers } from "../../src/local/jobs/pipeline";
import { silentLogger } from "../../src/lib/log";
import { query, type TrinoTarget } from "../../src/lib/trino";
import type { StackContext } from "../../src/local/services/types";

export interface IngestRun {
  seconds: number;
  records: number;
  bytes: number;
  objects: number;
}

/** One day of synthetic trips and weather to bronze (generation included: it is the source). */
export async function ingestDay(ctx: StackContext, day: string, rowsPerDay: number): Promise<IngestRun> {
  const result = await runIngest(ctx, [day], { rowsPerDay, force: true, log: silentLogger });
  const trips = result.ingested.find((r) => r.dataset === "trips");
  if (!trips) throw new Error(`ingestion wrote no trips for ${day}`);
  return { seconds: trips.seconds, records: trips.records, bytes: trips.bytes, objects: trips.objects };
}

export interface GoldRun {
  seconds: number;
  models: { name: string; seconds: number; status: string }[];
  /** dbt tests that failed: global tests can fail on other days other users are rewriting. */
  failedTests: string[];
}

/** `dbt build` for one day (incremental), as `lakehouse run gold --date` runs it. */
export async function goldDay(ctx: StackContext, day: string): Promise<GoldRun> {
  await requireSilverMarkers(ctx, [day]);
  const t0 = Date.now();
  let out: string;
  try {
    out = await dbt(ctx, ["build", "--vars", `{start_date: "${day}", end_date: "${day}"}`]);
  } catch (e) {
    out = (e as { output?: string }).output ?? "";
    if (!out || / ERROR creating | ERROR /.test(out.split("\n").filter((l) => / of \d+ /.test(l)).join("\n"))) throw e;
  }
  const seconds = (Date.now() - t0) / 1000;
  const models: GoldRun["models"] = [];
  const failedTests: string[] = [];
  for (const line of out.split("\n")) {
    const m = / \d+ of \d+ (OK|ERROR|FAIL|PASS|WARN)\b.*? (?:model )?([\w.]+) \.+ \[.* in ([\d.]+)s\]/.exec(line);
    if (!m) continue;
    if (/ model /.test(line)) models.push({ name: m[2], seconds: Number(m[3]), status: m[1] });
    else if (m[1] === "FAIL" || m[1] === "ERROR") failedTests.push(m[2]);
  }
  return { seconds, models, failedTests };
}

/** The Revenue Trends dashboard's chart queries, as Superset sends them (whole history, no filter). */
export const DASHBOARD_QUERIES: Record<string, string> = {
  "daily revenue + moving averages": `select revenue_date, sum(total_revenue) as sum_revenue, avg(revenue_7d_avg) as moving_avg_7d, avg(revenue_28d_avg) as moving_avg_28d
    from iceberg.gold.revenue_trends group by revenue_date order by revenue_date limit 10000`,
  "trips per day": `select revenue_date, sum(trips) as sum_trips from iceberg.gold.revenue_trends group by revenue_date order by revenue_date limit 10000`,
  "revenue by weather condition": `select coalesce(weather_condition, 'unknown') as weather_condition, avg(total_revenue) as avg_daily_revenue
    from iceberg.gold.revenue_trends group by 1 order by 1 limit 100`,
  "top drivers": `select driver_id, sum(total_revenue) as sum_revenue, sum(trips) as sum_trips,
    cast(sum(total_revenue) as double) / nullif(cast(sum(distance_miles) as double), 0) as weighted_revenue_per_mile
    from iceberg.gold.daily_revenue_by_driver group by driver_id order by sum_revenue desc limit 10`,
  "revenue per mile": `select revenue_date, cast(sum(total_revenue) as double) / nullif(cast(sum(distance_miles) as double), 0) as weighted_revenue_per_mile
    from iceberg.gold.revenue_trends group by revenue_date order by revenue_date limit 10000`,
};

export interface QueryTiming {
  /** Client wall time (HTTP round trips included), seconds per run. */
  wall: number[];
  /** Trino's own elapsed time, seconds per run. */
  trino: number[];
  rows: number;
}

export async function timeQuery(target: TrinoTarget, sql: string, runs: number): Promise<QueryTiming> {
  await query(target, sql); // warm-up: metadata and file caches
  const timing: QueryTiming = { wall: [], trino: [], rows: 0 };
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const out = await query(target, sql);
    timing.wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    timing.trino.push((out.stats?.elapsedTimeMillis ?? NaN) / 1000);
    timing.rows = out.rows.length;
  }
  return timing;
}

/** The gold aggregation (daily_revenue_by_driver's work) as one Trino query on silver, for the Trino/DuckDB ratio. */
export function trinoGoldAggregation(day: string): string {
  return `select pickup_date as revenue_date, taxi_id as driver_id, count(*) as trips, sum(fare) as fare,
      sum(coalesce(tips, 0)) as tips, sum(coalesce(tolls, 0)) as tolls, sum(coalesce(extras, 0)) as surcharges,
      sum(trip_total) as total_revenue, sum(cast(trip_miles as decimal(10, 2))) as distance_miles
    from iceberg.silver.trips where pickup_date = date '${day}' group by pickup_date, taxi_id`;
}
