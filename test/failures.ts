/**
 * What test/run.ts counts and repeats after its total, read from the JUnit reports the test
 * runners write (node's `--test-reporter=junit`, pytest's `--junitxml`) rather than from their
 * terminal output: each test's outcome, and the failing tests with the first line of their error.
 */
import fs from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** The failing tests' lines, repeated after the total: CI shows only the end of a long log. */
  failures: string[];
  /** One line per run that was counted (tests or a check): what it was, its counts, its time. */
  parts: string[];
}

export const NO_COUNTS: Counts = { passed: 0, failed: 0, skipped: 0, failures: [], parts: [] };

export const add = (a: Counts, b: Counts): Counts => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
  failures: [...a.failures, ...b.failures],
  parts: [...a.parts, ...b.parts],
});

/** One <testcase> of a report. */
export interface TestCase {
  /** The names of the <testsuite>s it is in, outermost first (node: describe blocks and parent tests). */
  suites: string[];
  /** pytest: the test's module (and class), dotted; node: always "test". */
  classname: string;
  name: string;
  outcome: "passed" | "failed" | "skipped";
  /** A failed test's error, its first line (cut to REASON_CHARS: CI shows only the end of a long log). */
  reason?: string;
}

const REASON_CHARS = 240;

type XmlNode = Record<string, unknown> & { ":@"?: Record<string, string> };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  preserveOrder: true, // keeps the tests in the order they ran, and unknown wrapper elements walkable
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true, // pytest writes a message's line breaks as &#10;
  ignoreDeclaration: true,
});

const tagOf = (node: XmlNode) => Object.keys(node).find((k) => k !== ":@")!;
const textOf = (children: XmlNode[]) => children.map((c) => (typeof c["#text"] === "string" ? c["#text"] : "")).join("");

const firstLine = (s: string) => s.split("\n").map((l) => l.trim()).find(Boolean) ?? "";

/**
 * node 20 writes a multi-line message into its attribute with the line breaks dropped ("first
 * linesecond line"); the element's text keeps them, after the error's name ("Error [CODE]: first
 * line"). The message up to its first line break, found there; the message itself otherwise.
 */
function unjoined(message: string, text: string): string {
  if (text.includes(message)) return message;
  for (const line of text.split("\n")) {
    for (let at = line.indexOf(": "); at >= 0; at = line.indexOf(": ", at + 1)) {
      const start = line.slice(at + 2).trimEnd();
      if (start && message.startsWith(start)) return start;
    }
  }
  return message;
}

/**
 * The first line of a <failure>'s or <error>'s message (node writes the error's message, pytest
 * the exception), or of its text when the message is empty. pytest's collection errors say only
 * "collection failure": the exception's line ("E   ...") follows when the message lacks it.
 */
function reasonOf(attrs: Record<string, string>, children: XmlNode[]): string {
  const text = textOf(children);
  let reason = unjoined(firstLine(attrs.message ?? ""), text) || firstLine(text) || "failed";
  const exception = /^E {3}(\S.*)$/m.exec(text)?.[1].trim();
  if (exception && !reason.includes(exception)) reason += ` (${exception})`;
  return reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}…` : reason;
}

function testCase(attrs: Record<string, string>, children: XmlNode[], suites: string[]): TestCase {
  const base = { suites, classname: attrs.classname ?? "", name: attrs.name ?? "" };
  const failure = children.find((c) => ["failure", "error"].includes(tagOf(c)));
  if (failure) return { ...base, outcome: "failed", reason: reasonOf(failure[":@"] ?? {}, failure[tagOf(failure)] as XmlNode[]) };
  if (children.some((c) => tagOf(c) === "skipped")) return { ...base, outcome: "skipped" };
  return { ...base, outcome: "passed" };
}

/**
 * Every <testcase> of a JUnit report, wherever it is nested: node 20 wraps a file whose own
 * hook failed in an element it names "undefined", so every element is walked, and only
 * <testsuite>s name a level. A cancelled test (node) is a failure; a todo test (node) and an
 * expected failure (pytest's xfail) are skipped; pytest reports an error in a passed test's
 * teardown as a second <testcase>, counted as a failure as pytest counts it.
 */
export function readJUnit(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  const walk = (nodes: XmlNode[], suites: string[]) => {
    for (const node of nodes) {
      const tag = tagOf(node);
      if (tag === "#text") continue;
      const attrs = node[":@"] ?? {};
      const children = node[tag] as XmlNode[];
      if (tag === "testcase") cases.push(testCase(attrs, children, suites));
      else walk(children, tag === "testsuite" ? [...suites, attrs.name ?? ""] : suites);
    }
  };
  walk(parser.parse(xml) as XmlNode[], []);
  return cases;
}

/** A failing node test's name: its suites and its own; a file that failed outside any test is named by its path from `root`. */
export const nodeTestName = (root: string) => (c: TestCase): string =>
  [...c.suites, path.isAbsolute(c.name) ? path.relative(root, c.name) : c.name].join(" › ");

/** A failing pytest test's name: its module (and class), dotted, and its own. */
export const pytestName = (c: TestCase): string => `pytest ${c.classname}::${c.name}`;

/** One run of a test runner, as test/run.ts saw it. */
export interface Run {
  /** What ran, as the lines after the total name it ("node --test test/unit"). */
  label: string;
  code: number;
  /** Its JUnit report's path; a report that is missing or unreadable fails the run. */
  report: string;
  /** A failing test's name in the lines after the total. */
  nameOf: (c: TestCase) => string;
  /** Exit codes that are not failures when no test failed (pytest's 5: no test collected). */
  okCodes?: number[];
  seconds?: number;
}

/**
 * A run's counts from its report. A run that exited non-zero with no failed test in its report
 * still fails, with one failure naming it: a crash before any test reported (node --test or
 * pytest itself), or what node 20's JUnit reporter leaves out: the error of a <testsuite> itself,
 * i.e. a describe block's hook, or a test with subtests that threw after they passed (its error
 * is in the spec output above the total). With other failures, the run fails by them.
 */
export function countRun(run: Run): Counts {
  const counts: Counts = { ...NO_COUNTS, failures: [], parts: [] };
  let cases: TestCase[] = [];
  let unread: string | undefined;
  try {
    cases = readJUnit(fs.readFileSync(run.report, "utf8"));
  } catch (e) {
    unread = e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
  for (const c of cases) {
    counts[c.outcome]++;
    if (c.outcome === "failed") counts.failures.push(`${run.nameOf(c)}: ${c.reason}`);
  }
  if (unread !== undefined) {
    counts.failed++;
    counts.failures.push(`${run.label}: exited ${run.code}, and its JUnit report could not be read (${unread})`);
  } else if (run.code !== 0 && counts.failed === 0 && !(run.okCodes ?? []).includes(run.code)) {
    counts.failed++;
    counts.failures.push(`${run.label}: exited ${run.code} with no failed test in its report (a crash, or a suite's own error: see its output above)`);
  }
  const time = run.seconds === undefined ? "" : ` (${run.seconds} s)`;
  counts.parts.push(`${run.label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${time}`);
  return counts;
}

/** A check that is not a test runner (the type check, the SQL lint), counted as one test. */
export function countCheck(label: string, code: number, failure: string, seconds?: number): Counts {
  const time = seconds === undefined ? "" : ` (${seconds} s)`;
  if (code === 0) return { ...NO_COUNTS, passed: 1, failures: [], parts: [`${label}: passed${time}`] };
  return { ...NO_COUNTS, failed: 1, failures: [`${label}: ${failure}`], parts: [`${label}: failed${time}`] };
}
