/** DuckDB's results against the lakehouse's own (Spark's silver, dbt's gold on Trino), compared before any timing counts. */
import { query, type TrinoTarget } from "../../src/lib/trino";
import { contractProblems, contractViolations, type DuckBench } from "./duckdb";

export interface Agreement {
  agreed: boolean;
  silverRows: { lakehouse: number; duckdb: number };
  rejectedByReason: { lakehouse: Record<string, number>; duckdb: Record<string, number> };
  drivers: { lakehouse: number; duckdb: number; mismatched: number };
  totalRevenue: { lakehouse: string; duckdb: string };
  problems: string[];
}

const asRecord = (rows: [string, number][]) => Object.fromEntries(rows.sort((a, b) => a[0].localeCompare(b[0])));

export async function compareDay(trino: TrinoTarget, duck: DuckBench, day: string): Promise<Agreement> {
  const problems: string[] = [];
  const silverL = Number((await query(trino, `select count(*) from iceberg.silver.trips where pickup_date = date '${day}'`)).rows[0][0]);
  const silverD = Number((await duck.rows(`select count(*) as n from silver_trips`))[0].n);
  if (silverL !== silverD) problems.push(`silver rows: lakehouse ${silverL}, duckdb ${silverD}`);

  const rejL = asRecord((await query(trino, `select reason, count(*) from iceberg.silver.trips_rejected where source_date = date '${day}' group by reason`)).rows.map((r) => [String(r[0]), Number(r[1])]));
  const rejD = asRecord((await duck.rows(`select reason, count(*) as n from trips_rejected group by reason`)).map((r) => [String(r.reason), Number(r.n)]));
  if (JSON.stringify(rejL) !== JSON.stringify(rejD)) problems.push(`reject reasons differ: lakehouse ${JSON.stringify(rejL)}, duckdb ${JSON.stringify(rejD)}`);
  problems.push(...contractProblems(await contractViolations(duck)));

  // Per driver: trips, revenue and miles as exact decimals (text), from dbt's gold table.
  const goldL = new Map(
    (await query(trino, `select driver_id, trips, cast(total_revenue as varchar), cast(distance_miles as varchar) from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${day}'`)).rows.map((r) => [String(r[0]), `${r[1]}|${Number(r[2]).toFixed(2)}|${Number(r[3]).toFixed(2)}`]),
  );
  const goldD = new Map(
    (await duck.rows(`select driver_id, trips, cast(total_revenue as varchar) as rev, cast(distance_miles as varchar) as miles from daily_revenue_by_driver`)).map((r) => [String(r.driver_id), `${r.trips}|${Number(r.rev).toFixed(2)}|${Number(r.miles).toFixed(2)}`]),
  );
  let mismatched = 0;
  for (const key of new Set([...goldL.keys(), ...goldD.keys()])) if (goldL.get(key) !== goldD.get(key)) mismatched++;
  if (mismatched) problems.push(`${mismatched} driver(s) differ in trips, revenue or miles`);
  const totalL = String((await query(trino, `select cast(sum(total_revenue) as varchar) from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${day}'`)).rows[0][0]);
  const totalD = String((await duck.rows(`select cast(sum(total_revenue) as varchar) as t from daily_revenue_by_driver`))[0].t);
  if (Number(totalL).toFixed(2) !== Number(totalD).toFixed(2)) problems.push(`total revenue: lakehouse ${totalL}, duckdb ${totalD}`);
  return {
    agreed: problems.length === 0,
    silverRows: { lakehouse: silverL, duckdb: silverD },
    rejectedByReason: { lakehouse: rejL, duckdb: rejD },
    drivers: { lakehouse: goldL.size, duckdb: goldD.size, mismatched },
    totalRevenue: { lakehouse: totalL, duckdb: totalD },
    problems,
  };
}
