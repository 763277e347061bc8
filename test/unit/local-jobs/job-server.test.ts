/**
 * The client of the local stack's warm job servers (the Spark driver, the dbt server): the answer's framing (the server's side is
 * spark/tests/test_job_server.py) and what a caller is told when the driver is not running.
 * The driver itself runs in the integration tests, under every `runSilver`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { CommandError } from "../../../src/lib/exec";
import { EXIT_KEY, jobServer, runOnJobServer, splitAnswer } from "../../../src/local/jobs/job-server";
import { stackPaths } from "../../../src/local/paths";

test("an answer's last line gives the exit code, and the output is everything before it", () => {
  const answer = `[silver 10:00:00] weather 2024-03-05: bronze 1 = silver 1\n{"results": []}\n{"${EXIT_KEY}": 0}\n`;
  assert.deepEqual(splitAnswer(answer), { output: '[silver 10:00:00] weather 2024-03-05: bronze 1 = silver 1\n{"results": []}\n', exitCode: 0 });
  assert.deepEqual(splitAnswer(`{"${EXIT_KEY}": 2}\n`), { output: "", exitCode: 2 });
});

test("an answer cut off before its exit line has no exit code and keeps all its output", () => {
  const cut = "[silver 10:00:00] trips: batch 1/1\nTraceback (most recent call last):\n";
  assert.deepEqual(splitAnswer(cut), { output: cut, exitCode: undefined });
  assert.deepEqual(splitAnswer(""), { output: "", exitCode: undefined });
});

test("each server's socket lives under the stack's run/ unless that path is too long for a Unix socket", () => {
  assert.equal(jobServer(stackPaths({ LAKEHOUSE_HOME: "/srv/lh" }), "spark").socket, "/srv/lh/run/spark.sock");
  assert.equal(jobServer(stackPaths({ LAKEHOUSE_HOME: "/srv/lh" }), "dbt").socket, "/srv/lh/run/dbt.sock");
  const deep = (home: string, service: "spark" | "dbt") => jobServer(stackPaths({ LAKEHOUSE_HOME: `/srv/${home.repeat(120)}` }), service).socket;
  assert.equal(path.dirname(deep("x", "spark")), os.tmpdir());
  assert.ok(deep("x", "spark").length < 100);
  assert.notEqual(deep("x", "spark"), deep("y", "spark"), "one socket per stack");
  assert.notEqual(deep("x", "spark"), deep("x", "dbt"), "one socket per server");
});

test("a server that is not running is named, with the command that starts it", async () => {
  const run = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "job-server-")), "run");
  const paths = { ...stackPaths(), run };
  await assert.rejects(runOnJobServer(jobServer(paths, "spark"), "silver", ["--date", "2024-03-05"]), (e: CommandError) => {
    assert.ok(e instanceof CommandError);
    assert.match(e.message, /Spark driver \(service spark\) is not running, so 'silver --date 2024-03-05' could not start: run 'lakehouse local up'/);
    return true;
  });
  await assert.rejects(runOnJobServer(jobServer(paths, "dbt"), "dbt", ["build"]), /dbt server \(service dbt\) is not running, so 'dbt build' could not start/);
});
