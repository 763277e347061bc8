/** The one-run-at-a-time lock of local jobs (src/local/jobs/lock.ts), on a temporary run directory. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { acquireJobLock, STALE_MS } from "../../../src/local/jobs/lock";
import { stackPaths } from "../../../src/local/paths";

const paths = () => stackPaths({ LAKEHOUSE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), "lock-")) });

test("a second run is refused, naming the first; after release the next run may go", () => {
  const p = paths();
  const release = acquireJobLock(p, "gold", "reason given");
  assert.throws(
    () => acquireJobLock(p, "gold", "reason given"),
    new RegExp(`another gold run is in progress on this stack \\(pid ${process.pid}, started .+\\); reason given\\. Nothing was done: wait for it to finish, then run again`),
  );
  release();
  assert.equal(fs.existsSync(path.join(p.run, "gold.lock")), false);
  assert.equal(fs.existsSync(path.join(p.run, "gold.owner.json")), false);
  acquireJobLock(p, "gold", "reason given")();
});

/** A lock as a run that was killed leaves it: the lock directory, not refreshed since `ago` ms, and its owner. */
function leftBehind(p: ReturnType<typeof paths>, ago: number): number {
  const gone = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
  fs.mkdirSync(path.join(p.run, "gold.lock"), { recursive: true });
  const then = new Date(Date.now() - ago);
  fs.utimesSync(path.join(p.run, "gold.lock"), then, then);
  fs.writeFileSync(path.join(p.run, "gold.owner.json"), JSON.stringify({ pid: gone, started_at: "2020-01-01T00:00:00Z" }));
  return gone;
}

test("a lock left by a run that is gone is taken over once stale", () => {
  const p = paths();
  leftBehind(p, STALE_MS + 1_000);
  const release = acquireJobLock(p, "gold", "x");
  assert.equal(JSON.parse(fs.readFileSync(path.join(p.run, "gold.owner.json"), "utf8")).pid, process.pid);
  release();
});

test("a lock of a run that is gone, refreshed moments ago, is held and the error says when it frees", () => {
  const p = paths();
  const gone = leftBehind(p, 1_000);
  assert.throws(() => acquireJobLock(p, "gold", "x"), new RegExp(`\\(pid ${gone}, started 2020-01-01T00:00:00Z, is gone; its lock is free from \\d{4}-.+Z\\)`));
});

test("a lock just taken (no owner written yet) counts as held", () => {
  const p = paths();
  fs.mkdirSync(path.join(p.run, "gold.lock"), { recursive: true });
  assert.throws(() => acquireJobLock(p, "gold", "x"), /another gold run is in progress on this stack \(starting now\)/);
});

test("locks of different jobs are independent", () => {
  const p = paths();
  const a = acquireJobLock(p, "gold", "x");
  const b = acquireJobLock(p, "maintain", "x");
  a();
  b();
});
