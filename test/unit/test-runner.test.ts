/**
 * test/run.ts counts the tests from the runners' JUnit reports and repeats the failing ones
 * after its total, because CI shows only the end of the log: checked on reports that node's test
 * runner and pytest write for tiny test files with known outcomes, not on hand-written XML.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../../src/local/paths";
import { countCheck, countRun, nodeTestName, pytestName, readJUnit } from "../failures";

const NODE_FIXTURE = `
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
  test("passes too", () => {});
  test.skip("skipped", () => {});
  test.todo("todo", () => {});
});
test("top fails", () => { throw new Error("x"); });
test("fails long", () => { throw new Error("y".repeat(300)); });
test("parent", async (t) => {
  await t.test("child passes", () => {});
  await t.test("child fails", () => assert.ok(false, "first line\\nsecond line"));
});
test("top passes", () => {});
`;

const PYTEST_FIXTURE = `
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")

def test_passes():
    pass

def test_fails():
    assert 1 == 2, "one is not <two>"

def test_errors_in_setup(broken):
    pass

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False

class TestGroup:
    def test_in_class(self):
        assert "a" == "b"
`;

let dir = "";
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "test-runner-"));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs node's test runner as test/run.ts does (spec to stdout, JUnit to a file) on `files` ({ name: source }). */
function nodeRun(files: Record<string, string>, extraArgs: string[] = []): { code: number; report: string; stdout: string } {
  const sub = fs.mkdtempSync(path.join(dir, "node-"));
  for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), source);
  const report = path.join(sub, "report.xml");
  // Without NODE_TEST_CONTEXT: set inside a test, it makes the child report to this runner instead.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, [...extraArgs, "--test", "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=junit", `--test-reporter-destination=${report}`, ...Object.keys(files).map((f) => path.join(sub, f))], { encoding: "utf8", env, cwd: sub });
  return { code: run.status ?? 1, report, stdout: run.stdout };
}

