/** `lakehouse validate <layer>`: checks a layer's promises for a day or a range. */
import { Argument, type Command } from "commander";
import { datasetsFor, validateBronze } from "../ingest";
import { BUCKETS, type Bucket } from "../lib/buckets";
import type { Logger } from "../lib/log";
import { latestSilverRuns } from "../lib/silver-runs";
import { query } from "../lib/trino";
import { DBT_PROJECT_DIR, dbt } from "../local/jobs/dbt";
import { dayRejections, rejectionsOverLimit } from "../local/jobs/pipeline";
import { describeRejections, percent, rejectedShareLimits } from "../lib/rejected-share";
import { s3Connection } from "../local/services/objectstore";
import { trinoTarget } from "../local/services/trino";
import { stackContext } from "../local/stack";
import type { StackContext } from "../local/services/types";
import { resolveDays, type DayOptions } from "./run";
import { renderTable } from "./table";

/** Silver: every day has its marker, its run reconciles, and both tables hold what the run wrote
 * (the rejected table too: it is committed before the silver table, so a run killed between the
 * two commits leaves a day whose rejected records no longer match its last complete run). */
export async function validateSilver(ctx: StackContext, days: string[]): Promise<string[]> {
  const target = trinoTarget(ctx, "pipeline");
  const list = days.map((d) => `date '${d}'`).join(", ");
  const runs = await query(target, `
    select dataset, cast(source_date as varchar), bronze_records, silver_rows, rejected, duplicates_removed
    from ${latestSilverRuns(`source_date in (${list})`)}`);
  const tables = await query(target, `
    select 'trips', cast(pickup_date as varchar), count(*) from iceberg.silver.trips where pickup_date in (${list}) group by 2
    union all
    select 'weather', cast(weather_date as varchar), count(*) from iceberg.silver.weather where weather_date in (${list}) group by 2
    union all
    select 'trips_rejected', cast(source_date as varchar), count(*) from iceberg.silver.trips_rejected where source_date in (${list}) group by 2
    union all
    select 'weather_rejected', cast(source_date as varchar), count(*) from iceberg.silver.weather_rejected where source_date in (${list}) group by 2`);
  const rows = new Map(tables.rows.map((r) => [`${r[0]} ${r[1]}`, Number(r[2])]));
  const latest = new Map(runs.rows.map((r) => [`${r[0]} ${r[1]}`, r.slice(2).map(Number)]));
  return silverProblems(days, latest, rows);
}

/**
 * What does not add up, per dataset and day (pure): `latest` holds each day's last run as
 * [bronze, silver, rejected, duplicates] under "<dataset> <day>"; `rows` the tables' row counts
 * under "<dataset> <day>" and "<dataset>_rejected <day>".
 */
export function silverProblems(days: string[], latest: Map<string, number[]>, rows: Map<string, number>): string[] {
  const problems: string[] = [];
  for (const day of days) {
    for (const dataset of ["weather", "trips"]) {
      const run = latest.get(`${dataset} ${day}`);
      if (!run) {
        problems.push(`${dataset} ${day}: no silver run recorded`);
        continue;
      }
      const [bronze, silver, rejected, dups] = run;
      if (bronze !== silver + rejected + dups) problems.push(`${dataset} ${day}: bronze ${bronze} != silver ${silver} + rejected ${rejected} + duplicates ${dups}`);
      const inTable = rows.get(`${dataset} ${day}`) ?? 0;
      if (inTable !== silver) problems.push(`${dataset} ${day}: the run wrote ${silver} rows but the table holds ${inTable}`);
      const inRejected = rows.get(`${dataset}_rejected ${day}`) ?? 0;
      if (inRejected !== rejected) problems.push(`${dataset} ${day}: the run rejected ${rejected} records but ${dataset}_rejected holds ${inRejected} (rerun: lakehouse run silver --date ${day})`);
    }
  }
  return problems;
}

export function registerValidateCommand(program: Command, log: Logger): void {
  program
    .command("validate")
    .description("check a layer: bronze manifests and objects, silver reconciliation, gold's dbt tests")
    .addArgument(new Argument("<layer>", BUCKETS.join(" | ")).choices(BUCKETS))
    .option("--date <day>", "the day, YYYY-MM-DD")
    .option("--from <day>", "first day of a range")
    .option("--to <day>", "last day of a range")
    .option("--content", "bronze: also re-read every object and check its sha256 and line count")
    .action(async (layer: Bucket, opts: DayOptions & { content?: boolean }) => {
      const ctx = await stackContext(log, false);
      if (!ctx) throw new Error("the local stack is not set up here: run 'lakehouse local up' first");
      if (layer === "gold") {
        const days = opts.date || opts.from || opts.to ? resolveDays(opts) : undefined;
        const limits = rejectedShareLimits(DBT_PROJECT_DIR);
        // What the build's rejected-share test judges, shown whether or not it passes.
        const judged = days ? await dayRejections(ctx, days) : undefined;
        if (judged) {
          process.stdout.write(renderTable(["dataset", "day", "bronze", "rejected", "share", "reasons (share of bronze)"], judged.map((d) => [
            d.dataset, d.day, d.bronze, d.rejected, `${percent(d.share)}${d.overLimit ? ` > ${(100 * limits.maxShare).toFixed(0)}%` : ""}`,
            d.reasons.slice(0, 4).map((r) => `${r.reason} ${percent(r.share)}`).join(", ") || "-",
          ])) + "\n");
        }
        const vars = days ? ["--vars", `{start_date: "${days[0]}", end_date: "${days[days.length - 1]}"}`] : [];
        try {
          await dbt(ctx, ["test", ...vars], { echo: true });
        } catch (e) {
          const over = judged ? judged.filter((d) => d.overLimit).map((d) => describeRejections(d, limits)) : await rejectionsOverLimit(ctx, []).catch(() => []);
          throw new Error(`gold's dbt tests failed${over.length ? `; silver rejected too much of what the source sent:\n${over.map((l) => `  ${l}`).join("\n")}` : ""}\n${(e as Error).message.split("\n").slice(-8).join("\n")}`);
        }
        return void log.step(`gold: every dbt test passed${days ? ` for ${days[0]}${days.length > 1 ? ` .. ${days.at(-1)}` : ""}` : ""}`);
      }
      const days = resolveDays(opts);
      if (layer === "bronze") {
        const result = await validateBronze({ s3: s3Connection(ctx, "ingest"), datasets: datasetsFor("all"), dates: days, content: opts.content, log });
        if (!result.ok) throw new Error(`bronze is not valid for ${result.partitions.filter((p) => !p.ok).length} partition(s)`);
        return void log.step(`bronze: ${result.partitions.length} partition(s) valid`);
      }
      const problems = await validateSilver(ctx, days);
      if (problems.length) {
        process.stdout.write(renderTable(["problem"], problems.map((p) => [p])) + "\n");
        throw new Error(`silver is not valid (${problems.length} problem(s))`);
      }
      log.step(`silver: ${days.length} day(s) reconciled`);
    });
}
