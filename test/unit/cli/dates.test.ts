import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { resolveDays, resolveRunDays } from "../../../src/cli/run";
import { daysBetween, logicalDate, parseDay, YESTERDAY, YESTERDAY_SH, yesterdayUtc } from "../../../src/lib/dates";

test("a day must be a real calendar date", () => {
  assert.equal(parseDay("2024-02-29"), "2024-02-29");
  assert.throws(() => parseDay("2023-02-29"), /--date 2023-02-29 is not a calendar date/);
  assert.throws(() => parseDay("2024-3-1"), /not a calendar date/);
});

test("ranges are inclusive and ordered", () => {
  assert.deepEqual(daysBetween("2024-02-28", "2024-03-01"), ["2024-02-28", "2024-02-29", "2024-03-01"]);
  assert.throws(() => daysBetween("2024-03-02", "2024-03-01"), /--to 2024-03-01 is before --from 2024-03-02/);
});

test("'yesterday' is the UTC day before now", () => {
  assert.equal(logicalDate(YESTERDAY, new Date("2024-03-01T00:30:00Z")), "2024-02-29");
  assert.equal(logicalDate("2024-03-05"), "2024-03-05");
});

test("the shell's 'yesterday' (the CronJobs', index.ts's runNow) is the same day", () => {
  // Taken twice around the shell's: a run across midnight UTC is retried, not failed.
  for (let attempt = 0; ; attempt++) {
    const before = yesterdayUtc();
    const shell = execFileSync("/bin/sh", ["-c", `echo ${YESTERDAY_SH}`], { encoding: "utf8" }).trim();
    if (before === yesterdayUtc() || attempt > 0) return assert.equal(shell, before);
  }
});

test("--date and --from/--to exclude each other, and a range needs both ends", () => {
  assert.deepEqual(resolveDays({ date: "2024-03-05" }), ["2024-03-05"]);
  assert.throws(() => resolveDays({ date: "2024-03-05", from: "2024-03-01" }), /either --date or --from\/--to/);
  assert.throws(() => resolveDays({ from: "2024-03-01" }), /--from and --to go together/);
  assert.throws(() => resolveDays({}), /which days\?/);
});

test("a full refresh of gold takes no days, and only gold has one", () => {
  assert.deepEqual(resolveRunDays("gold", { fullRefresh: true }), []);
  assert.throws(() => resolveRunDays("gold", { fullRefresh: true, date: "2024-03-05" }), /leave out --date/);
  assert.throws(() => resolveRunDays("all", { fullRefresh: true }), /rebuilds gold only/);
  assert.deepEqual(resolveRunDays("silver", { date: "2024-03-05" }), ["2024-03-05"]);
  assert.throws(() => resolveRunDays("gold", {}), /which days\?/);
});
