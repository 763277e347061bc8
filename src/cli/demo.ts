/**
 * `lakehouse demo` (npm run demo): the whole pipeline on the local stack for a few days of
 * synthetic data, then what landed in each layer, a gold query, and where to look next.
 */
import type { Command } from "commander";
import { daysBetween } from "../lib/dates";
import type { Logger } from "../lib/log";
import { query, type TrinoTarget } from "../lib/trino";
import { up } from "../local/stack";
import { supersetUrl } from "../local/services/superset";
import { trinoTarget, trinoUrl } from "../local/services/trino";
import type { StackContext } from "../local/services/types";
import { runSteps } from "./run";
import { formatResult } from "./query";
import { latestSilverRuns } from "../lib/silver-runs";

async function show(target: TrinoTarget, title: string, sql: string): Promise<number> {
  const out = await query(target, sql);
  process.stdout.write(`\n== ${title}\n${formatResult(out, "table")}\n`);
  return out.rows.length;
}

export async function printLayers(ctx: StackContext, from: string, to: string): Promise<Record<string, number>> {
  const admin = trinoTarget(ctx, "admin");
  const range = `between '${from}' and '${to}'`;
  const counts: Record<string, number> = {};
  counts.bronze = await show(admin, "bronze: raw lines per day (hive.bronze, as the sources sent them)", `
    select concat(year, '-', month, '-', day) as day, 'trips' as dataset, count(*) as lines from hive.bronze.trips where concat(year, '-', month, '-', day) ${range} group by 1
    union all
    select concat(year, '-', month, '-', day), 'weather', count(*) from hive.bronze.weather where concat(year, '-', month, '-', day) ${range} group by 1
    order by 1, 2`);
  counts.silver = await show(admin, "silver: each day reconciled (bronze = silver + rejected + duplicates)", `
    select cast(source_date as varchar) as day, dataset, bronze_records as bronze, silver_rows as silver, rejected, duplicates_removed as duplicates
    from ${latestSilverRuns()}
    where cast(source_date as varchar) ${range} order by 1, 2`);
  await show(admin, "silver: rejected records by reason", `
    select reason, count(*) as records from iceberg.silver.trips_rejected where cast(source_date as varchar) ${range} group by 1 order by 2 desc`);
  counts.gold = await show(admin, `gold: top drivers by revenue on ${to}, with that day's weather`, `
    select substr(driver_id, 1, 12) || '…' as driver, trips, total_revenue, revenue_per_trip, revenue_per_mile, weather_condition, temperature_max_c, precipitation_mm
    from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${to}' order by total_revenue desc limit 5`);
  await show(admin, "gold: revenue trends", `
    select revenue_date, trips, active_drivers, total_revenue, revenue_7d_avg, weather_condition
    from iceberg.gold.revenue_trends where cast(revenue_date as varchar) ${range} order by 1`);
  return counts;
}

export function registerDemoCommand(program: Command, log: Logger): void {
  program
    .command("demo")
    .description("start the local stack, run the pipeline for a few days of synthetic data, show every layer")
    .option("--from <day>", "first day", "2024-03-01")
    .option("--to <day>", "last day", "2024-03-07")
    .option("--rows-per-day <n>", "synthetic trips per day", (v) => Number(v), 3000)
    .action(async (opts: { from: string; to: string; rowsPerDay: number }) => {
      const days = daysBetween(opts.from, opts.to);
      const ctx = await up(log);
      await runSteps(ctx, "all", days, { rowsPerDay: opts.rowsPerDay, log });
      const counts = await printLayers(ctx, opts.from, opts.to);
      const empty = Object.entries(counts).filter(([, n]) => n === 0).map(([layer]) => layer);
      if (empty.length) throw new Error(`the demo ran, but these layers are empty: ${empty.join(", ")}`);
      process.stdout.write(
        `\nThe local stack is running ('npx lakehouse local status'; stop it with 'npx lakehouse local down').\n` +
          `Superset: ${supersetUrl(ctx)}  user: ${ctx.secrets.superset.adminUser}  password: ${ctx.secrets.superset.adminPassword}\n` +
          `Trino:    ${trinoUrl(ctx)}  try: npx lakehouse query "select * from iceberg.gold.revenue_trends"\n`,
      );
    });
}
