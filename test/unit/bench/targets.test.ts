/** Issue 20's targets judged from figures: thresholds from the issue's table, not from the code. */
import assert from "node:assert/strict";
import test from "node:test";
import { issue20Targets, targetsMarkdown } from "../../../bench/lib/report/targets";
import { worstChart } from "../../../bench/lib/stats";
import type { LoadFigures } from "../../../bench/lib/dashboard-load";
import { loadFigures } from "../../../bench/lib/dashboard-load";

const users = (n: number, worst: number, errors: string[] = []): LoadFigures => ({
  users: n, loadsPerUser: 10, queries: 50 * n, p50: worst / 2, p95: worst * 0.9, worstChartP95: worst, worstChart: "top drivers", loadP95: worst * 1.1, queriesPerSecond: 10, errors,
});
const render = { firstSeconds: 2.5, medianSeconds: 1.2, runs: [2.5, 1.2], charts: 5, notDrawn: [] };
const met = (rows: ReturnType<typeof issue20Targets>) => rows.map((r) => r.met);

test("a year's run that meets every threshold of the issue is judged met on every row", () => {
  const rows = issue20Targets({
    dailyRuns: [{ historyDays: 0, seconds: 29 }, { historyDays: 366, seconds: 30 }],
    backfill: { days: 365, seconds: 900 },
    silverRatio: { days: 365, ratio: 1.0 },
    oneUser: { goldDays: 367, worstP95: 0.3, worstChart: "top drivers" },
    users: [users(1, 0.2), users(5, 0.5), users(20, 1.0)],
    render: { ...render, goldDays: 367 },
    dailyRunMemoryMb: 6 * 1024,
  });
  assert.deepEqual(met(rows), [true, true, true, true, true, true, true]);
});

test("each threshold crossed is a miss, whatever the scale", () => {
  const rows = issue20Targets({
    dailyRuns: [{ historyDays: 30, seconds: 30.1 }],
    backfill: { days: 365, seconds: 901 },
    silverRatio: { days: 30, ratio: 1.01 },
    oneUser: { goldDays: 33, worstP95: 0.31, worstChart: "top drivers" },
    users: [users(20, 1.01)],
    render: { ...render, firstSeconds: 3.1, goldDays: 33 },
    dailyRunMemoryMb: 6 * 1024 + 1,
  });
  assert.deepEqual(met(rows), [false, false, false, false, false, false, false]);
  assert.match(rows[5].figure, /first visit 3\.1 s, returning median 1\.2 s/);
});

test("a miss says how far over its limit the judged figure is, and where to read why", () => {
  const rows = issue20Targets({
    // The slower of two daily runs is judged: 87 s against 30 s.
    dailyRuns: [{ historyDays: 4, seconds: 45 }, { historyDays: 366, seconds: 87 }],
    backfill: { days: 365, seconds: 1800 },
    silverRatio: { days: 30, ratio: 2.3 },
    render: { ...render, firstSeconds: 7.5, medianSeconds: 3.4, goldDays: 367 },
  });
  const md = targetsMarkdown(rows).join("\n");
  assert.match(md, /\*\*missed\*\*: 2\.90x the limit/);
  assert.match(md, /\*\*missed\*\*: 2\.00x the limit/);
  assert.match(md, /\*\*missed\*\*: 2\.30x the limit/);
  assert.match(md, /\*\*missed\*\*: 2\.50x the limit/);
  assert.match(md, /Why each missed target is missed.*bench\/README\.md/);
  // Nothing missed, no pointer.
  assert.doesNotMatch(targetsMarkdown(issue20Targets({ dailyRunMemoryMb: 5000 })).join("\n"), /Why each missed/);
});

test("the bench's first daily run (cold job servers) is shown beside the judged one, not judged", () => {
  const [daily] = issue20Targets({ dailyRuns: [{ historyDays: 0, seconds: 29.5, firstSeconds: 66 }, { historyDays: 366, seconds: 28 }] });
  assert.equal(daily.met, true, "66 s is over 30 s, but it is not the judged figure");
  assert.match(daily.figure, /^29\.5 s after 0 days of gold \(the bench's first daily run before it, its job servers' first jobs: 66\.0 s\), 28\.0 s after 366 days of gold$/);
  assert.equal(issue20Targets({ dailyRuns: [{ historyDays: 366, seconds: 30.5, firstSeconds: 20 }] })[0].met, false);
});

test("figures under the threshold at a smaller scale than the target's are not judged, and say which scale judges them", () => {
  const rows = issue20Targets({
    dailyRuns: [{ historyDays: 31, seconds: 20 }],
    backfill: { days: 30, seconds: 100 },
    silverRatio: { days: 1, ratio: 0.5 },
    oneUser: { goldDays: 33, worstP95: 0.1, worstChart: "x" },
    users: [users(20, 0.5)],
    render: { ...render, goldDays: 33 },
  });
  assert.deepEqual(met(rows), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.match(rows[0].figure, /after a year: --scale year/);
  assert.match(rows[1].figure, /a year: --scale year/);
  assert.match(rows[2].figure, /the target is a month: --scale month/);
  assert.match(rows[6].figure, /not measured/);
  assert.match(targetsMarkdown(rows).join("\n"), /\| not judged here \|/);
});

test("failed queries under load or a chart not drawn are misses", () => {
  const rows = issue20Targets({ users: [users(20, 0.1, ["top drivers: Trino 503"])], render: { ...render, notDrawn: ["top drivers: error"], goldDays: 400 } });
  assert.equal(rows[4].met, false);
  assert.match(rows[4].figure, /1 failed requests/);
  assert.equal(rows[5].met, false);
});

test("the load figures: percentiles over every chart query, the worst chart's own p95 and the whole load's", () => {
  // 20 samples for chart a (0.1 … 2.0 s), 20 of b at 0.05 s: the nearest-rank p95 of a is 1.9 s.
  const a = Array.from({ length: 20 }, (_, k) => (k + 1) / 10);
  const b = Array.from({ length: 20 }, () => 0.05);
  const f = loadFigures(4, 5, { byChart: { a, b }, loads: a, errors: [], seconds: 8 });
  assert.equal(f.queries, 40);
  assert.equal(f.worstChart, "a");
  assert.equal(f.worstChartP95, 1.9);
  assert.equal(f.loadP95, 1.9);
  assert.equal(f.p95, 1.8); // rank ceil(0.95*40)=38 of [20 x 0.05, 0.1 … 2.0] → 1.8
  assert.equal(f.queriesPerSecond, 5);
});

test("the worst chart is the one with the highest p95; no charts, no figure", () => {
  assert.deepEqual(worstChart({ a: { p95: 0.2 }, b: { p95: 0.5 }, c: { p95: 0.1 } }), { worstChart: "b", worstP95: 0.5 });
  assert.equal(worstChart({}), undefined);
});
