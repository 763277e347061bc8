/**
 * silver.silver_runs gets a row per day each time the silver job commits it; a rerun appends.
 * What the tables hold now is described by each dataset's and day's latest row.
 */
export function latestSilverRuns(where = "true"): string {
  return `(select * from (
      select *, row_number() over (partition by dataset, source_date order by finished_at desc) as n
      from iceberg.silver.silver_runs where ${where}
    ) where n = 1)`;
}
