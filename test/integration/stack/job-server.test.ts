/**
 * The local stack's warm job servers (spark/lakehouse/job_server.py): the Spark driver (service
 * spark), in which every `lakehouse run silver` runs, and the dbt server (service dbt), in which
 * every gold build runs. A failed job leaves a server serving, the driver answers its health
 * check while a job runs, and a client that leaves mid-job loses nothing (the job finishes,
 * commits and writes its markers).
 */
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { after, test } from "node:test";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { runIngest } from "../../../src/local/jobs/ingest";
import { jobServer, runOnJobServer } from "../../../src/local/jobs/job-server";
import { tail } from "../../../src/local/supervisor";
import { runSilver } from "../../../src/local/jobs/pipeline";
import { dbt } from "../../../src/local/jobs/dbt";
import { CommandError } from "../../../src/lib/exec";
import { useStack } from "../harness";
import { emptyTripsDays, silverMarker, until } from "../reliability/support";

const DAYS = ["2023-08-01", "2023-08-02"];

// gold never builds these days: leave them empty, or gold's reconciliation with silver fails later.
after(async () => {
  await emptyTripsDays(await useStack(), DAYS);
});

test("a job that fails leaves the driver serving the next one", { timeout: 600_000 }, async () => {
  const stack = await useStack();
  const spark = jobServer(stack.ctx.paths, "spark");
  await assert.rejects(runOnJobServer(spark, "silver", ["--date", "2023-02-30"]), (e: CommandError) => {
    assert.equal(e.exitCode, 2, "argparse's usage error");
    assert.match(e.output, /argument --date: invalid logical_date value: '2023-02-30'/);
    return true;
  });
  // No bronze for the day: the silver job's own refusal, through the driver, as runSilver reports it.
  await assert.rejects(runSilver(stack.ctx, ["2019-01-01"], { dataset: "trips", force: true, log: silentLogger }), /silver failed:\n.*FAILED: .*2019-01-01/s);
  await runIngest(stack.ctx, [DAYS[0]], { rowsPerDay: 400, force: true, log: silentLogger });
  const [result] = await runSilver(stack.ctx, [DAYS[0]], { dataset: "trips", force: true, log: silentLogger });
  const rows = (await query(stack.trino(), `select count(*) from iceberg.silver.trips where pickup_date = date '${DAYS[0]}'`)).rows[0][0];
  assert.equal(rows, result.silver_rows);
  assert.equal(result.bronze_records, result.silver_rows + result.rejected + result.duplicates_removed);
});

test("the driver answers its health check while a job runs", { timeout: 600_000 }, async () => {
  const stack = await useStack();
  const spark = jobServer(stack.ctx.paths, "spark");
  let jobDone = false;
  const job = runSilver(stack.ctx, [DAYS[0]], { dataset: "trips", force: true, log: silentLogger }).finally(() => (jobDone = true));
  // A silver run takes seconds even on 400 trips (two Iceberg commits, the markers): 0.3 s in, it runs.
  await new Promise((r) => setTimeout(r, 300));
  await runOnJobServer(spark, "ping", []);
  assert.equal(jobDone, false, "the ping was answered before the job ended");
  await job;
});

test("a client that leaves mid-job loses nothing: the job finishes and writes its marker", { timeout: 600_000 }, async () => {
  const stack = await useStack();
  const day = DAYS[1];
  const ingested = await runIngest(stack.ctx, [day], { rowsPerDay: 400, force: true, log: silentLogger });
  const sent = ingested.ingested.find((r) => r.dataset === "trips")!.records;
  const before = await silverMarker(stack, "trips", day);
  // The request sent, then the connection dropped at once (a Ctrl-C of `lakehouse run silver`).
  await new Promise<void>((resolve, reject) => {
    const conn = net.createConnection(jobServer(stack.ctx.paths, "spark").socket, () => {
      conn.end(JSON.stringify({ job: "silver", args: ["--date", day, "--dataset", "trips", "--force"] }) + "\n", () => {
        conn.destroy();
        resolve();
      });
    });
    conn.on("error", reject);
  });
  // The job's marker, written after its commits, says it finished. Polled, not inferred from the
  // answer to a request sent next: the server runs one job at a time, but requests that arrive
  // together take its lock in no set order, so the one sent next may run first.
  let marker: Record<string, unknown> | undefined;
  const log = path.join(stack.ctx.paths.logs, "spark.log");
  await until(async () => {
    marker = await silverMarker(stack, "trips", day);
    return marker !== undefined && !isDeepStrictEqual(marker, before);
  }, { timeoutMs: 300_000, intervalMs: 1000, what: "the day's marker from the job whose client left" }).catch((e: Error) => {
    throw new Error(`${e.message}; the driver's log ends:\n${tail(log, 30)}`);
  });
  assert.ok(marker);
  const rows = (await query(stack.trino(), `select count(*) from iceberg.silver.trips where pickup_date = date '${day}'`)).rows[0][0];
  assert.equal(rows, marker.silver_rows, "silver holds the rows the marker reports");
  assert.equal(marker.bronze_records, sent, "every record the source sent is accounted for");
});

test("a dbt command that fails leaves the dbt server serving, with dbt's own exit code and message", { timeout: 300_000 }, async () => {
  const stack = await useStack();
  await assert.rejects(dbt(stack.ctx, ["build", "--no-such-option"]), (e: CommandError) => {
    assert.equal(e.exitCode, 2, "dbt's exit code for a command it could not run");
    assert.match(e.output, /No such option '--no-such-option'/);
    return true;
  });
  await assert.rejects(dbt(stack.ctx, ["run-operation", "no_such_macro"]), (e: CommandError) => {
    assert.match(e.output, /no_such_macro/);
    return true;
  });
  const listed = await dbt(stack.ctx, ["ls", "--select", "fct_trips", "--resource-type", "model", "--output", "name", "--quiet"]);
  assert.deepEqual(listed.trim().split("\n").filter((l) => !/keyring/.test(l)), ["fct_trips"]);
});
