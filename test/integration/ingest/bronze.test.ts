/**
 * Bronze ingestion against the local stack's real object store (MinIO), as the ingest job's
 * own S3 identity (policies/ingest.json): commit, replace, fail midway, bad sources, resume,
 * and the validator catching what it should. Days in 2019 are this file's own.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { S3Connection } from "../../../src/lib/connection";
import { cityById } from "../../../src/ingest/cities";
import { ChicagoTripsConnector } from "../../../src/ingest/connectors/chicago";
import { SyntheticTripsConnector } from "../../../src/ingest/connectors/synthetic";
import { bronzeS3Client, connectorsFor, ingestDay, ingestRange, partitionPrefix, SourceError, validateBronze, type Connector } from "../../../src/ingest/index";
import { manifestKey } from "../../../src/ingest/layout";
import { deleteObjects, getObjectBytes, listObjects, putObject } from "../../../src/ingest/s3";
import { resolveSyntheticSettings, syntheticTripLines } from "../../../src/ingest/synthetic/generator";
import { gunzipSync } from "node:zlib";
import { useStack } from "../harness";

let s3: S3Connection;
const bucket = "bronze";
const client = () => bronzeS3Client(s3);
const synthetic = (rowsPerDay: number) => new SyntheticTripsConnector({ seed: "it", rowsPerDay }, cityById("chicago"));
const keys = async (dataset: string, date: string) => (await listObjects(client(), bucket, partitionPrefix(dataset, date))).map((o) => o.key.slice(partitionPrefix(dataset, date).length)).sort();

before(async () => {
  s3 = (await useStack()).s3("ingest");
});

describe("a day in bronze", () => {
  const date = "2019-06-03";

  test("is ingested and validates: parts + manifest, the generator's exact lines", async () => {
    const result = await ingestDay({ s3, connector: synthetic(3000), date, recordsPerPart: 1000 });
    assert.ok(result.records > 2000, `${result.records} records`);
    assert.deepEqual(await keys("trips", date), ["_manifest.json", ...Array.from({ length: result.objects }, (_, i) => `part-${String(i).padStart(5, "0")}.json.gz`)]);
    const validation = await validateBronze({ s3, datasets: ["trips"], dates: [date] });
    assert.ok(validation.ok, JSON.stringify(validation.partitions));
    const stored: string[] = [];
    for (const o of result.manifest.objects) stored.push(...gunzipSync((await getObjectBytes(client(), bucket, o.key))!).toString().trimEnd().split("\n"));
    const expected = [...syntheticTripLines(resolveSyntheticSettings({ seed: "it", rowsPerDay: 3000 }, cityById("chicago")), date)];
    assert.deepEqual(stored, expected, "bronze keeps the raw lines exactly, broken ones included");
    const manifest = JSON.parse((await getObjectBytes(client(), bucket, manifestKey("trips", date)))!.toString());
    assert.equal(manifest.source, "synthetic");
    assert.equal(manifest.logical_date, date);
    assert.match(manifest.schema.fingerprint, /^sha256:[0-9a-f]{64}$/);
    assert.ok(manifest.source_detail.injected_mess.malformed_json >= 0);
  });

  test("re-ingested with fewer records, it holds exactly the new set", async () => {
    const result = await ingestDay({ s3, connector: synthetic(400), date, recordsPerPart: 1000 });
    assert.equal(result.objects, 1);
    assert.deepEqual(await keys("trips", date), ["_manifest.json", "part-00000.json.gz"].sort());
    const validation = await validateBronze({ s3, datasets: ["trips"], dates: [date] });
    assert.ok(validation.ok, JSON.stringify(validation.partitions));
    assert.equal(validation.partitions[0].records, result.records);
  });
});

describe("a failure midway", () => {
  const date = "2019-06-04";

  /** Synthetic trips that break after `after` lines, as a source dropping mid-day would. */
  const breaking = (after: number): Connector => {
    const inner = synthetic(3000);
    return {
      source: inner.source, dataset: inner.dataset, describe: (d) => inner.describe(d),
      async *fetchDay(d) {
        let n = 0;
        for await (const line of inner.fetchDay(d)) {
          if (n++ === after) throw new Error("injected failure: connection reset by the source");
          yield line;
        }
      },
    };
  };

  test("leaves no manifest (even over an earlier commit), and a rerun succeeds", async () => {
    await ingestDay({ s3, connector: synthetic(3000), date, recordsPerPart: 500 });
    await assert.rejects(ingestDay({ s3, connector: breaking(1700), date, recordsPerPart: 500 }), /injected failure/);
    assert.ok(!(await keys("trips", date)).includes("_manifest.json"), "no manifest after the failure");
    const broken = await validateBronze({ s3, datasets: ["trips"], dates: [date] });
    assert.equal(broken.ok, false);
    assert.match(broken.partitions[0].problems.join("\n"), /no _manifest.json but \d+ object\(s\): an uncommitted or failed run/);

    const rerun = await ingestDay({ s3, connector: synthetic(1200), date, recordsPerPart: 500 });
    assert.deepEqual(await keys("trips", date), [...rerun.manifest.objects.map((o) => o.name), "_manifest.json"].sort());
    assert.ok((await validateBronze({ s3, datasets: ["trips"], dates: [date] })).ok);
  });
});

