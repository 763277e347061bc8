/** Pure parts of the bronze layout: paths, date ranges, the schema fingerprint, manifest checks (the shared fixtures of test/fixtures/bronze-manifest), part encoding. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { addDays, dateRange, manifestKey, partName, partitionPrefix } from "../../../src/ingest/layout";
import { MANIFEST_SCHEMA_PATH, manifestProblems, SchemaProfiler, schemaFingerprint } from "../../../src/ingest/manifest";
import { datasetsFor } from "../../../src/ingest/index";
import { connectorsFor } from "../../../src/ingest/sources";
import { encodePart, writePartition } from "../../../src/ingest/writer";

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

/** An S3 client that keeps objects in memory: enough for the bronze writer (put, list, delete). */
function memoryS3(): { client: S3Client; store: Map<string, Buffer> } {
  const store = new Map<string, Buffer>();
  const send = async (c: unknown) => {
    if (c instanceof PutObjectCommand) return void store.set(c.input.Key!, c.input.Body as Buffer);
    if (c instanceof DeleteObjectCommand) return void store.delete(c.input.Key!);
    if (c instanceof DeleteObjectsCommand) return void c.input.Delete!.Objects!.forEach((o) => store.delete(o.Key!));
    if (c instanceof ListObjectsV2Command) {
      return { Contents: [...store].filter(([k]) => k.startsWith(c.input.Prefix!)).map(([Key, body]) => ({ Key, Size: body.length })) };
    }
    throw new Error(`the writer sent an unexpected command: ${(c as object).constructor.name}`);
  };
  return { client: { send } as unknown as S3Client, store };
}

interface PatchOp { op: "add" | "remove" | "replace"; path: string; value?: unknown }
interface ManifestCase { name: string; patch: PatchOp[]; problem: string | null; names?: string }
const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "bronze-manifest", "cases.json");
const CASES = JSON.parse(fs.readFileSync(FIXTURES, "utf8")) as { dataset: string; date: string; valid: unknown; cases: ManifestCase[] };

/** RFC 6902's add, remove and replace on a copy (what the fixtures' cases use). */
function patched(doc: unknown, ops: PatchOp[]): unknown {
  let root = structuredClone(doc);
  for (const { op, path: pointer, value } of ops) {
    if (pointer === "") {
      root = value;
      continue;
    }
    const keys = pointer.slice(1).split("/").map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop()!;
    const parent = keys.reduce((o: unknown, k) => (o as Record<string, unknown>)[k], root) as Record<string, unknown>;
    if (op === "remove") delete parent[last];
    else parent[last] = value;
  }
  return root;
}

/** The keys of an object and of every object inside it, as paths: a manifest's shape without its values (free-form parts left out). */
function shape(value: unknown, at = ""): string[] {
  if (value === null || typeof value !== "object" || at === "/source_detail" || at === "/schema/fields") return [];
  if (Array.isArray(value)) return value.length ? shape(value[0], `${at}/0`) : [];
  return Object.entries(value).flatMap(([k, v]) => [`${at}/${k}`, ...shape(v, `${at}/${k}`)]);
}

describe("manifest checks", () => {
  test("a manifest as the writer writes it (two gzip parts, a broken line) conforms, and is the fixtures' shape", async () => {
    const { client, store } = memoryS3();
    const lines = ['{"trip_id":"a1","fare":"12.50"}', '{"trip_id":"a2","fare":7.25}', '{"trip_id": "a3', '{"trip_id":"a4","fare":null}'];
    const written = await writePartition(lines, { client, bucket: "bronze", dataset: "trips", date: "2024-03-05", recordsPerPart: 2 }, { source: "synthetic", sourceDetail: () => ({ seed: 7 }) });
    const stored = JSON.parse(store.get(manifestKey("trips", "2024-03-05"))!.toString("utf8")) as unknown;
    assert.deepEqual(stored, written);
    assert.deepEqual(manifestProblems(stored, "trips", "2024-03-05"), []);
    assert.equal(written.objects.length, 2);
    // The fixture both sides check is the writer's format, key for key.
    assert.deepEqual(shape(CASES.valid), shape(stored));
  });

  test("the schema is spark/contracts/bronze-manifest.schema.json, the file the silver job reads", () => {
    assert.equal(path.relative(path.join(__dirname, "..", "..", ".."), MANIFEST_SCHEMA_PATH), path.join("spark", "contracts", "bronze-manifest.schema.json"));
  });

  // The same cases run in spark/tests/test_manifest.py against the silver job's check.
  for (const c of CASES.cases) {
    test(`fixture: ${c.name} ${c.problem === null ? "conforms" : "is refused"}`, () => {
      const problems = manifestProblems(patched(CASES.valid, c.patch), CASES.dataset, CASES.date);
      if (c.problem === null) return assert.deepEqual(problems, []);
      const named = problems.find((p) => p.startsWith(c.problem!));
      assert.ok(named, `a problem at '${c.problem}' among: ${problems.join(" | ") || "none"}`);
      if (c.names) assert.ok(named.includes(c.names), `'${named}' names ${c.names}`);
    });
  }

  test("messages name the JSON path and the field", () => {
    const valid = CASES.valid as Record<string, unknown>;
    assert.deepEqual(manifestProblems(patched(valid, [{ op: "remove", path: "/objects/0/sha256" }]), "trips", "2024-03-05"),
      ["manifest /objects/0: must have required property 'sha256'"]);
    assert.deepEqual(manifestProblems(patched(valid, [{ op: "add", path: "/garbage", value: 1 }]), "trips", "2024-03-05"),
      ["manifest: must NOT have additional property 'garbage'"]);
    assert.deepEqual(manifestProblems(patched(valid, [{ op: "replace", path: "/objects/0/sha256", value: "x" }]), "trips", "2024-03-05"),
      ['manifest /objects/0/sha256: must be a sha256 as 64 lowercase hex digits, not "x"']);
    assert.deepEqual(manifestProblems(patched(valid, [{ op: "replace", path: "/records", value: 5 }]), "weather", "2024-03-06"), [
      "manifest /dataset: 'trips', expected 'weather' (the partition's)",
      "manifest /logical_date: 2024-03-05, expected 2024-03-06 (the partition's)",
      "manifest /records: total 5 differs from the sum of its objects (4)",
    ]);
  });

  test("every structural problem is reported, and the sums only once the structure holds", () => {
    const problems = manifestProblems(patched(CASES.valid, [{ op: "remove", path: "/objects/0/bytes" }, { op: "replace", path: "/records", value: "4" }]), "trips", "2024-03-05");
    assert.deepEqual(problems, ["manifest /records: must be integer", "manifest /objects/0: must have required property 'bytes'"]);
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
