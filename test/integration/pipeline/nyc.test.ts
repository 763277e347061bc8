/**
 * NYC TLC yellow trips through every layer on the local stack: a month file in TLC's Parquet
 * columns, served over HTTP as TLC serves it, and New York's weather in Open-Meteo's answer,
 * ingested into bronze (`nyc_yellow_trips`, `nyc_weather`), cleaned into silver (refunds,
 * unknown zones and a resent row handled), built into gold's NYC marts (by pickup zone, with
 * TLC's zone names, by vendor, and the daily trends, each with the day's New York weather), and
 * shown on the NYC Revenue Trends dashboard in a real browser.
 *
 * Expected values: the rows this test writes, each one's fate decided here from TLC's data
 * dictionary; zone names as TLC's lookup table gives them; the weather condition from the
 * day's values by the rule docs/architecture.md states (any snow: snow; 1 mm or more: rain).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ingestDay } from "../../../src/ingest";
import { cityById } from "../../../src/ingest/cities";
import { NycYellowConnector } from "../../../src/ingest/connectors/nyc";
import { OpenMeteoConnector } from "../../../src/ingest/connectors/openMeteo";
import { openMeteoResponse } from "../../../src/ingest/connectors/openMeteoShape";
import { DATASETS_OF_SOURCE } from "../../../src/ingest/endpoints";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { runGold, runSilver } from "../../../src/local/jobs/pipeline";
import { runSteps } from "../../../src/local/jobs/steps";
import { repoRoot } from "../../../src/local/paths";
import { supersetUrl } from "../../../src/local/services/superset";
import { importAssets, supersetApi } from "../../../src/serving/superset-assets";
import { assertDbtUnitTestsPass } from "../../support/dbt-unit-tests";
import { assertChartsMatchTrino, findRevenueTrends, launchChromium, NYC_REVENUE_TRENDS, renderRevenueTrends } from "../../support/revenue-trends";
import { useStack, type TestStack } from "../harness";

const DAY = "2024-02-14";
const DATASETS = DATASETS_OF_SOURCE.nyc;
// New York's weather that day: 3.1 mm of rain, no snow (a rain day), in Open-Meteo's answer.
const WEATHER = { date: DAY, weatherCode: 61, tempMaxC: 6.4, tempMinC: 0.2, precipitationMm: 3.1, rainMm: 3.1, snowfallCm: 0, windMaxKmh: 24.5 };
let stack: TestStack;
let server: http.Server;
/** The local server's base URL: /trip-data/ for TLC's files, /v1/archive for Open-Meteo. */
let base: string;
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "tlc-it-"));
const q = async (sql: string) => (await query(stack.trino(), sql)).rows;

/** One TLC row; `fate` is what silver must do with it. */
interface Row { vendor: number; pickup: string; minutes: number; zone: number; miles: number; fare: number; tip: number; total: number; airportFee: number | null; flag: string | null; fate: "kept" | "rejected" | "duplicate" }

// Wall-clock New York times (TLC's are local, no offset); February: EST, UTC-5.
const ZONES = [132, 161, 236, 264];
const rows: Row[] = [];
for (let i = 0; i < 60; i++) {
  const zone = ZONES[i % ZONES.length];
  const fare = 5 + ((i * 7) % 40) + 0.5;
  const tip = i % 3 === 0 ? 0 : Math.round(fare * 0.2 * 100) / 100;
  const airportFee = zone === 132 ? 1.75 : i % 5 === 0 ? null : 0;
  const total = Math.round((fare + tip + 1 + 0.5 + (airportFee ?? 0)) * 100) / 100;
  const hh = String(6 + (i % 16)).padStart(2, "0");
  const mm = String((i * 13) % 60).padStart(2, "0");
  rows.push({ vendor: i % 2 === 0 ? 1 : 2, pickup: `${DAY}T${hh}:${mm}:00`, minutes: 5 + (i % 30), zone, miles: i % 10 === 0 ? 0 : 0.5 + (i % 12), fare, tip, total, airportFee, flag: i % 17 === 0 ? "Y" : "N", fate: "kept" });
}
// A refund: TLC's negative amounts reverse a trip; not a trip of its own.
rows.push({ ...rows[3], pickup: `${DAY}T09:41:00`, fare: -rows[3].fare, tip: 0, total: -rows[3].total, fate: "rejected" });
// A pickup zone outside TLC's 1-265.
rows.push({ ...rows[5], pickup: `${DAY}T10:02:00`, zone: 300, fate: "rejected" });
// The same row sent twice.
rows.push({ ...rows[8], fate: "duplicate" });

