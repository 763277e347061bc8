/**
 * Ingestion and gold run twice in a row, and twice at the same time, for the same day: the
 * result equals one clean run (issue 9). Each run is a real `lakehouse run …` process. Silver's
 * rerun is in pipeline.test.ts ("rerunning silver…") and its concurrent runs in
 * concurrent-silver.test.ts.
 *
 * Days 2021-05-03 (ingestion; bronze only) and 2021-05-04 (gold, with its silver) are this
 * file's own; gold is left built for 2021-05-04, so silver and gold still reconcile.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { getText } from "../../../src/lib/s3";
import { listObjects } from "../../../src/ingest/s3";
import { manifestKey, partitionPrefix } from "../../../src/ingest/layout";
import type { Manifest } from "../../../src/ingest/manifest";
import { validateBronze } from "../../../src/ingest/index";
import { runIngest } from "../../../src/local/jobs/ingest";
import { runGold, runSilver } from "../../../src/local/jobs/pipeline";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { useStack, type TestStack } from "../harness";
import { goldDayRows, rootS3, startCli } from "./support";

let stack: TestStack;

before(async () => {
  stack = await useStack();
});

describe("ingestion", () => {
  const DAY = "2021-05-03";
  const args = ["run", "ingest", "--date", DAY, "--rows-per-day", "6000"];

  /** What a committed day is: every object's name, size and checksum, and the manifest's counts and schema. */
  async function bronzeDay() {
    const client = rootS3(stack);
    const out: Record<string, unknown> = {};
    for (const dataset of ["trips", "weather"]) {
      const manifest = JSON.parse((await getText(client, "bronze", manifestKey(dataset, DAY)))!) as Manifest;
      const stored = (await listObjects(client, "bronze", partitionPrefix(dataset, DAY))).map((o) => `${o.key} ${o.size}`).sort();
      out[dataset] = { stored, records: manifest.records, objects: manifest.objects, schema: manifest.schema };
    }
    return out;
  }

  let clean: Record<string, unknown>;
  before(async () => {
    const run = await startCli(args).exited;
    assert.equal(run.code, 0, run.output.slice(-2000));
    clean = await bronzeDay();
  });

  test("twice in a row: the same objects, byte for byte", async () => {
    const again = await startCli(args).exited;
    assert.equal(again.code, 0, again.output.slice(-2000));
    assert.deepEqual(await bronzeDay(), clean);
  });

  test("without --force, a committed day is skipped and left as it is", async () => {
    const manifestBefore = await getText(rootS3(stack), "bronze", manifestKey("trips", DAY));
    const result = await runIngest(stack.ctx, [DAY], { rowsPerDay: 6000, log: silentLogger });
    assert.deepEqual(result.ingested, []);
    assert.equal(result.skipped.length, 2);
    assert.equal(await getText(rootS3(stack), "bronze", manifestKey("trips", DAY)), manifestBefore, "the manifest is not rewritten");
  });

  test("twice at the same time: both finish, and the day equals one clean run", async () => {
    const runs = await Promise.all([startCli(args).exited, startCli(args).exited]);
    for (const r of runs) assert.equal(r.code, 0, r.output.slice(-2000));
    assert.deepEqual(await bronzeDay(), clean);
    const validation = await validateBronze({ s3: stack.s3Root(), datasets: ["trips", "weather"], dates: [DAY] });
    assert.ok(validation.ok, JSON.stringify(validation.partitions));
  });
});

describe("gold", () => {
  const DAY = "2021-05-04";
  const args = ["run", "gold", "--date", DAY];

  /** The day in every gold table a build touches, as readers see it. */
  async function goldDay() {
    const drivers = await query(stack.trino(), `select count(*), checksum(driver_id) from iceberg.gold.dim_driver where driver_id in (select taxi_id from iceberg.silver.trips where pickup_date = date '${DAY}')`);
    return { ...(await goldDayRows(stack, DAY)), drivers: drivers.rows };
  }

  let clean: Awaited<ReturnType<typeof goldDay>>;
  before(async () => {
    await runIngest(stack.ctx, [DAY], { rowsPerDay: 3000, force: true, log: silentLogger });
    await runSilver(stack.ctx, [DAY], { force: true, log: silentLogger });
    await runGold(stack.ctx, [DAY], { log: silentLogger });
    clean = await goldDay();
    assert.ok(clean.byDriver.length > 100, `a realistic fleet drove on ${DAY}: ${clean.byDriver.length} drivers`);
  });

  test("twice in a row: the same rows as one clean run", async () => {
    const again = await startCli(args).exited;
    assert.equal(again.code, 0, again.output.slice(-2000));
    assert.deepEqual(await goldDay(), clean);
  });

  test("twice at the same time: one builds, the other is refused before touching anything; the rows equal one clean run", async () => {
    const runs = await Promise.all([startCli(args).exited, startCli(args).exited]);
    const refused = runs.filter((r) => r.code !== 0);
    assert.equal(refused.length, 1, runs.map((r) => `exit ${r.code}: ${r.output.slice(-600)}`).join("\n---\n"));
    assert.match(refused[0].output, /lakehouse: error: another gold run is in progress on this stack \(pid \d+/);
    assert.deepEqual(await goldDay(), clean);
  });
});
