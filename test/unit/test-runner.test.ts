/**
 * test/run.ts repeats the failing tests' names after its total, because CI shows only the end
 * of the log: checked on node's own spec reporter running a file with known failures.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { failingTests } from "../failures";

const FIXTURE = `
import { after, before, describe, test } from "node:test";
import assert from "node:assert";
describe("outer", () => {
  describe("inner", () => {
    test("passes", () => {});
    test("fails (with parens)", () => assert.equal(1, 2));
  });
  describe("hooked", () => {
    before(() => { throw new Error("boom"); });
    test("cancelled by its hook", () => {});
  });
  describe("cleaned up badly", () => {
    after(() => { throw new Error("cleanup"); });
    test("passes first", () => {});
  });
  test("passes too", () => {});
});
test("top fails", () => { throw new Error("x"); });
test("fails long", () => { throw new Error("y".repeat(300)); });
test("top passes", () => {});
`;

test("the failing tests of a spec-reporter run, with their suites, each once, each with its error's first line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failures-"));
  const file = path.join(dir, "fixture.test.mjs");
  fs.writeFileSync(file, FIXTURE);
  // Without NODE_TEST_CONTEXT: set inside a test, it makes the child report to this runner instead.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=spec", file], { encoding: "utf8", env });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.notEqual(run.status, 0, "the fixture's failures fail the run");
  assert.deepEqual(failingTests(run.stdout + run.stderr), [
    "outer › inner › fails (with parens): AssertionError [ERR_ASSERTION]: 1 == 2",
    "outer › hooked › cancelled by its hook: 'test did not finish before its parent and was cancelled'",
    "outer › cleaned up badly (the suite failed: a hook threw): Error: cleanup",
    "top fails: Error: x",
    // Cut: a reason is one line of the tail CI shows.
    `fails long: Error: ${"y".repeat(233)}…`,
  ]);
});
