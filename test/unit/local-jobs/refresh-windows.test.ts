import assert from "node:assert/strict";
import { test } from "node:test";
import { refreshWindows } from "../../../src/local/jobs/pipeline";

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
