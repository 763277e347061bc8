/**
 * The real connectors against responses in the real formats, served by a local HTTP server:
 * Socrata JSON pages (with real Chicago values), Open-Meteo answers (with real NOAA values),
 * a TLC-shaped Parquet month; and every bad answer: an error page, HTML, an empty body, an
 * empty day, a truncated body.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { cityById } from "../../../src/ingest/cities";
import { ChicagoTripsConnector } from "../../../src/ingest/connectors/chicago";
import { NycYellowConnector } from "../../../src/ingest/connectors/nyc";
import { OpenMeteoConnector } from "../../../src/ingest/connectors/openMeteo";
import { openMeteoResponse } from "../../../src/ingest/connectors/openMeteoShape";
import { SourceError, type Connector } from "../../../src/ingest/types";
import { chicagoTaxiSample, vegaWeather } from "./realSamples";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
const requests: URL[] = [];
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    requests.push(new URL(req.url!, base));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fast = { attempts: 2, backoffMs: 5 };
const serve = (h: Handler) => {
  handler = h;
  requests.length = 0;
};
const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
async function collect(c: Connector, date: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of c.fetchDay(date)) out.push(line);
  return out;
}
/** Asserts a clear failure: a SourceError naming the source, the date and the URL. */
async function failsClearly(c: Connector, date: string, message: RegExp): Promise<SourceError> {
  const err = await collect(c, date).then(
    () => assert.fail("expected the source to fail"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SourceError, `not a SourceError: ${String(err)}`);
  assert.match(err.message, message);
  assert.match(err.message, new RegExp(`source ${c.source}, date ${date}`));
  assert.ok(err.url.startsWith(base), err.url);
  return err;
}

// Real Chicago trips (tfx sample) rendered as Socrata renders them: every value a string, nulls left out.
const realTrips = chicagoTaxiSample().slice(0, 5).map((r, i) => {
  const trip: Record<string, string> = { trip_id: `real${i}`, taxi_id: `taxi${i % 2}`, trip_start_timestamp: new Date(Number(r.trip_start_timestamp) * 1000).toISOString().slice(0, 23) };
  for (const k of ["trip_seconds", "trip_miles", "pickup_community_area", "dropoff_community_area", "fare", "tips", "payment_type", "company"]) {
    if (r[k] !== "") trip[k] = k.endsWith("area") || k === "trip_seconds" ? String(Number(r[k])) : r[k];
  }
  return trip;
});

describe("Chicago Taxi Trips (Socrata)", () => {
  const chicago = () => new ChicagoTripsConnector({ url: `${base}/resource/ajtu-isnz.json`, pageSize: 2, http: fast });

  test("pages through the day's query and yields every record untouched", async () => {
    serve((req, res) => {
      const u = new URL(req.url!, base);
      const offset = Number(u.searchParams.get("$offset"));
      json(200, realTrips.slice(offset, offset + Number(u.searchParams.get("$limit"))))(req, res);
    });
    const lines = await collect(chicago(), "2024-03-05");
    assert.deepEqual(lines.map((l) => JSON.parse(l)), realTrips);
    assert.equal(requests.length, 3, "pages of 2, 2 and 1");
    const q = requests[0].searchParams;
    assert.equal(q.get("$where"), "trip_start_timestamp >= '2024-03-05T00:00:00' AND trip_start_timestamp < '2024-03-06T00:00:00'");
    assert.equal(q.get("$order"), "trip_id");
    assert.match(q.get("$select")!, /^trip_id,taxi_id,trip_start_timestamp,.*,company$/);
  });

  test("an error page (HTTP 503, HTML) is retried, then fails clearly", async () => {
    serve((_req, res) => {
      res.writeHead(503, { "content-type": "text/html" });
      res.end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
    });
    await failsClearly(chicago(), "2024-03-05", /HTTP 503.*Service Temporarily Unavailable.*after 2 attempts/);
    assert.equal(requests.length, 2);
  });

  test("a query error (HTTP 400, Socrata's JSON error) fails at once", async () => {
    serve(json(400, { code: "query.compiler.malformed", error: true, message: "Could not parse SoQL query" }));
    await failsClearly(chicago(), "2024-03-05", /HTTP 400.*Could not parse SoQL query/);
    assert.equal(requests.length, 1);
  });

  test("HTML with status 200 (a maintenance page) is not data", async () => {
    serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html><html><title>Scheduled maintenance</title></html>");
    });
    await failsClearly(chicago(), "2024-03-05", /HTML instead of JSON.*Scheduled maintenance/);
  });

  test("an empty body fails", async () => {
    serve(json(200, ""));
    await failsClearly(chicago(), "2024-03-05", /empty body where JSON data was expected/);
  });

  test("an empty day (no trips at all) fails: data was expected", async () => {
    serve(json(200, []));
    await failsClearly(chicago(), "2024-03-05", /no trips for the day/);
  });

  test("a body cut short of its Content-Length fails as truncated", async () => {
    serve((_req, res) => {
      const body = JSON.stringify(realTrips);
      res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
      res.write(body.slice(0, 200));
      setTimeout(() => res.destroy(), 10);
    });
    await failsClearly(chicago(), "2024-03-05", /truncated body/);
  });

  test("a chunked body that ends mid-JSON fails as truncated", async () => {
    serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(realTrips).slice(0, 300));
    });
    await failsClearly(chicago(), "2024-03-05", /truncated or invalid JSON body/);
  });
});

