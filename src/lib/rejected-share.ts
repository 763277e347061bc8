/**
 * The share of what the source sent that silver rejected, per dataset, day and reason: the
 * reconciliation a green build cannot hide. Gold reconciles with silver, so a wrong rule that
 * rejects a quarter of a day passes every other test; this one compares with bronze. The limit
 * lives in dbt/dbt_project.yml (vars), where gold's own test reads it
 * (dbt/tests/assert_rejected_share_within_limit.sql), on the local stack and on the cluster.
 */
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { latestSilverRuns } from "./silver-runs";

export interface RejectedShareLimits {
  /** A day past this share of its bronze records rejected fails gold's build. */
  maxShare: number;
  /** Days with fewer bronze records are reported, not judged. */
  minRecords: number;
}

export interface DayRejections {
  dataset: string;
  day: string;
  bronze: number;
  rejected: number;
  share: number;
  /** Each reason's records and share of the day's bronze records, most first. */
  reasons: { reason: string; records: number; share: number }[];
  /** Judged (enough records) and over the limit. */
  overLimit: boolean;
}

/** The limits from the dbt project's vars, the one place they are set. */
export function rejectedShareLimits(dbtProjectDir: string): RejectedShareLimits {
  const file = path.join(dbtProjectDir, "dbt_project.yml");
  const vars = (yaml.load(fs.readFileSync(file, "utf8")) as { vars?: Record<string, unknown> }).vars ?? {};
  const maxShare = Number(vars.max_rejected_share);
  const minRecords = Number(vars.min_records_for_rejected_share);
  if (!(maxShare >= 0 && maxShare <= 1) || !(minRecords >= 0)) throw new Error(`${file}: vars max_rejected_share (0-1) and min_records_for_rejected_share (>= 0) must be set, got ${vars.max_rejected_share} and ${vars.min_records_for_rejected_share}`);
  return { maxShare, minRecords };
}

/**
 * One row per dataset, day and reason (reason NULL, records 0 for a day with no rejects):
 * dataset, day, bronze records and rejected of the day's latest silver run, reason, records.
 * No days: every day silver has run. `datasets`: whose runs and `<dataset>_rejected` tables.
 */
export function rejectionsSql(days: string[], datasets: readonly string[] = ["trips", "weather"]): string {
  const where = days.length ? `source_date in (${days.map((d) => `date '${d}'`).join(", ")})` : "true";
  const names = datasets.map((d) => `'${d}'`).join(", ");
  const reasons = datasets.map((d) => `select '${d}' as dataset, source_date, reason, count(*) as records from iceberg.silver.${d}_rejected where ${where} group by 2, 3`).join("\n      union all\n      ");
  return `
    with runs as (select dataset, source_date, bronze_records, rejected from ${latestSilverRuns(`${where} and dataset in (${names})`)}),
    reasons as (
      ${reasons})
    select r.dataset, cast(r.source_date as varchar), r.bronze_records, r.rejected, x.reason, coalesce(x.records, 0)
    from runs as r left join reasons as x on x.dataset = r.dataset and x.source_date = r.source_date
    order by 1, 2, 6 desc, 5`;
}

/** The rows of `rejectionsSql`, per dataset and day, judged against the limits (pure). */
export function summarizeRejections(rows: unknown[][], limits: RejectedShareLimits): DayRejections[] {
  const days = new Map<string, DayRejections>();
  for (const [dataset, day, bronze, rejected, reason, records] of rows) {
    const key = `${dataset} ${day}`;
    let d = days.get(key);
    if (!d) {
      const b = Number(bronze);
      const share = b > 0 ? Number(rejected) / b : 0;
      d = { dataset: String(dataset), day: String(day), bronze: b, rejected: Number(rejected), share, reasons: [], overLimit: b >= limits.minRecords && share > limits.maxShare };
      days.set(key, d);
    }
    if (reason !== null && reason !== undefined) d.reasons.push({ reason: String(reason), records: Number(records), share: d.bronze > 0 ? Number(records) / d.bronze : 0 });
  }
  for (const d of days.values()) d.reasons.sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason));
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.dataset.localeCompare(b.dataset));
}

/** A share as the reports print it: "25.10%". */
export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** "trips 2024-03-05: 25.10% of 5120 records rejected (limit 8.00%): dropoff_before_pickup 24.02%, zero_duration 1.08%" */
export function describeRejections(d: DayRejections, limits: RejectedShareLimits, topReasons = 5): string {
  const reasons = d.reasons.slice(0, topReasons).map((r) => `${r.reason} ${percent(r.share)}`).join(", ");
  const more = d.reasons.length > topReasons ? `, and ${d.reasons.length - topReasons} more` : "";
  return `${d.dataset} ${d.day}: ${percent(d.share)} of ${d.bronze} records rejected (limit ${percent(limits.maxShare)})${reasons ? `: ${reasons}${more}` : ""}`;
}