async function parquetOf(rs: Row[]): Promise<Buffer> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  // hyparquet-writer writes a Date as its UTC instant; TLC's files hold local wall clock as if UTC.
  const wall = (s: string, plusMinutes = 0) => new Date(Date.parse(`${s}Z`) + plusMinutes * 60_000);
  return Buffer.from(parquetWriteBuffer({
    columnData: [
      { name: "VendorID", data: rs.map((r) => r.vendor), type: "INT32" },
      { name: "tpep_pickup_datetime", data: rs.map((r) => wall(r.pickup)), type: "TIMESTAMP" },
      { name: "tpep_dropoff_datetime", data: rs.map((r) => wall(r.pickup, r.minutes)), type: "TIMESTAMP" },
      { name: "passenger_count", data: rs.map(() => 1n), type: "INT64" },
      { name: "trip_distance", data: rs.map((r) => r.miles), type: "DOUBLE" },
      { name: "RatecodeID", data: rs.map((r) => (r.zone === 132 ? 2n : 1n)), type: "INT64" },
      { name: "store_and_fwd_flag", data: rs.map((r) => r.flag), type: "STRING" },
      { name: "PULocationID", data: rs.map((r) => r.zone), type: "INT32" },
      { name: "DOLocationID", data: rs.map(() => 161), type: "INT32" },
      { name: "payment_type", data: rs.map(() => 1n), type: "INT64" },
      { name: "fare_amount", data: rs.map((r) => r.fare), type: "DOUBLE" },
      { name: "extra", data: rs.map((r) => (r.fare < 0 ? -1 : 1)), type: "DOUBLE" },
      { name: "mta_tax", data: rs.map((r) => (r.fare < 0 ? -0.5 : 0.5)), type: "DOUBLE" },
      { name: "tip_amount", data: rs.map((r) => r.tip), type: "DOUBLE" },
      { name: "tolls_amount", data: rs.map(() => 0), type: "DOUBLE" },
      { name: "improvement_surcharge", data: rs.map(() => 0), type: "DOUBLE" },
      { name: "total_amount", data: rs.map((r) => r.total), type: "DOUBLE" },
      { name: "congestion_surcharge", data: rs.map(() => 0), type: "DOUBLE" },
      { name: "Airport_fee", data: rs.map((r) => r.airportFee), type: "DOUBLE" },
    ],
  }));
}

const cents = (v: unknown) => Math.round(Number(v) * 100);

