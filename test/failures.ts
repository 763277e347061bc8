/** What test/run.ts repeats after its total: the names of the tests that failed. */

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
 */
export function failingTests(output: string): string[] {
  const lines = output.split("\n");
  const end = lines.findIndex((l) => l.startsWith("✖ failing tests:"));
  const failed: string[] = [];
  const open: OpenSuite[] = [];
  const pathOf = (name: string) => [...open.map((s) => s.name), name].join(" › ");
  for (const line of end < 0 ? lines : lines.slice(0, end)) {
    const m = /^( *)([▶✖✔﹣]) (.*?)(?: \([\d.]+ms\))?$/.exec(line);
    if (!m) continue;
    const [, indent, mark, name] = m;
    const depth = indent.length;
    while (open.length && open[open.length - 1].depth > depth) open.pop();
    const top = open[open.length - 1];
    if (mark === "▶") {
      open.push({ depth, name, failedTests: 0 });
    } else if (top && top.depth === depth && top.name === name) {
      open.pop();
      if (mark === "✖" && top.failedTests === 0) failed.push(`${pathOf(name)} (the suite failed: a hook threw)`);
    } else if (mark === "✖") {
      failed.push(pathOf(name));
      for (const s of open) s.failedTests++;
    }
  }
  return failed;
}
