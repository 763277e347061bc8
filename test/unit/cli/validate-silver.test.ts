import assert from "node:assert/strict";
import { test } from "node:test";
import { silverProblems } from "../../../src/cli/validate";

const DAY = "2024-03-05";
const run = (bronze: number, silver: number, rejected: number, dups: number) => [bronze, silver, rejected, dups];

test("silver validates when both tables hold what the day's last run wrote", () => {
  const latest = new Map([[`trips ${DAY}`, run(10, 7, 2, 1)], [`weather ${DAY}`, run(1, 1, 0, 0)]]);
  const rows = new Map([[`trips ${DAY}`, 7], [`trips_rejected ${DAY}`, 2], [`weather ${DAY}`, 1]]);
  assert.deepEqual(silverProblems([DAY], latest, rows), []);
});

test("a rejected table that no longer matches the run (killed between the two commits) is named", () => {
  const latest = new Map([[`trips ${DAY}`, run(10, 7, 2, 1)], [`weather ${DAY}`, run(1, 1, 0, 0)]]);
  const rows = new Map([[`trips ${DAY}`, 7], [`trips_rejected ${DAY}`, 5], [`weather ${DAY}`, 1]]);
  assert.deepEqual(silverProblems([DAY], latest, rows), [`trips ${DAY}: the run rejected 2 records but trips_rejected holds 5 (rerun: lakehouse run silver --date ${DAY})`]);
});

test("a run that does not reconcile, a table short of rows and a day with no run are each named", () => {
  const latest = new Map([[`trips ${DAY}`, run(10, 7, 2, 0)]]);
  const rows = new Map([[`trips ${DAY}`, 6], [`trips_rejected ${DAY}`, 2]]);
  assert.deepEqual(silverProblems([DAY], latest, rows), [
    `weather ${DAY}: no silver run recorded`,
    `trips ${DAY}: bronze 10 != silver 7 + rejected 2 + duplicates 0`,
    `trips ${DAY}: the run wrote 7 rows but the table holds 6`,
  ]);
});
