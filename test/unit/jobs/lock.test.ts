/** The one-run-at-a-time lock of local jobs (src/jobs/lock.ts), on a temporary run directory. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { acquireJobLock } from "../../../src/jobs/lock";
import { stackPaths } from "../../../src/local/paths";

const paths = () => stackPaths({ LAKEHOUSE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), "lock-")) });

test("a second run is refused, naming the first; after release the next run may go", () => {
  const p = paths();
  const release = acquireJobLock(p, "gold", "reason given");
  assert.throws(() => acquireJobLock(p, "gold", "reason given"), new RegExp(`another gold run is in progress on this stack \\(pid ${process.pid}, started .+\\); reason given\\. Nothing was done`));
  release();
  assert.equal(fs.existsSync(path.join(p.run, "gold.lock")), false);
  acquireJobLock(p, "gold", "reason given")();
});

test("a lock left by a process that is gone is taken over", () => {
  const p = paths();
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
  fs.mkdirSync(p.run, { recursive: true });
  fs.writeFileSync(path.join(p.run, "gold.lock"), JSON.stringify({ pid: Number(gone), started_at: "2020-01-01T00:00:00Z" }));
  const release = acquireJobLock(p, "gold", "x");
  assert.equal(JSON.parse(fs.readFileSync(path.join(p.run, "gold.lock"), "utf8")).pid, process.pid);
  release();
});

test("a lock being written this instant (still empty) counts as held", () => {
  const p = paths();
  fs.mkdirSync(p.run, { recursive: true });
  fs.writeFileSync(path.join(p.run, "gold.lock"), "");
  assert.throws(() => acquireJobLock(p, "gold", "x"), /another gold run is in progress on this stack \(starting now\)/);
});

test("locks of different jobs are independent", () => {
  const p = paths();
  const a = acquireJobLock(p, "gold", "x");
  const b = acquireJobLock(p, "maintain", "x");
  a();
  b();
});
