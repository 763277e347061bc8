/**
 * A day in the real Chicago feed's shape through ingest → silver → gold, checked against what the
 * source sent, not against silver: the generator's default shape (both stamps rounded to 15
 * minutes, absent fields, trips over midnight, meters started and stopped at once) on the
 * fall-back day of daylight saving time (2024-11-03 in America/Chicago), whose repeated hour gives
 * valid trips an end stamp before their start stamp. Then a day a quarter of which is rejected:
 * gold must refuse it, naming the reasons.
 *
 * Expected values: the raw lines as sent (equal to bronze), each labelled by the generator with
 * the mess that made it; gold per driver is summed here from the valid lines' own strings.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { connectorsFor, ingestDay, type Connector } from "../../../src/ingest";
import { SyntheticTripsConnector } from "../../../src/ingest/connectors/synthetic";
import { labelledTripLines } from "../../../src/ingest/synthetic/generator";
import { REJECTED_MESS_KINDS, type LabelledLine } from "../../../src/ingest/synthetic/mess";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { registerBronzePartitions } from "../../../src/local/jobs/ingest";
import { rejectionsOverLimit, runGold, runSilver } from "../../../src/local/jobs/pipeline";
import { repoRoot } from "../../../src/local/paths";
import { useStack, type TestStack } from "../harness";

const DAY = "2024-11-03";
const BAD_DAY = "2024-11-05";
const ROWS = 5000;
let stack: TestStack;
const q = async (sql: string) => (await query(stack.trino(), sql)).rows;

async function ingest(connector: Connector, day: string) {
  await ingestDay({ s3: stack.s3("ingest"), connector, date: day });
}

function tripsConnector(opts: ConstructorParameters<typeof SyntheticTripsConnector>[0]): SyntheticTripsConnector {
  const [base] = connectorsFor({ dataset: "trips", ...opts });
  assert.ok(base instanceof SyntheticTripsConnector);
  return base;
}

const cents = (v: unknown) => Math.round(Number(v) * 100);
const tenths = (v: unknown) => Math.round(Number(v) * 10);

describe(`a day in the real feed's shape (${DAY}, the fall-back day)`, () => {
  const trips = tripsConnector({ rowsPerDay: ROWS });
  let sent: LabelledLine[];

  before(async () => {
    stack = await useStack();
    sent = [...labelledTripLines(trips.settings, DAY)];
    await ingest(trips, DAY);
    const [weather] = connectorsFor({ dataset: "weather" });
    await ingest(weather, DAY);
    await registerBronzePartitions(stack.ctx);
  });

  test("bronze holds exactly the lines the source sent, and they have the real feed's shape", async () => {
    const [y, m, d] = DAY.split("-");
    const bronze = (await q(`select line from hive.bronze.trips where year = '${y}' and month = '${m}' and day = '${d}'`)).map((r) => String(r[0]));
    assert.deepEqual(bronze.sort(), sent.map((l) => l.line).sort());
    const valid = sent.filter((l) => !l.kind || !REJECTED_MESS_KINDS.includes(l.kind)).map((l) => JSON.parse(l.line) as Record<string, string>);
    const count = (f: (t: Record<string, string>) => boolean) => valid.filter(f).length;
    assert.ok(valid.length > 4000, `several thousand valid trips: ${valid.length}`);
    assert.ok(count((t) => t.trip_start_timestamp === t.trip_end_timestamp) > valid.length / 5, "many valid trips have equal stamps");
    assert.ok(count((t) => t.trip_end_timestamp < t.trip_start_timestamp) > 0, "valid trips into the repeated hour end at a stamp before their start");
    assert.ok(count((t) => !t.trip_end_timestamp.startsWith(DAY)) > 0, "trips over midnight");
    assert.ok(count((t) => t.dropoff_community_area === undefined) > 0, "absent drop-off areas (outside the city)");
    assert.ok(sent.some((l) => l.kind === "zero_duration"), "meters started and stopped at once");
  });

  test("silver keeps every valid trip and rejects exactly the mess", { timeout: 600_000 }, async () => {
    const results = await runSilver(stack.ctx, [DAY], { dataset: "all", force: true, log: silentLogger });
    const result = results.find((r) => r.dataset === "trips")!;
    const valid = new Set(sent.filter((l) => !l.kind || !REJECTED_MESS_KINDS.includes(l.kind)).map((l) => JSON.parse(l.line).trip_id));
    assert.equal(result.bronze_records, sent.length);
    assert.equal(result.silver_rows, valid.size, "no valid trip lost");
    assert.equal(result.rejected, sent.filter((l) => l.kind && REJECTED_MESS_KINDS.includes(l.kind)).length);
    const reasons = Object.fromEntries((await q(`select reason, count(*) from iceberg.silver.trips_rejected where source_date = date '${DAY}' group by 1`)).map((r) => [r[0], Number(r[1])]));
    assert.equal(reasons.zero_duration, sent.filter((l) => l.kind === "zero_duration").length, JSON.stringify(reasons));
  });

  test("gold's trips and revenue per driver equal the sum of the valid raw lines, computed here", { timeout: 600_000 }, async () => {
    await runGold(stack.ctx, [DAY], { log: silentLogger });
    // The later line of a trip id wins (a resend corrects the first); rejected lines count for nothing.
    const latest = new Map<string, Record<string, unknown>>();
    for (const l of sent) if (!l.kind || !REJECTED_MESS_KINDS.includes(l.kind)) latest.set(JSON.parse(l.line).trip_id, JSON.parse(l.line));
    const expected = new Map<string, number[]>();
    for (const t of latest.values()) {
      const e = expected.get(String(t.taxi_id)) ?? [0, 0, 0, 0, 0, 0, 0];
      [1, cents(t.fare), cents(t.tips ?? 0), cents(t.tolls ?? 0), cents(t.extras ?? 0), cents(t.trip_total), tenths(t.trip_miles ?? 0)].forEach((v, i) => (e[i] += v));
      expected.set(String(t.taxi_id), e);
    }
    const gold = await q(`select driver_id, trips, fare, tips, tolls, surcharges, total_revenue, distance_miles from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${DAY}' order by driver_id`);
    const actual = new Map(gold.map((r) => [String(r[0]), [Number(r[1]), cents(r[2]), cents(r[3]), cents(r[4]), cents(r[5]), cents(r[6]), tenths(r[7])]]));
    assert.equal(actual.size, expected.size, "every driver of the day");
    assert.deepEqual([...actual.entries()].sort(), [...expected.entries()].sort());
  });
});

describe(`a day a quarter of which silver rejects (${BAD_DAY})`, () => {
  const trips = tripsConnector({ rowsPerDay: 2000, mess: { dropoff_before_pickup: 0.25 } });
  let restored = false;
  /** The day as the source sends it when whole, through silver: the recovery the error message names. */
  async function resendWhole() {
    await ingest(tripsConnector({ rowsPerDay: 2000 }), BAD_DAY);
    await registerBronzePartitions(stack.ctx);
    await runSilver(stack.ctx, [BAD_DAY], { dataset: "trips", force: true, log: silentLogger });
    restored = true;
  }

  // A day left rejected in silver would fail every later gold build whose window holds it (a
  // full refresh, a range): whatever happens here, the day ends whole.
  after(async () => {
    if (!restored) await resendWhole();
  });

  before(async () => {
    stack = await useStack();
    await ingest(trips, BAD_DAY);
    await ingest(connectorsFor({ dataset: "weather" })[0], BAD_DAY);
    await registerBronzePartitions(stack.ctx);
    await runSilver(stack.ctx, [BAD_DAY], { dataset: "all", force: true, log: silentLogger });
    // A rerun of this file starts from a day gold has never taken.
    for (const [table, column] of [["daily_revenue_by_driver", "revenue_date"], ["fct_trips", "trip_date"]]) await q(`delete from iceberg.gold.${table} where ${column} = date '${BAD_DAY}'`);
  });

  test("gold's build fails loudly, names the share and the reasons, and builds nothing for the day", { timeout: 600_000 }, async () => {
    await assert.rejects(runGold(stack.ctx, [BAD_DAY], { log: silentLogger }), (e: Error) => {
      assert.match(e.message, /assert_rejected_share_within_limit/);
      assert.match(e.message, new RegExp(`trips ${BAD_DAY}: 2\\d\\.\\d\\d% of \\d+ records rejected \\(limit 8\\.00%\\): dropoff_before_pickup 2\\d\\.\\d\\d%`));
      return true;
    });
    assert.deepEqual(await q(`select count(*) from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${BAD_DAY}'`), [[0]]);
    assert.deepEqual(await q(`select count(*) from iceberg.gold.fct_trips where trip_date = date '${BAD_DAY}'`), [[0]]);
    assert.equal((await rejectionsOverLimit(stack.ctx, [BAD_DAY])).length, 1);
  });

  test("lakehouse validate gold --date reports each dataset's rejected share per reason and fails", { timeout: 600_000 }, () => {
    const out = spawnSync(process.execPath, [path.join(repoRoot, "bin", "lakehouse.mjs"), "validate", "gold", "--date", BAD_DAY], { cwd: repoRoot, encoding: "utf8", env: process.env });
    assert.notEqual(out.status, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /dropoff_before_pickup 2\d\.\d\d%/);
    assert.match(out.stdout, /> 8%/);
    assert.match(out.stderr, /silver rejected too much of what the source sent/);
  });

  test("re-sent whole, the same day goes through to gold", { timeout: 600_000 }, async () => {
    await resendWhole();
    await runGold(stack.ctx, [BAD_DAY], { log: silentLogger });
    const [[rows]] = await q(`select count(*) from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${BAD_DAY}'`);
    assert.ok(Number(rows) > 100, `gold took the day: ${rows} drivers`);
  });
});
