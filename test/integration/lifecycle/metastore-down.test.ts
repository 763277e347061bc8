/**
 * A job that starts while the metastore is down fails fast, naming the metastore (issue 9).
 * Runs with the lifecycle tests, after everything else: it stops a service of the stack.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { silentLogger } from "../../../src/lib/log";
import { runSilver } from "../../../src/local/jobs/pipeline";
import { up } from "../../../src/local/stack";
import { Supervisor } from "../../../src/local/supervisor";
import { useStack } from "../harness";

after(async () => {
  await up(silentLogger, ["metastore"]);
});

test("silver fails within a minute with a message that names the metastore", { timeout: 300_000 }, async () => {
  const stack = await useStack();
  await new Supervisor(stack.ctx.paths).ctl(["stop", "metastore"]);
  const started = Date.now();
  await assert.rejects(runSilver(stack.ctx, ["2023-06-01"], { force: true, log: silentLogger }), (e: Error) => {
    assert.match(e.message, /the Hive Metastore at thrift:\/\/127\.0\.0\.1:\d+ is not reachable/);
    assert.doesNotMatch(e.message, /\tat org\.apache/, "no Java stack trace");
    return true;
  });
  assert.ok(Date.now() - started < 60_000, `failed after ${Date.now() - started} ms`);
});