describe("Open-Meteo archive", () => {
  const ny = cityById("new_york");
  const real = vegaWeather().find((w) => w.location === "New York" && w.date === "2015-01-26")!;
  const meteo = () => new OpenMeteoConnector({ city: ny, url: `${base}/v1/archive`, http: fast });

  test("one record a day: the answer, untouched (real NOAA values in Open-Meteo's envelope)", async () => {
    const answer = openMeteoResponse(ny, {
      date: real.date, weatherCode: 73, tempMaxC: real.temp_max, tempMinC: real.temp_min, precipitationMm: real.precipitation,
      rainMm: 0, snowfallCm: real.precipitation * 0.7, windMaxKmh: real.wind * 3.6,
    });
    serve(json(200, answer));
    const lines = await collect(meteo(), real.date);
    assert.deepEqual(lines, [JSON.stringify(answer)]);
    const q = requests[0].searchParams;
    assert.equal(q.get("start_date"), real.date);
    assert.equal(q.get("end_date"), real.date);
    assert.equal(q.get("timezone"), "America/New_York");
    assert.match(q.get("daily")!, /temperature_2m_max/);
  });

  test("a day the archive has no data for yet (all nulls) fails: data was expected", async () => {
    const answer = openMeteoResponse(ny, { date: "2030-01-01", weatherCode: 0, tempMaxC: 0, tempMinC: 0, precipitationMm: 0, rainMm: 0, snowfallCm: 0, windMaxKmh: 0 }) as { daily: Record<string, unknown[]> };
    for (const k of Object.keys(answer.daily)) if (k !== "time") answer.daily[k] = [null];
    serve(json(200, answer));
    await failsClearly(meteo(), "2030-01-01", /New York: every daily value is null/);
  });

  test("the API's own error answer is reported with its reason", async () => {
    serve(json(400, { error: true, reason: "Parameter 'start_date' is out of allowed range" }));
    await failsClearly(meteo(), "1900-01-01", /HTTP 400.*out of allowed range/);
  });
});

describe("NYC TLC yellow trips (monthly Parquet)", () => {
  let parquet: Buffer;
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "tlc-test-"));
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  before(async () => {
    // TLC's column names and types (hyparquet-writer writes millisecond timestamps; TLC's are micro).
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const pickups = ["2024-01-31T23:59:00Z", "2024-02-01T00:00:00Z", "2024-02-01T13:05:10Z", "2024-02-01T23:59:59Z", "2024-02-02T00:00:00Z"].map((t) => new Date(t));
    parquet = Buffer.from(parquetWriteBuffer({
      columnData: [
        { name: "VendorID", data: [2, 2, 1, 2, 1], type: "INT32" },
        { name: "tpep_pickup_datetime", data: pickups, type: "TIMESTAMP" },
        { name: "tpep_dropoff_datetime", data: pickups.map((d) => new Date(d.getTime() + 600_000)), type: "TIMESTAMP" },
        { name: "passenger_count", data: [1n, 2n, null, 1n, 1n], type: "INT64" },
        { name: "trip_distance", data: [1.2, 3.4, 0.5, 9.9, 2.0], type: "DOUBLE" },
        { name: "PULocationID", data: [161, 237, 132, 48, 90], type: "INT32" },
        { name: "store_and_fwd_flag", data: ["N", "N", null, "Y", "N"], type: "STRING" },
        { name: "fare_amount", data: [8.6, 17.7, 5.1, 42.2, 11.4], type: "DOUBLE" },
        { name: "total_amount", data: [13.1, 24.5, 8.6, 61.0, 16.8], type: "DOUBLE" },
      ],
    }));
  });

  const nyc = () => new NycYellowConnector({ url: `${base}/trip-data`, cacheDir, http: fast });

  test("a day is the month file's rows picked up on it; values as JSON; the month is downloaded once", async () => {
    serve((req, res) => {
      assert.equal(new URL(req.url!, base).pathname, "/trip-data/yellow_tripdata_2024-02.parquet");
      res.writeHead(200, { "content-type": "binary/octet-stream", "content-length": String(parquet.length) });
      res.end(parquet);
    });
    const day = (await collect(nyc(), "2024-02-01")).map((l) => JSON.parse(l));
    assert.deepEqual(day.map((r) => r.tpep_pickup_datetime), ["2024-02-01T00:00:00", "2024-02-01T13:05:10", "2024-02-01T23:59:59"]);
    assert.deepEqual(day[1], {
      VendorID: 1, tpep_pickup_datetime: "2024-02-01T13:05:10", tpep_dropoff_datetime: "2024-02-01T13:15:10", passenger_count: null,
      trip_distance: 0.5, PULocationID: 132, store_and_fwd_flag: null, fare_amount: 5.1, total_amount: 8.6,
    });
    assert.equal((await collect(nyc(), "2024-02-02")).length, 1);
    assert.equal(requests.length, 1, "the second day reads the cached month");
  });

  test("an unpublished month (CloudFront's 403 XML) fails clearly", async () => {
    serve((_req, res) => {
      res.writeHead(403, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
    await failsClearly(nyc(), "2031-05-01", /HTTP 403.*AccessDenied/);
  });

  test("a truncated Parquet file fails and is not cached", async () => {
    serve((_req, res) => {
      res.writeHead(200, { "content-type": "binary/octet-stream" });
      res.end(parquet.subarray(0, parquet.length - 20));
    });
    await failsClearly(nyc(), "2031-06-01", /truncated Parquet file/);
    assert.ok(!fs.existsSync(path.join(cacheDir, "yellow_tripdata_2031-06.parquet")));
  });

  test("a month with no trips on the day fails: data was expected", async () => {
    serve((_req, res) => res.end(parquet));
    await failsClearly(nyc(), "2031-07-15", /no trips with tpep_pickup_datetime on 2031-07-15/);
  });
});
