/**
 * Smoke test of `npm run bench -- --quick`: it runs against the real stack, writes its
 * results and report, every step has a positive, plausible figure, and DuckDB agreed with
 * Spark's silver and dbt's gold. No timing is asserted: the machine is shared and noisy.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import type { BenchResult } from "../../../bench/lib/result";
import { repoRoot } from "../../../src/local/paths";
import { useStack } from "../harness";

const positive = (x: number, what: string) => assert.ok(Number.isFinite(x) && x > 0, `${what} should be a positive number, got ${x}`);

test("bench --quick measures every step and DuckDB agrees with the lakehouse", { timeout: 8 * 60_000 }, async () => {
  await useStack();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-quick-"));
  try {
    await promisify(execFile)(process.execPath, [path.join(repoRoot, "scripts", "bootstrap.mjs"), "bench/run.ts", "--quick", "--out", out], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = fs.readdirSync(out);
    const json = files.find((f) => f.endsWith("-quick.json"));
    assert.ok(json, `no results file in ${files.join(", ")}`);
    assert.ok(files.some((f) => f.endsWith("-quick.md")) && files.some((f) => f.endsWith("-quick.svg")), "report and chart are written");
    const r = JSON.parse(fs.readFileSync(path.join(out, json), "utf8")) as BenchResult;
    const s = r.steps;

    assert.equal(r.agreement.agreed, true, r.agreement.problems.join("; "));
    assert.equal(r.agreement.silverRows.lakehouse, r.agreement.silverRows.duckdb);
    assert.ok(r.agreement.drivers.lakehouse > 0);

    // ~20,000 synthetic trips a day (weekday and season vary it), some rejected, fewer silver rows.
    assert.ok(s.ingest.records > 5_000 && s.ingest.records < 40_000, `bronze records ${s.ingest.records}`);
    assert.ok(r.agreement.silverRows.lakehouse < s.ingest.records && r.agreement.silverRows.lakehouse > s.ingest.records * 0.9);
    for (const [what, x] of Object.entries({
      "ingest seconds": s.ingest.seconds, "ingest MB/s": s.ingest.mbPerSecond, "ingest records/s": s.ingest.recordsPerSecond,
      "silver wall": s.silver.wallSeconds, "silver session": s.silver.sessionSeconds, "silver processing": s.silver.processingSeconds,
      "silver commits": s.silver.commitSeconds, "silver executor CPU": s.silver.executorCpuSeconds, "silver records/s": s.silver.recordsPerSecond,
      "DuckDB silver": s.duckdbSilver.seconds, "dbt build": s.gold.seconds, "Trino aggregation": s.goldAggregation.trinoSeconds,
      "DuckDB aggregation": s.goldAggregation.duckdbSeconds,
    })) positive(x, what);
    // The parts of the Spark job cannot add up to more than the job.
    assert.ok(s.silver.sessionSeconds + s.silver.processingSeconds + s.silver.commitSeconds <= s.silver.wallSeconds + 1);
    assert.ok(s.silver.writes.some((w) => w.description.includes("silver.trips")), "the silver.trips write is found in Spark's event log");
    assert.ok(s.gold.models.some((m) => m.name === "gold.daily_revenue_by_driver"), "dbt's per-model times are parsed");

    assert.deepEqual(Object.keys(s.dashboard).sort(), ["daily revenue + moving averages", "revenue by weather condition", "revenue per mile", "top drivers", "trips per day"]);
    for (const [name, q] of Object.entries(s.dashboard)) {
      positive(q.p50, `${name} p50`);
      assert.ok(q.p95 >= q.p50, `${name}: p95 >= p50`);
      assert.ok(q.rows > 0, `${name} returns rows`);
    }
    for (const service of ["objectstore", "postgres", "metastore", "trino", "superset"]) positive(r.memory[service]?.peakRssMb, `${service} peak RSS`);
    positive(r.memory["spark job (driver + python)"]?.peakRssMb, "Spark job peak RSS");
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
