/**
 * The DuckDB baseline's time rules (bench/duckdb/silver_trips.sql) on the cases of
 * test/fixtures/trip-times.json, which spark/tests/test_silver_trips.py runs through silver:
 * rounded stamps, trip_seconds, the daylight-saving days, absent community areas. The bench and
 * the deploy tests compare silver with DuckDB on whole days; this holds both to the same answer
 * on the edge cases those days rarely contain. In-process DuckDB, no services.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import zlib from "node:zlib";
import { DuckBench, silverTripsSql } from "../../../bench/lib/duckdb";
import { repoRoot } from "../../../src/local/paths";

interface TimeCase {
  name: string;
  day: string;
  record: Record<string, string | null>;
  reason: string | null;
  pickup_at?: string;
  dropoff_at?: string;
}

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, "test", "fixtures", "trip-times.json"), "utf8")) as {
  base: Record<string, string>;
  cases: TimeCase[];
};

/** A case as the API sends it: a null field is left out (the trip ids match the pytest's). */
function line(index: number, c: TimeCase): string {
  const record: Record<string, string | null> = { trip_id: `time-${String(index).padStart(2, "0")}`, ...fixture.base, ...c.record };
  return JSON.stringify(Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null)));
}

/** Every case cleaned by silver_trips.sql, each in its own day's partition file; outcomes by trip id. */
async function outcomes(): Promise<Map<string, Record<string, unknown>>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-duckdb-times-"));
  try {
    const byDay = new Map<string, string[]>();
    fixture.cases.forEach((c, i) => byDay.set(c.day, [...(byDay.get(c.day) ?? []), line(i, c)]));
    const files = [...byDay].map(([day, lines]) => {
      const [y, m, d] = day.split("-");
      const file = path.join(dir, "trips", `year=${y}`, `month=${m}`, `day=${d}`, "part-00000.json.gz");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, zlib.gzipSync(lines.join("\n") + "\n"));
      return file;
    });
    const duck = await DuckBench.open();
    await duck.run(silverTripsSql(files, dir));
    const rows = await duck.rows(`
      select raw_trip_id as trip_id, reason,
             strftime(pickup_at, '%Y-%m-%dT%H:%M:%SZ') as pickup_at, strftime(dropoff_at, '%Y-%m-%dT%H:%M:%SZ') as dropoff_at,
             strftime(pickup_date, '%Y-%m-%d') as pickup_date
      from checked`);
    return new Map(rows.map((r) => [String(r.trip_id), r.reason === null
      ? { reason: null, pickup_at: r.pickup_at, dropoff_at: r.dropoff_at, pickup_date: r.pickup_date }
      : { reason: r.reason }]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("silver_trips.sql gives each time case of test/fixtures/trip-times.json the reason or the instants silver gives it", async (t) => {
  const got = await outcomes();
  for (const [i, c] of fixture.cases.entries()) {
    await t.test(c.name, () => {
      const expected = c.reason === null
        ? { reason: null, pickup_at: c.pickup_at, dropoff_at: c.dropoff_at, pickup_date: c.day }
        : { reason: c.reason };
      assert.deepEqual(got.get(`time-${String(i).padStart(2, "0")}`), expected);
    });
  }
});