describe(`NYC TLC yellow trips (${DAY}) through bronze, silver and gold`, () => {
  before(async () => {
    stack = await useStack();
    const file = await parquetOf(rows);
    const weather = JSON.stringify(openMeteoResponse(cityById("new_york"), WEATHER));
    server = http.createServer((req, res) => {
      if (req.url?.startsWith("/v1/archive?") && new URL(req.url, "http://x").searchParams.get("timezone") === "America/New_York") {
        return void res.writeHead(200, { "content-type": "application/json" }).end(weather);
      }
      if (!req.url?.endsWith(`yellow_tripdata_${DAY.slice(0, 7)}.parquet`)) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "binary/octet-stream", "content-length": String(file.length) });
      res.end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await ingestDay({ s3: stack.s3("ingest"), connector: new OpenMeteoConnector({ city: cityById("new_york"), url: `${base}/v1/archive` }), date: DAY });
    await ingestDay({ s3: stack.s3("ingest"), connector: new NycYellowConnector({ url: `${base}/trip-data`, cacheDir }), date: DAY });
  });

  after(() => {
    server?.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test("silver keeps the trips, rejects the refund and the unknown zone, drops the resent row: it reconciles", { timeout: 600_000 }, async () => {
    const results = await runSilver(stack.ctx, [DAY], { dataset: DATASETS, force: true, log: silentLogger });
    assert.deepEqual(
      results.map((r) => [r.dataset, r.bronze_records, r.silver_rows, r.rejected, r.duplicates_removed]),
      [
        ["nyc_weather", 1, 1, 0, 0],
        ["nyc_yellow_trips", rows.length, rows.filter((r) => r.fate === "kept").length, rows.filter((r) => r.fate === "rejected").length, 1],
      ],
    );
    // New York's day in its own table: Chicago's weather of the same day (if any) is untouched.
    const [[tmax, rain]] = await q(`select temperature_max_c, precipitation_mm from iceberg.silver.nyc_weather where weather_date = date '${DAY}'`);
    assert.deepEqual([Number(tmax), Number(rain)], [WEATHER.tempMaxC, WEATHER.precipitationMm]);
    const reasons = (await q(`select reason from iceberg.silver.nyc_yellow_trips_rejected where source_date = date '${DAY}' order by 1`)).map((r) => String(r[0]));
    assert.equal(reasons.length, 2);
    assert.ok(reasons.some((r) => /refund|negative/.test(r)) && reasons.some((r) => /zone/.test(r)), reasons.join(", "));
    const [[flagged]] = await q(`select count_if(is_store_and_forward) from iceberg.silver.nyc_yellow_trips where pickup_date = date '${DAY}'`);
    assert.equal(Number(flagged), rows.filter((r) => r.fate === "kept" && r.flag === "Y").length);
  });

  test("gold's revenue by pickup zone and by vendor equal the sums of the kept rows, with TLC's zone names", { timeout: 600_000 }, async () => {
    await runGold(stack.ctx, [DAY], { datasets: DATASETS, log: silentLogger });
    const kept = rows.filter((r) => r.fate === "kept");
    const names: Record<number, [string, string]> = { 132: ["Queens", "JFK Airport"], 161: ["Manhattan", "Midtown Center"], 236: ["Manhattan", "Upper East Side North"], 264: ["Unknown", "N/A"] };
    const byZone = ZONES.map((z) => {
      const rs = kept.filter((r) => r.zone === z);
      return [z, ...names[z], rs.length, rs.reduce((s, r) => s + cents(r.fare), 0), rs.reduce((s, r) => s + cents(r.tip), 0), rs.reduce((s, r) => s + cents(r.airportFee ?? 0), 0), rs.reduce((s, r) => s + cents(r.total), 0)];
    });
    const zoneRows = await q(`select pickup_location_id, pickup_borough, pickup_zone, trips, fare, tips, airport_fee, total_revenue from iceberg.gold.nyc_daily_revenue_by_zone where revenue_date = date '${DAY}' order by 1`);
    assert.deepEqual(zoneRows.map((r) => [Number(r[0]), r[1], r[2], Number(r[3]), cents(r[4]), cents(r[5]), cents(r[6]), cents(r[7])]), byZone);
    const byVendor = [1, 2].map((v) => {
      const rs = kept.filter((r) => r.vendor === v);
      return [v, rs.length, rs.reduce((s, r) => s + cents(r.total), 0)];
    });
    const vendorRows = await q(`select vendor_id, trips, total_revenue from iceberg.gold.nyc_daily_revenue_by_vendor where revenue_date = date '${DAY}' order by 1`);
    assert.deepEqual(vendorRows.map((r) => [Number(r[0]), Number(r[1]), cents(r[2])]), byVendor);
    // The day's New York weather on every row of both marts: 3.1 mm of rain, no snow.
    for (const mart of ["nyc_daily_revenue_by_zone", "nyc_daily_revenue_by_vendor"]) {
      const weather = await q(`select distinct weather_condition, temperature_max_c from iceberg.gold.${mart} where revenue_date = date '${DAY}'`);
      assert.deepEqual(weather.map((r) => [r[0], Number(r[1])]), [["rain", WEATHER.tempMaxC]], mart);
    }
    // The daily trend: the day's totals over all the kept rows (the first day: its averages are itself).
    const [trend] = await q(`select trips, total_revenue, distance_miles, revenue_7d_avg, revenue_wow_change_pct, weather_condition from iceberg.gold.nyc_revenue_trends where revenue_date = date '${DAY}'`);
    const total = kept.reduce((s, r) => s + cents(r.total), 0);
    assert.deepEqual(
      [Number(trend[0]), cents(trend[1]), cents(trend[2]), cents(trend[3]), trend[4], trend[5]],
      [kept.length, total, kept.reduce((s, r) => s + cents(r.miles), 0), total, null, "rain"],
    );
  });

  test("dbt's unit tests of the NYC marts, which scheduled builds leave out, each pass on Trino", { timeout: 300_000 }, async () => {
    await assertDbtUnitTestsPass(stack.ctx, "nyc_tlc");
  });

  test("lakehouse run all --source nyc --source-url --weather-url redoes the day through every layer, to the same gold", { timeout: 900_000 }, async () => {
    // The CLI's own steps, with the endpoints as a user sets them; TLC's month file goes to the
    // connector's default cache, so a file already there is set aside and put back after.
    const cached = path.join(os.homedir(), ".cache", "lakehouse", "tlc", `yellow_tripdata_${DAY.slice(0, 7)}.parquet`);
    const aside = `${cached}.before-nyc-test`;
    if (fs.existsSync(cached)) fs.renameSync(cached, aside);
    try {
      await runSteps(stack.ctx, "all", [DAY], { source: "nyc", sourceUrl: `${base}/trip-data`, weatherUrl: `${base}/v1/archive`, force: true, log: silentLogger });
    } finally {
      fs.rmSync(cached, { force: true });
      if (fs.existsSync(aside)) fs.renameSync(aside, cached);
    }
    const kept = rows.filter((r) => r.fate === "kept");
    const runs = await q(`select dataset, bronze_records, silver_rows, rejected, duplicates_removed from iceberg.silver.silver_runs
      where source_date = date '${DAY}' and dataset in ('nyc_weather', 'nyc_yellow_trips') order by finished_at desc, dataset limit 2`);
    assert.deepEqual(runs.map((r) => r.map((v, i) => (i === 0 ? v : Number(v)))).sort(), [
      ["nyc_weather", 1, 1, 0, 0],
      ["nyc_yellow_trips", rows.length, kept.length, rows.filter((r) => r.fate === "rejected").length, 1],
    ]);
    const [trend] = await q(`select trips, total_revenue, weather_condition from iceberg.gold.nyc_revenue_trends where revenue_date = date '${DAY}'`);
    assert.deepEqual([Number(trend[0]), cents(trend[1]), trend[2]], [kept.length, kept.reduce((s, r) => s + cents(r.total), 0), "rain"]);
  });

  test("the NYC Revenue Trends dashboard draws every chart in a real browser, each equal to Trino's answer", { timeout: 600_000 }, async () => {
    await importAssets(stack.ctx);
    const api = await supersetApi(stack.ctx);
    const dashboardId = await findRevenueTrends(api, NYC_REVENUE_TRENDS);
    const chromium = await launchChromium();
    try {
      const { adminUser, adminPassword } = stack.ctx.secrets.superset;
      const shot = path.join(repoRoot, "test-results", "nyc-revenue-trends.png");
      const captured = await renderRevenueTrends(chromium.browser, { baseUrl: supersetUrl(stack.ctx), adminUser, adminPassword }, api, dashboardId, shot, new Map(), NYC_REVENUE_TRENDS);
      await assertChartsMatchTrino(api, captured, stack.trino({ as: "dashboard" }), dashboardId, NYC_REVENUE_TRENDS);
    } finally {
      await chromium.close();
    }
  });
});