describe("a bad source", () => {
  let server: http.Server;
  let url: string;
  let answer: (res: http.ServerResponse) => void = (res) => res.end();
  before(async () => {
    server = http.createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/resource/ajtu-isnz.json`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: [string, (res: http.ServerResponse) => void, RegExp][] = [
    ["an error page", (res) => res.writeHead(502, { "content-type": "text/html" }).end("<html><h1>502 Bad Gateway</h1></html>"), /HTTP 502/],
    ["HTML instead of JSON", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><p>Down for maintenance</p>"), /HTML instead of JSON/],
    ["an empty body", (res) => res.writeHead(200, { "content-type": "application/json" }).end(""), /empty body/],
    ["an empty day", (res) => res.writeHead(200, { "content-type": "application/json" }).end("[]"), /no trips for the day/],
    ["a truncated body", (res) => res.writeHead(200, { "content-type": "application/json" }).end('[{"trip_id":"a","taxi_id":"b"},{"trip_id":"c","ta'), /truncated or invalid JSON/],
  ];

  cases.forEach(([name, respond, message], i) => {
    test(`${name}: fails naming source, date and URL; nothing committed, an earlier commit untouched`, async () => {
      const date = `2019-06-1${i}`;
      const fresh = `2019-06-2${i}`;
      await ingestDay({ s3, connector: synthetic(200), date });
      const before = (await getObjectBytes(client(), bucket, manifestKey("trips", date)))!.toString();
      answer = respond;
      const chicago = new ChicagoTripsConnector({ url, http: { attempts: 2, backoffMs: 5 } });
      for (const d of [date, fresh]) {
        const err = await ingestDay({ s3, connector: chicago, date: d }).then(() => assert.fail("expected a failure"), (e: unknown) => e);
        assert.ok(err instanceof SourceError);
        assert.match(err.message, message);
        assert.match(err.message, new RegExp(`source chicago-socrata, date ${d}: .*\\(${url.replace(/[.?]/g, "\\$&")}\\?`));
      }
      assert.deepEqual(await keys("trips", fresh), [], "nothing written for a fresh day");
      assert.equal((await getObjectBytes(client(), bucket, manifestKey("trips", date)))!.toString(), before, "the earlier commit is as it was");
      assert.ok((await validateBronze({ s3, datasets: ["trips"], dates: [date] })).ok);
    });
  });
});

describe("a range", () => {
  test("shows progress, resumes past committed days, and --force redoes them", async () => {
    const connectors = connectorsFor({ source: "synthetic", rowsPerDay: 300, seed: "it-range" });
    // The store outlives test runs: make sure the last day starts uncommitted.
    for (const dataset of ["weather", "trips"]) await deleteObjects(client(), bucket, (await listObjects(client(), bucket, partitionPrefix(dataset, "2019-07-04"))).map((o) => o.key));
    const events: string[] = [];
    const first = await ingestRange({ s3, connectors, from: "2019-07-01", to: "2019-07-03", force: true, onProgress: (e) => events.push(`${e.kind}:${e.dataset}`) });
    assert.equal(first.ingested.length, 6);
    assert.ok(events.includes("day-committed:weather") && events.includes("day-committed:trips"));
    const resumed = await ingestRange({ s3, connectors, from: "2019-07-01", to: "2019-07-04" });
    assert.deepEqual(resumed.ingested.map((r) => `${r.dataset} ${r.date}`), ["weather 2019-07-04", "trips 2019-07-04"]);
    assert.equal(resumed.skipped.length, 6);
    const forced = await ingestRange({ s3, connectors, from: "2019-07-01", to: "2019-07-01", force: true });
    assert.equal(forced.ingested.length, 2);
    const all = await validateBronze({ s3, datasets: ["weather", "trips"], from: "2019-07-01", to: "2019-07-04" });
    assert.ok(all.ok, JSON.stringify(all.partitions.filter((p) => !p.ok)));
  });
});

describe("the validator", () => {
  test("reports a missing day, a stray object and a changed object", async () => {
    const date = "2019-08-01";
    const result = await ingestDay({ s3, connector: synthetic(300), date });
    await putObject(client(), bucket, `${partitionPrefix("trips", date)}part-00099.json.gz`, Buffer.from("{}\n"), "application/x-ndjson");
    await putObject(client(), bucket, result.manifest.objects[0].key, Buffer.from('{"tampered":true}\n'), "application/x-ndjson");
    const v = await validateBronze({ s3, datasets: ["trips"], dates: [date, "2019-08-02"] });
    assert.equal(v.ok, false);
    const [day, missing] = v.partitions;
    assert.match(day.problems.join("\n"), /stray object part-00099.json.gz/);
    assert.match(day.problems.join("\n"), /part-00000.json.gz: \d+ bytes stored, manifest says \d+/);
    assert.match(missing.problems.join("\n"), /partition missing: s3:\/\/bronze\/trips\/year=2019\/month=08\/day=02\/ has no _manifest.json/);
  });
});
