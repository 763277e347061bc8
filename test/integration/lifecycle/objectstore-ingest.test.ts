/**
 * The object store (MinIO) stopped in the middle of an ingestion, then started again (issue 9).
 * `lakehouse run ingest` runs as its own process over four days; when the second day's trips
 * partition has parts but no manifest yet, the store is stopped for a few seconds. The run
 * may outlast the outage on its S3 retries, or fail, naming the day and the store; either way
 * no partition may have a manifest whose objects are not all there, and a rerun completes.
 * Runs with the lifecycle tests (after everything else): it stops a service of the stack.
 *
 * Days 2021-02-01 to 2021-02-04 are this file's own (bronze only: silver never reads them).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { partitionPrefix, manifestKey } from "../../../src/ingest/layout";
import { deleteObjects, listObjects } from "../../../src/ingest/s3";
import { validateBronze } from "../../../src/ingest/index";
import { silentLogger } from "../../../src/lib/log";
import { up } from "../../../src/local/stack";
import { Supervisor } from "../../../src/local/supervisor";
import { useStack } from "../harness";
import { committedPartitionProblems, hasManifest, rootS3, startCli, until } from "../reliability/support";

const DAYS = ["2021-02-01", "2021-02-02", "2021-02-03", "2021-02-04"];
const OUTAGE_MS = 8_000;

after(async () => {
  await up(silentLogger, ["objectstore"]);
});

test("object store stopped mid-ingestion: retried or failed clearly, never a manifest with missing objects; a rerun completes", { timeout: 900_000 }, async (t) => {
  const stack = await useStack();
  const client = rootS3(stack);
  const endpoint = stack.s3Root().endpoint;
  // 120,000 trips a day: three parts of 50,000, so a day takes seconds to write.
  const args = ["run", "ingest", "--from", DAYS[0], "--to", DAYS.at(-1)!, "--rows-per-day", "120000"];
  // A clean slate: a half-written day left by an earlier run would look like this run's.
  for (const dataset of ["trips", "weather"]) {
    for (const day of DAYS) await deleteObjects(client, "bronze", (await listObjects(client, "bronze", partitionPrefix(dataset, day))).map((o) => o.key));
  }
  const run = startCli(args);
  let exited = false;
  void run.exited.then(() => (exited = true));

  const midDay = DAYS[1];
  const parts = async () => (await listObjects(client, "bronze", partitionPrefix("trips", midDay))).filter((o) => o.key !== manifestKey("trips", midDay)).length;
  await until(async () => exited || ((await parts()) > 0 && !(await hasManifest(client, "trips", midDay))), { timeoutMs: 600_000, intervalMs: 50, what: `${midDay} to be half written` });
  assert.equal(exited, false, `the ingestion ended before the outage:\n${run.output().slice(-2000)}`);

  await new Supervisor(stack.ctx.paths).ctl(["stop", "objectstore"]);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await up(silentLogger, ["objectstore"]);
  const first = await run.exited;
  t.diagnostic(first.code === 0 ? "the ingestion outlasted the outage on its S3 retries" : "the ingestion failed during the outage");

  if (first.code !== 0) {
    const error = first.output.split("\n").find((l) => l.startsWith("lakehouse: error:")) ?? "";
    const named = new RegExp(`(trips|weather) 2021-02-0[1-4]: the object store at ${endpoint.replace(/[.]/g, "\\.")} failed`);
    assert.match(error, named, "the error names the dataset and day being written, and the object store");
    t.diagnostic(error);
    assert.doesNotMatch(first.output, /^\s+at .+\(.+:\d+:\d+\)$/m, "no stack trace");
    assert.equal(await hasManifest(client, "trips", midDay), false, `${midDay}, cut by the outage, is not committed`);
  }
  for (const dataset of ["trips", "weather"]) {
    assert.deepEqual(await committedPartitionProblems(client, dataset, DAYS), [], `every committed ${dataset} partition is whole`);
  }

  const rerun = await startCli(args).exited;
  assert.equal(rerun.code, 0, rerun.output.slice(-2000));
  const validation = await validateBronze({ s3: stack.s3Root(), datasets: ["trips", "weather"], dates: DAYS });
  assert.ok(validation.ok, JSON.stringify(validation.partitions.filter((p) => !p.ok)));
});