describe("node's JUnit report", () => {
  test("every test's outcome; the failing ones with their suites and their error's first line, each once", () => {
    const run = nodeRun({ "fixture.test.mjs": NODE_FIXTURE, "crash.test.mjs": `throw new Error("crash at load");` });
    assert.notEqual(run.code, 0, "the fixture's failures fail the run");
    assert.match(run.stdout, /▶ outer/, "the spec reporter still writes to stdout, for the terminal");
    const counts = countRun({ label: "node --test fixture", code: run.code, report: run.report, nameOf: nodeTestName(path.dirname(run.report)) });
    assert.deepEqual([counts.passed, counts.failed, counts.skipped], [4, 6, 2]);
    assert.deepEqual(counts.failures.sort(), [
      // A file that fails outside any test is named by its path.
      "crash.test.mjs: test failed",
      // Cut: a reason is one line of the tail CI shows.
      `fails long: ${"y".repeat(240)}…`,
      "outer › hooked › cancelled by its hook: test did not finish before its parent and was cancelled",
      "outer › inner › fails (with parens): 1 == 2",
      // A test with subtests is a suite in the report; its failing subtest is the failure.
      "parent › child fails: first line",
      "top fails: x",
    ].sort());
    assert.deepEqual(counts.parts, ["node --test fixture: 4 passed, 6 failed, 2 skipped"]);
  });

  for (const [what, source] of [
    ["a describe block's after hook", `describe("cleaned up badly", () => { after(() => { throw new Error("cleanup"); }); test("passes", () => {}); });`],
    ["a test that threw after its subtests passed", `test("parent", async (t) => { await t.test("passes", () => {}); throw new Error("its own"); });`],
  ]) {
    test(`a run that failed with no failing test in its report still fails: ${what}, which node 20's JUnit leaves out`, () => {
      const run = nodeRun({ "suite.test.mjs": `import { after, describe, test } from "node:test";\n${source}` });
      assert.notEqual(run.code, 0);
      const counts = countRun({ label: "node --test suite", code: run.code, report: run.report, nameOf: nodeTestName(dir) });
      assert.deepEqual([counts.passed, counts.failed], [1, 1]);
      assert.deepEqual(counts.failures, [`node --test suite: exited ${run.code} with no failed test in its report (a crash, or a suite's own error: see its output above)`]);
    });
  }

  test("a crash before any test reported fails the run: node stopped before writing its report", () => {
    const run = nodeRun({ "never.test.mjs": `import { test } from "node:test"; test("never runs", () => {});` }, ["--no-such-option"]);
    assert.notEqual(run.code, 0);
    const counts = countRun({ label: "node --test never", code: run.code, report: run.report, nameOf: nodeTestName(dir) });
    assert.deepEqual([counts.passed, counts.failed], [0, 1]);
    assert.match(counts.failures[0], /^node --test never: exited \d+, and its JUnit report could not be read \(ENOENT/);
  });

  test("a passing run counts its tests and lists no failure", () => {
    const run = nodeRun({ "ok.test.mjs": `import { test } from "node:test"; test("a", () => {}); test("b", () => {});` });
    assert.equal(run.code, 0);
    const cases = readJUnit(fs.readFileSync(run.report, "utf8"));
    assert.deepEqual(cases.map((c) => [c.name, c.outcome]), [["a", "passed"], ["b", "passed"]]);
    const counts = countRun({ label: "node --test ok", code: run.code, report: run.report, nameOf: nodeTestName(dir) });
    assert.deepEqual([counts.passed, counts.failed, counts.skipped, counts.failures], [2, 0, 0, []]);
  });
});

const python = path.join(repoRoot, ".venv", "bin", "python");

describe("pytest's JUnit report", { skip: !fs.existsSync(python) && "no .venv (the unit tier installs it first)" }, () => {
  /** Runs pytest as test/run.ts does (--junitxml) on `files`, in a directory of their own (pytest's rootdir). */
  function pytestRun(files: Record<string, string>): { code: number; report: string } {
    const sub = fs.mkdtempSync(path.join(dir, "pytest-"));
    for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), source);
    const report = path.join(sub, "report.xml");
    const run = spawnSync(python, ["-m", "pytest", "-p", "no:cacheprovider", "-q", `--junitxml=${report}`, "."], { encoding: "utf8", cwd: sub });
    return { code: run.status ?? 1, report };
  }

  test("every test's outcome: an error in a fixture fails, an expected failure is skipped; the failing ones with their exception", () => {
    const run = pytestRun({ "test_sample.py": PYTEST_FIXTURE });
    assert.equal(run.code, 1);
    const counts = countRun({ label: "pytest", code: run.code, report: run.report, nameOf: pytestName, okCodes: [5] });
    assert.deepEqual([counts.passed, counts.failed, counts.skipped], [1, 3, 2]);
    assert.deepEqual(counts.failures, [
      "pytest test_sample::test_fails: AssertionError: one is not <two>",
      'pytest test_sample::test_errors_in_setup: failed on setup with "RuntimeError: fixture broke"',
      "pytest test_sample.TestGroup::test_in_class: AssertionError: assert 'a' == 'b'",
    ]);
  });

  test("a module that does not import fails the run, with its exception", () => {
    const run = pytestRun({ "test_broken.py": "import no_such_module\n" });
    assert.notEqual(run.code, 0);
    const counts = countRun({ label: "pytest", code: run.code, report: run.report, nameOf: pytestName, okCodes: [5] });
    assert.equal(counts.failed, 1);
    assert.deepEqual(counts.failures, ["pytest ::test_broken: collection failure (ModuleNotFoundError: No module named 'no_such_module')"]);
  });

  test("no test collected (exit 5) is not a failure", () => {
    const run = pytestRun({ "test_empty.py": "x = 1\n" });
    assert.equal(run.code, 5);
    const counts = countRun({ label: "pytest", code: run.code, report: run.report, nameOf: pytestName, okCodes: [5] });
    assert.deepEqual([counts.passed, counts.failed, counts.failures], [0, 0, []]);
  });
});

test("a check counts as one test: passed, or failed with its line after the total", () => {
  assert.deepEqual(countCheck("tsc --noEmit -p .", 0, "unused", 3), { passed: 1, failed: 0, skipped: 0, failures: [], parts: ["tsc --noEmit -p .: passed (3 s)"] });
  assert.deepEqual(countCheck("sqlfluff lint dbt/", 1, "1 violation(s), the first: dbt/x.sql:1:1: LT01 ...", 9), {
    passed: 0, failed: 1, skipped: 0, failures: ["sqlfluff lint dbt/: 1 violation(s), the first: dbt/x.sql:1:1: LT01 ..."], parts: ["sqlfluff lint dbt/: failed (9 s)"],
  });
});
