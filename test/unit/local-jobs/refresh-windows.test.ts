import assert from "node:assert/strict";
import { test } from "node:test";
import { refreshWindowArgs, refreshWindows } from "../../../src/local/jobs/pipeline";

test("a full refresh covers every silver day in windows of at most a month, in date order", () => {
  const days = ["2024-03-02", "2021-01-01", "2021-01-03", "2022-05-01", "2022-05-31", "2022-06-01", "2024-03-01"];
  assert.deepEqual(refreshWindows(days), [
    ["2021-01-01", "2021-01-03"],
    ["2022-05-01", "2022-05-31"],
    ["2022-06-01", "2022-06-01"],
    ["2024-03-01", "2024-03-02"],
  ]);
  for (const [start, end] of refreshWindows(days)) assert.ok((Date.parse(end) - Date.parse(start)) / 86_400_000 < 31);
  assert.deepEqual(refreshWindows([]), []);
});

test("a full refresh: the first window rebuilds every table; the middle ones add their days only; the last rebuilds the whole tables again; none runs the unit tests", () => {
  const at = (i: number, n: number) => refreshWindowArgs("2024-02-01", "2024-03-02", i, n);
  const excluded = (args: string[]) => args.flatMap((a, k) => (a.startsWith("--exclude") ? [args[k + 1]] : []));
  assert.ok(at(0, 3).includes("--full-refresh"));
  assert.ok(!at(1, 3).includes("--full-refresh") && !at(2, 3).includes("--full-refresh"));
  assert.deepEqual(excluded(at(0, 3)), ["unit_test"]);
  assert.deepEqual(excluded(at(1, 3)), ["unit_test", "config.materialized:table"]);
  assert.equal(at(1, 3)[at(1, 3).indexOf("--indirect-selection") + 1], "cautious", "a test of the window against a whole table still runs");
  assert.deepEqual(excluded(at(2, 3)), ["unit_test"]);
  assert.deepEqual(excluded(at(0, 1)), ["unit_test"], "a single window is the first: every model");
  assert.equal(at(1, 3)[at(1, 3).indexOf("--vars") + 1], '{start_date: "2024-02-01", end_date: "2024-03-02"}');
});
