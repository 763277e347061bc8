/**
 * Trino restarted in the middle of a dbt build (issue 9): `lakehouse run gold` runs as its own
 * process; when dbt starts on fct_trips (the day's rows are deleted, then inserted again),
 * Trino is restarted as `lakehouse local restart trino` does it. The build must fail, saying
 * Trino could not be reached; the rerun must give the same gold rows as an uninterrupted run.
 * Runs with the lifecycle tests (after everything else): it restarts a service of the stack.
 *
 * Day 2021-04-05 is this file's own; gold is left built for it, so silver and gold reconcile.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { runIngest } from "../../../src/local/jobs/ingest";
import { runGold, runSilver } from "../../../src/local/jobs/pipeline";
import { silentLogger } from "../../../src/lib/log";
import { restart, up } from "../../../src/local/stack";
import { useStack, type TestStack } from "../harness";
import { goldDayRows, startCli, until } from "../reliability/support";

const DAY = "2021-04-05";
let stack: TestStack;

after(async () => {
  await up(silentLogger, ["trino"]);
});

const goldDay = () => goldDayRows(stack, DAY);

test("Trino restarted during dbt build: the build fails naming Trino; the rerun equals an uninterrupted run", { timeout: 1_200_000 }, async (t) => {
  stack = await useStack();
  await runIngest(stack.ctx, [DAY], { rowsPerDay: 3000, force: true, log: silentLogger });
  await runSilver(stack.ctx, [DAY], { force: true, log: silentLogger });
  await runGold(stack.ctx, [DAY], { log: silentLogger });
  const uninterrupted = await goldDay();
  assert.ok(uninterrupted.byDriver.length > 100, `${uninterrupted.byDriver.length} drivers`);

  const build = startCli(["run", "gold", "--date", DAY]);
  let exited = false;
  void build.exited.then(() => (exited = true));
  await until(() => exited || /START sql incremental model gold\.fct_trips/.test(build.output()), { timeoutMs: 600_000, what: "dbt to start on fct_trips" });
  assert.equal(exited, false, `the build ended before Trino could be restarted:\n${build.output().slice(-2000)}`);
  await restart(silentLogger, ["trino"]);
  const interrupted = await build.exited;

  assert.notEqual(interrupted.code, 0, "the interrupted build fails");
  const error = interrupted.output.slice(interrupted.output.indexOf("lakehouse: error:"));
  t.diagnostic(error.slice(0, 1500));
  assert.match(error, /lakehouse: error: gold \(dbt build\) failed/);
  assert.match(error, /Trino at https:\/\/127\.0\.0\.1:\d+ could not be reached/, "the error names Trino and where it was");

  const rerun = await startCli(["run", "gold", "--date", DAY]).exited;
  assert.equal(rerun.code, 0, rerun.output.slice(-3000));
  assert.deepEqual(await goldDay(), uninterrupted, "the rerun's gold rows equal the uninterrupted run's");
});
