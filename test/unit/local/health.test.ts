/** waitFor's polling: how often, until when, and what it says when it gives up. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "../../../src/local/health";

test("it polls until the probe passes", async () => {
  let probes = 0;
  await waitFor(async () => ++probes === 3, { timeoutMs: 5_000, intervalMs: 5 });
  assert.equal(probes, 3);
});

test("it gives up after the timeout, saying how long and how many probes", async () => {
  let probes = 0;
  const started = performance.now();
  await assert.rejects(
    waitFor(async () => (probes++, false), { timeoutMs: 100, intervalMs: 20 }),
    /^Error: not healthy after 0s \(\d+ probes, every 20 ms\)$/,
  );
  const took = performance.now() - started;
  assert.ok(took >= 100 && took < 100 + 300, `took ${took} ms`);
  // One probe at once, then one per 20 ms interval: about 6 in 100 ms, never more.
  assert.ok(probes >= 3 && probes <= 7, `${probes} probes`);
});

test("an abort reason (the process died) ends the wait at once with that reason", async () => {
  let probes = 0;
  await assert.rejects(
    waitFor(async () => (probes++, false), { timeoutMs: 5_000, intervalMs: 5, abort: () => (probes >= 2 ? "the process exited" : undefined) }),
    /^Error: the process exited$/,
  );
  assert.equal(probes, 2);
});
