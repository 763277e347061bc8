/** Pure parts of the bronze layout: paths, date ranges, the schema fingerprint, manifest checks, part encoding. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { addDays, dateRange, manifestKey, partName, partitionPrefix } from "../../../src/ingest/layout";
import { manifestProblems, SchemaProfiler, schemaFingerprint, MANIFEST_VERSION } from "../../../src/ingest/manifest";
import { datasetsFor } from "../../../src/ingest/index";
import { connectorsFor } from "../../../src/ingest/sources";
import { encodePart } from "../../../src/ingest/writer";

describe("layout", () => {
  test("objects live under year=/month=/day= with numbered parts and the manifest beside them", () => {
    assert.equal(partitionPrefix("trips", "2024-03-05"), "trips/year=2024/month=03/day=05/");
    assert.equal(partName(0, true), "part-00000.json.gz");
    assert.equal(partName(12, false), "part-00012.json");
    assert.equal(manifestKey("weather", "2024-12-31"), "weather/year=2024/month=12/day=31/_manifest.json");
  });

  test("dates are calendar days; ranges include both ends and cross months and leap days", () => {
    assert.throws(() => partitionPrefix("trips", "2024-02-30"), /invalid date '2024-02-30'/);
    assert.throws(() => partitionPrefix("trips", "2024-3-5"), /YYYY-MM-DD/);
    assert.deepEqual(dateRange("2024-02-28", "2024-03-01"), ["2024-02-28", "2024-02-29", "2024-03-01"]);
    assert.throws(() => dateRange("2024-03-02", "2024-03-01"), /before/);
    assert.equal(addDays("2024-12-31", 1), "2025-01-01");
  });

  test("CLI words map to connectors and datasets (weather first: trips depend on it)", () => {
    assert.deepEqual(connectorsFor({ source: "synthetic" }).map((c) => c.dataset), ["weather", "trips"]);
    assert.deepEqual(connectorsFor({ source: "nyc", dataset: "trips" }).map((c) => [c.source, c.dataset]), [["nyc-tlc", "nyc_yellow_trips"]]);
    assert.deepEqual(connectorsFor({ source: "chicago" }).map((c) => c.source), ["open-meteo-archive", "chicago-socrata"]);
    assert.throws(() => connectorsFor({ source: "chicago", rowsPerDay: 10 }), /synthetic source only/);
    assert.throws(() => connectorsFor({ source: "bogus" as never }), /unknown source 'bogus'/);
    assert.deepEqual(datasetsFor("all", "nyc"), ["nyc_weather", "nyc_yellow_trips"]);
  });
});

describe("schema fingerprint", () => {
  const profile = (lines: string[]) => {
    const p = new SchemaProfiler();
    lines.forEach((l) => p.addLine(l));
    return p.profile();
  };
  const rec = (fare: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ trip_id: "a", fare, ...extra });

  test("counts raw fields by JSON type and counts unparseable lines", () => {
    const p = profile([rec("1.5"), rec(2), rec(null), '{"trip_id": "x', "[1,2]"]);
    assert.deepEqual(p.fields.fare, { string: 1, number: 1, null: 1 });
    assert.equal(p.unparseable_lines, 2);
  });

  test("a few mistyped values or broken lines do not change it; an added or retyped field does", () => {
    const base = profile([rec("1"), rec("2"), rec("3")]).fingerprint;
    assert.equal(profile([rec("1"), rec("2"), rec(3), "garbage"]).fingerprint, base);
    assert.notEqual(profile([rec(1), rec(2), rec("3")]).fingerprint, base, "retyped");
    assert.notEqual(profile([rec("1", { surge: "1" }), rec("2"), rec("3")]).fingerprint, base, "added");
    assert.equal(schemaFingerprint({ b: { string: 1 }, a: { number: 2 } }), schemaFingerprint({ a: { number: 2 }, b: { string: 1 } }));
  });
});

describe("manifest checks", () => {
  const good = {
    manifest_version: MANIFEST_VERSION, dataset: "trips", logical_date: "2024-03-05", records: 3, bytes: 30,
    objects: [{ name: "part-00000.json.gz", key: "k", records: 1, bytes: 10, sha256: "x" }, { name: "part-00001.json.gz", key: "k2", records: 2, bytes: 20, sha256: "y" }],
  };
  test("a consistent manifest has no problems", () => assert.deepEqual(manifestProblems(good, "trips", "2024-03-05"), []));
  test("totals, dataset and date must agree", () => {
    const problems = manifestProblems({ ...good, records: 4, logical_date: "2024-03-06" }, "weather", "2024-03-05");
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /dataset 'trips', expected 'weather'/);
    assert.match(problems.join("\n"), /total records 4 differ/);
  });
});

describe("part encoding", () => {
  test("newline-terminated lines, gzipped, with the sha256 of the stored bytes", async () => {
    const { body, sha256 } = await encodePart(['{"a":1}', "not json"], true);
    assert.equal(gunzipSync(body).toString(), '{"a":1}\nnot json\n');
    assert.equal(sha256, createHash("sha256").update(body).digest("hex"));
    assert.equal((await encodePart(['{"a":1}'], false)).body.toString(), '{"a":1}\n');
  });
});
