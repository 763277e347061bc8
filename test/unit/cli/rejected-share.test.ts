/** The rejected share per day and reason: judged against the limit of dbt_project.yml's vars. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { describeRejections, rejectedShareLimits, rejectionsSql, summarizeRejections } from "../../../src/lib/rejected-share";
import { DBT_PROJECT_DIR } from "../../../src/local/jobs/dbt";

const limits = { maxShare: 0.08, minRecords: 1000 };

test("a day is over the limit when its share of bronze rejected is, and it has enough records to judge", () => {
  const rows = [
    ["trips", "2024-03-05", 5000, 1250, "dropoff_before_pickup", 1200],
    ["trips", "2024-03-05", 5000, 1250, "zero_duration", 50],
    ["trips", "2024-03-06", 5000, 200, "zero_duration", 200],
    ["trips", "2024-03-07", 400, 100, "negative_amount:fare", 100],
    ["weather", "2024-03-05", 1, 0, null, 0],
  ];
  const days = summarizeRejections(rows, limits);
  assert.deepEqual(days.map((d) => [d.dataset, d.day, d.share, d.overLimit]), [
    ["trips", "2024-03-05", 0.25, true],
    ["weather", "2024-03-05", 0, false],
    ["trips", "2024-03-06", 0.04, false],
    ["trips", "2024-03-07", 0.25, false], // 400 records: reported, not judged
  ]);
  assert.deepEqual(days[0].reasons.map((r) => [r.reason, r.share]), [["dropoff_before_pickup", 0.24], ["zero_duration", 0.01]]);
  assert.deepEqual(days[1].reasons, []);
  assert.equal(describeRejections(days[0], limits), "trips 2024-03-05: 25.00% of 5000 records rejected (limit 8.00%): dropoff_before_pickup 24.00%, zero_duration 1.00%");
});

test("the limits come from the dbt project's vars, and bad ones are refused", () => {
  const real = rejectedShareLimits(DBT_PROJECT_DIR);
  assert.ok(real.maxShare > 0 && real.maxShare < 0.5 && real.minRecords > 0, JSON.stringify(real));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-vars-"));
  fs.writeFileSync(path.join(dir, "dbt_project.yml"), "vars:\n  max_rejected_share: 2\n  min_records_for_rejected_share: 10\n");
  assert.throws(() => rejectedShareLimits(dir), /max_rejected_share \(0-1\)/);
});

test("the query takes the listed days, or every day when none is listed", () => {
  assert.match(rejectionsSql(["2024-03-05", "2024-03-06"]), /source_date in \(date '2024-03-05', date '2024-03-06'\)/);
  assert.doesNotMatch(rejectionsSql([]), /source_date in/);
});
