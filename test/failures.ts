/** What test/run.ts repeats after its total: the tests that failed, each with the first line of its error. */

interface OpenSuite {
  depth: number;
  name: string;
  failedTests: number;
}

/**
 * The failing tests in node's spec-reporter output, each with its suites ("suite › test").
 * The reporter opens a suite with ▶, marks each test ✔ or ✖ (a cancelled test too), and closes
 * the suite with its own ✔ or ✖ at the suite's indentation; a suite that failed with no failing
 * test (a hook threw) is named itself. Its closing "failing tests:" list repeats them: not read.
 * The reporter prints a failure's error on the lines below it, indented deeper: its first line
 * follows the name after ": ", cut to REASON_CHARS (CI shows only the end of a long log).
 */
const REASON_CHARS = 240;

export function failingTests(output: string): string[] {
  const lines = output.split("\n");
  /** The index in `failed` whose reason is still to be read, and the failure's indentation. */
  let pending: { index: number; depth: number } | undefined;
  const end = lines.findIndex((l) => l.startsWith("✖ failing tests:"));
  const failed: string[] = [];
  const open: OpenSuite[] = [];
  const pathOf = (name: string) => [...open.map((s) => s.name), name].join(" › ");
  for (const line of end < 0 ? lines : lines.slice(0, end)) {
    const m = /^( *)([▶✖✔﹣]) (.*?)(?: \([\d.]+ms\))?$/.exec(line);
    if (!m) {
      const reason = line.trim();
      if (pending && reason && line.length - line.trimStart().length > pending.depth) {
        const cut = reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}…` : reason;
        failed[pending.index] += `: ${cut}`;
        pending = undefined;
      }
      continue;
    }
    pending = undefined;
    const [, indent, mark, name] = m;
    const depth = indent.length;
    while (open.length && open[open.length - 1].depth > depth) open.pop();
    const top = open[open.length - 1];
    if (mark === "▶") {
      open.push({ depth, name, failedTests: 0 });
    } else if (top && top.depth === depth && top.name === name) {
      open.pop();
      if (mark === "✖" && top.failedTests === 0) {
        failed.push(`${pathOf(name)} (the suite failed: a hook threw)`);
        pending = { index: failed.length - 1, depth };
      }
    } else if (mark === "✖") {
      failed.push(pathOf(name));
      pending = { index: failed.length - 1, depth };
      for (const s of open) s.failedTests++;
    }
  }
  return failed;
}
