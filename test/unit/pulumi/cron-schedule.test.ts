/**
 * The schedules' check (validCron, readConfig's *Schedule keys) accepts what a Kubernetes CronJob
 * accepts: five cron fields, names such as MON and JAN, or one of its macros; no seconds field.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { readConfig, validCron } from "../../../components/config";

test("five standard fields, with steps, ranges, lists and names", () => {
  for (const expr of ["0 2 * * MON", "*/15 * * * *", "15 1 * * *", "0 4 * * 0", "30 6 1 JAN,JUL *", "0 0-6/2 * * MON-FRI"]) assert.ok(validCron(expr), expr);
});

test("Kubernetes' macros", () => {
  for (const expr of ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]) assert.ok(validCron(expr), expr);
});

test("out-of-range values are refused", () => {
  for (const expr of ["99 99 99 99 99", "60 * * * *", "0 24 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * 8"]) assert.equal(validCron(expr), false, expr);
});

test("a seconds field (6 fields) is refused: Kubernetes schedules have 5", () => {
  assert.equal(validCron("0 0 2 * * *"), false);
  assert.equal(validCron("*/30 * * * * *"), false);
});

test("empty, too few fields, words and macros Kubernetes does not know are refused", () => {
  for (const expr of ["", "   ", "15 1 * *", "a b c d e", "every day", "@weekdays", "@minutely", "@every 1h"]) assert.equal(validCron(expr), false, JSON.stringify(expr));
});

test("readConfig names the bad schedule key and says what it expects", () => {
  const bad: Record<string, string> = { silverSchedule: "99 99 99 99 99", goldSchedule: "0 0 3 * * *" };
  assert.throws(() => readConfig((k) => bad[k]), (e: Error) => {
    assert.match(e.message, /silverSchedule must be a Kubernetes CronJob schedule: 5 cron fields \(minute hour day-of-month month day-of-week\) or one of @yearly, .*@hourly \(got "99 99 99 99 99"\)/);
    assert.match(e.message, /goldSchedule must be a Kubernetes CronJob schedule.*\(got "0 0 3 \* \* \*"\)/);
    assert.doesNotMatch(e.message, /ingestSchedule|maintenanceSchedule/);
    return true;
  });
  assert.equal(readConfig((k) => ({ goldSchedule: "0 3 * * MON" } as Record<string, string>)[k]).schedules.gold, "0 3 * * MON");
});
