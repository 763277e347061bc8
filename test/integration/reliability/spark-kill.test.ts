/**
 * The silver job SIGKILLed in the middle of its writes (issue 9): the whole process tree
 * (spark-submit's JVM, the Python driver, its workers) dies at once, as when a node is lost.
 * Iceberg commits each table atomically, so readers must still see the previous state of
 * silver.trips, the day's marker must be the previous run's, and a rerun must reconcile.
 *
 * Where the kill lands: the job commits trips_rejected first, then replaces the day in trips.
 * The test kills it while it holds the metastore's lock on trips_rejected, in the middle of
 * that first commit: the worst instant, because the lock outlives the job. A rerun must then
 * wait for the metastore to expire the dead lock (metastore/metastore-site.xml: 60 s without
 * a heartbeat, looked for every 30 s) and complete; before that setting, the lock was never
 * expired and every later commit to the table failed.
 *
 * Day 2021-03-08 is this file's own; it is made an empty day again at the end.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { runIngest } from "../../../src/local/jobs/ingest";
import { runSilver } from "../../../src/local/jobs/pipeline";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { useStack, type TestStack } from "../harness";
import { currentSnapshot, emptyTripsDays, killGroup, metastoreLocks, silverMarker, silverRuns, startSilverJob, until, watchMetastoreLocks } from "./support";

const DAY = "2021-03-08";

let stack: TestStack;

after(async () => {
  if (stack) await emptyTripsDays(stack, [DAY]);
});

/** What readers see of the day, and what records its completion. */
async function dayState() {
  const one = async (sql: string) => (await query(stack.trino(), sql)).rows[0];
  return {
    tripsSnapshot: await currentSnapshot(stack, "trips"),
    trips: await one(`select count(*), checksum(trip_id), sum(trip_total) from iceberg.silver.trips where pickup_date = date '${DAY}'`),
    rejected: (await one(`select count(*) from iceberg.silver.trips_rejected where source_date = date '${DAY}'`))[0] as number,
    marker: await silverMarker(stack, "trips", DAY),
    runs: await silverRuns(stack, "trips", DAY),
  };
}

test("silver killed mid-commit: the previous table state stays visible, no marker; a rerun waits out the dead lock and reconciles", { timeout: 1_200_000 }, async (t) => {
  stack = await useStack();
  await runIngest(stack.ctx, [DAY], { rowsPerDay: 4000, dataset: "trips", force: true, log: silentLogger });
  const [first] = await runSilver(stack.ctx, [DAY], { dataset: "trips", force: true, log: silentLogger });
  const before = await dayState();
  assert.equal(before.trips[0], first.silver_rows);

  // New bronze for the day, ten times larger: a run that got through would change every count.
  await runIngest(stack.ctx, [DAY], { rowsPerDay: 40_000, dataset: "trips", force: true, log: silentLogger });
  const locks = watchMetastoreLocks(stack);
  const job = startSilverJob(stack, ["--date", DAY, "--dataset", "trips", "--force"]);
  let finished = false;
  void job.exited.then(() => (finished = true));
  try {
    await until(() => finished || locks.seen("silver.trips_rejected") !== undefined, { timeoutMs: 900_000, intervalMs: 2, what: "the job's first commit" });
    assert.equal(finished, false, `the job ended before it could be killed mid-commit:\n${job.output().slice(-2000)}`);
    await killGroup(job);
  } finally {
    locks.stop();
  }
  const killedAt = Date.now();
  assert.equal((await job.exited).signal, "SIGKILL");

  const killed = await dayState();
  assert.equal(killed.tripsSnapshot, before.tripsSnapshot, "silver.trips has no new snapshot");
  assert.deepEqual(killed.trips, before.trips, "readers see the day's previous rows");
  assert.deepEqual(killed.marker, before.marker, "the day's marker is the previous run's");
  assert.deepEqual(killed.runs, before.runs, "silver.silver_runs records no run");
  const dead = (await metastoreLocks(stack)).filter((l) => l.table === "silver.trips_rejected");
  assert.equal(dead.length, 1, "the killed job's lock on trips_rejected outlives it");

  const [rerun] = await runSilver(stack.ctx, [DAY], { dataset: "trips", force: true, log: silentLogger });
  t.diagnostic(`the rerun completed ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
  assert.deepEqual(await metastoreLocks(stack), [], "the dead lock was expired");
  const done = await dayState();
  assert.notEqual(rerun.bronze_records, first.bronze_records, "the rerun read the new bronze");
  assert.equal(rerun.bronze_records, rerun.silver_rows + rerun.rejected + rerun.duplicates_removed);
  assert.deepEqual([done.trips[0], done.rejected], [rerun.silver_rows, rerun.rejected], "the tables hold exactly the rerun's rows (nothing of the killed run added)");
  assert.equal(done.runs.length, before.runs.length + 1);
  assert.equal(done.marker?.run_id, done.runs.at(-1)!.run_id, "the marker names the rerun");
  // trips_rejected is committed on its own: the killed commit may have swapped the table in
  // before the kill (then its rows are exactly what the rerun wrote again), never a mix.
  assert.ok([before.rejected, rerun.rejected].includes(killed.rejected), `rejected after the kill: ${killed.rejected} (before ${before.rejected}, rerun ${rerun.rejected})`);
});
