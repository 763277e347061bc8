/** How the costs grow: which saved results are read, and the verdicts on flatness (bench/lib/report/growth.ts). */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { repoRoot } from "../../../src/local/paths";
import { dailyRunFlat, growthMarkdown, latestScales, perRecordFlat, type ScaleFigures } from "../../../bench/lib/report/growth";

const RESULTS = path.join(repoRoot, "bench", "results");

const scale = (s: Partial<ScaleFigures> & Pick<ScaleFigures, "scale">): ScaleFigures => ({
  file: `${s.scale}.json`, dailyRuns: [], silverMicrosPerRecord: 10, duckdbMicrosPerRecord: 5, records: 1, goldDays: 1, usersP95: [], ...s,
});

test("the newest result of each scale, none newer than the report's day", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-growth-"));
  try {
    // Real saved results, copied: two months, two days, a quick run (no scale) and a year.
    for (const f of ["2026-12-01.json", "2026-12-06.json", "2026-12-01-month.json", "2026-12-06-month.json", "2026-11-29-quick.json", "2026-11-30-year.json"]) {
      fs.copyFileSync(path.join(RESULTS, f), path.join(dir, f));
    }
    assert.deepEqual(latestScales(dir, "2026-12-06").map((s) => s.file), ["2026-12-06.json", "2026-12-06-month.json", "2026-11-30-year.json"]);
    assert.deepEqual(latestScales(dir, "2026-12-05").map((s) => s.file), ["2026-12-01.json", "2026-12-01-month.json", "2026-11-30-year.json"]);
    assert.deepEqual(latestScales(dir, "2026-11-29").map((s) => s.file), []);

    const month = latestScales(dir, "2026-12-06")[1];
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "2026-12-06-month.json"), "utf8"));
    const r = saved.range;
    assert.equal(month.records, r.silver.records);
    assert.ok(Math.abs(month.silverMicrosPerRecord - (r.silver.processingSeconds / r.silver.records) * 1e6) < 1e-6);
    // The daily runs before and after the month, with the history gold had before each.
    assert.deepEqual(month.dailyRuns.map((d) => d.seconds), [r.dailyRun.before.seconds, r.dailyRun.after.seconds]);
    assert.equal(month.dailyRuns[1].historyDays, r.dailyRun.goldDaysAfter - 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the daily run is flat when the most history costs at most 20% more than the least", () => {
  const runs = (pairs: [number, number][]) => [scale({ scale: "day", dailyRuns: pairs.map(([historyDays, seconds]) => ({ historyDays, seconds })) })];
  assert.deepEqual(dailyRunFlat(runs([[1, 50], [365, 60]])), { flat: true, ratio: 1.2 });
  assert.equal(dailyRunFlat(runs([[1, 50], [30, 40], [365, 61]]))?.flat, false);
  // Fewer than two runs, or no difference in history: nothing to judge.
  assert.equal(dailyRunFlat(runs([[1, 50]])), undefined);
  assert.equal(dailyRunFlat(runs([[5, 50], [5, 90]])), undefined);
});

test("silver's cost per record may not grow by more than 10% from one scale to the next", () => {
  const scales = (us: number[]) => us.map((u, k) => scale({ scale: (["day", "month", "year"] as const)[k], silverMicrosPerRecord: u }));
  assert.equal(perRecordFlat(scales([280, 49, 30])), true);
  assert.equal(perRecordFlat(scales([50, 55, 55])), true);
  assert.equal(perRecordFlat(scales([50, 56, 40])), false);
  assert.equal(perRecordFlat(scales([50])), undefined);
});

test("the section names its sources and says n/m for a figure a scale lacks", () => {
  const md = growthMarkdown([
    scale({ scale: "day", file: "d.json", dailyRuns: [{ historyDays: 4, seconds: 87 }], usersP95: [{ users: 1, worstChartP95: 0.25 }, { users: 20, worstChartP95: 0.8 }] }),
    scale({ scale: "year", file: "y.json", dailyRuns: [{ historyDays: 366, seconds: 69.3 }] }),
  ]).join("\n");
  assert.match(md, /day `d\.json`, year `y\.json`/);
  assert.match(md, /\| 87\.0 s \| 4 \| d\.json \|\n\| 69\.3 s \| 366 \| y\.json \|/);
  assert.match(md, /\| year \(y\.json\) \| 1 \| n\/m \| n\/m \|/);
  assert.deepEqual(growthMarkdown([]), []);
});
