/**
 * The bad-bronze corpus (test/fixtures/bad-bronze) through the real silver job on the local
 * stack (issue 9). Each corpus file becomes one object of a trips bronze partition, committed
 * with a manifest in the ingestion writer's format; then `lakehouse run silver` runs on it.
 * Every line must enter silver or the rejected table with its reason (expected.json), and the
 * run must reconcile; a file that cannot be read as records must fail the run before it
 * writes anything. A case the job mishandles can be marked in expected.json ("todo": what is
 * wrong); its tests are then reported as TODO instead of failing.
 *
 * Days 2021-01-04 to 2021-01-07 are this file's own; at the end they are made empty days
 * again, so gold's reconciliation with silver is not disturbed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import { partitionPrefix, partName } from "../../../src/ingest/layout";
import { manifestProblems, type Manifest } from "../../../src/ingest/manifest";
import { deleteObjects } from "../../../src/ingest/s3";
import { runSilver, type SilverDayResult } from "../../../src/local/jobs/pipeline";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { repoRoot } from "../../../src/local/paths";
import { useStack, type TestStack } from "../harness";
import { currentSnapshot, emptyTripsDays, ingestS3, silverMarker, silverRuns, writeBronzePartition, type BronzePart } from "./support";

const CORPUS = path.join(repoRoot, "test", "fixtures", "bad-bronze");

interface RecordCase {
  silver: string[];
  rejected: string[];
  todo?: string;
}
interface RunCase {
  day: string;
  /** The manifest entry of an object damaged after its commit. */
  declared?: { records: number; bytes: number; sha256: string };
  fails: string[];
  todo?: string;
}
const EXPECTED = JSON.parse(fs.readFileSync(path.join(CORPUS, "expected.json"), "utf8")) as { day: string; records: Record<string, RecordCase>; runs: Record<string, RunCase> };
const DAY = EXPECTED.day;
const RUN_DAYS = Object.values(EXPECTED.runs).map((r) => r.day);
const todo = (c: { todo?: string }) => (c.todo ? `TODO: ${c.todo}` : undefined);

/** Lines as Spark's text source splits them: on '\n'; a last line without one still counts. */
function splitLines(content: Buffer): string[] {
  const text = content.toString("utf8");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** A corpus file as the object it stands for: gzipped as the writer stores parts, unless it is a .gz already (kept byte for byte, broken or not). */
function corpusPart(file: string, index: number, declared?: RunCase["declared"]): BronzePart {
  const raw = fs.readFileSync(path.join(CORPUS, "trips", file));
  const gz = file.endsWith(".gz");
  // A broken gzip stream yields what precedes the break (for the manifest's schema profile).
  const content = !gz ? raw : raw.length === 0 ? raw : gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
  const lines = splitLines(content);
  return { name: partName(index, true), body: gz ? raw : gzipSync(raw), records: declared?.records ?? lines.length, lines, declared };
}

let stack: TestStack;

before(async () => {
  stack = await useStack();
});

after(async () => {
  await emptyTripsDays(stack, [DAY, ...RUN_DAYS]);
});

describe(`a trips partition holding every record-level case (${DAY})`, () => {
  const files = Object.keys(EXPECTED.records);
  const partOf = new Map(files.map((f, i) => [partName(i, true), f]));
  let manifest: Manifest;
  let result: SilverDayResult;
  const silver = new Map<string, { id: string; taxi_id: string; company: string; payment_type: string }[]>();
  const rejected = new Map<string, string[]>();

  before(async () => {
    manifest = await writeBronzePartition(ingestS3(stack), "trips", DAY, files.map((f, i) => corpusPart(f, i)), "bad-bronze-corpus");
    [result] = await runSilver(stack.ctx, [DAY], { dataset: "trips", force: true, log: silentLogger });
    const part = (col: string) => `regexp_extract(${col}, 'part-\\d+\\.json\\.gz$')`;
    // The 1 MiB company comes back as its length only.
    const rows = await query(stack.trino(), `select ${part("source_file")}, trip_id, taxi_id,
        case when length(company) > 1000 then 'length ' || cast(length(company) as varchar) else company end, payment_type
      from iceberg.silver.trips where pickup_date = date '${DAY}'`);
    for (const [p, id, taxi_id, company, payment_type] of rows.rows as string[][]) {
      const file = partOf.get(p) ?? p;
      silver.set(file, [...(silver.get(file) ?? []), { id, taxi_id, company, payment_type }]);
    }
    const rej = await query(stack.trino(), `select ${part("source_file")}, reason from iceberg.silver.trips_rejected where source_date = date '${DAY}'`);
    for (const [p, reason] of rej.rows as string[][]) {
      const file = partOf.get(p) ?? p;
      rejected.set(file, [...(rejected.get(file) ?? []), reason]);
    }
  });

  test("the partition is committed in the ingestion writer's format", () => {
    assert.deepEqual(manifestProblems(manifest, "trips", DAY), []);
    assert.equal(manifest.objects.length, files.length);
  });

  test("the run reconciles: bronze records = silver rows + rejected + duplicates removed", async () => {
    assert.equal(result.bronze_records, manifest.records, "every line the manifest declares was read");
    assert.equal(result.bronze_records, result.silver_rows + result.rejected + result.duplicates_removed);
    const marker = await silverMarker(stack, "trips", DAY);
    const runs = (await silverRuns(stack, "trips", DAY)).filter((r) => r.run_id === marker?.run_id);
    assert.equal(runs.length, 1, "silver.silver_runs has the run the day's marker names");
    assert.deepEqual(
      [runs[0].bronze_records, runs[0].silver_rows, runs[0].rejected, runs[0].duplicates_removed],
      [result.bronze_records, result.silver_rows, result.rejected, result.duplicates_removed],
    );
    const inSilver = [...silver.values()].reduce((n, rows) => n + rows.length, 0);
    const inRejected = [...rejected.values()].reduce((n, rows) => n + rows.length, 0);
    assert.deepEqual([inSilver, inRejected], [result.silver_rows, result.rejected], "the tables hold what the run reported");
  });

  for (const [file, expected] of Object.entries(EXPECTED.records)) {
    test(`${file}: each line enters silver or is rejected with its reason`, { todo: todo(expected) }, () => {
      assert.deepEqual((silver.get(file) ?? []).map((r) => r.id).sort(), [...expected.silver].sort(), "trip ids in silver");
      assert.deepEqual([...(rejected.get(file) ?? [])].sort(), [...expected.rejected].sort(), "reasons in the rejected table");
    });
  }

  test("text reaches silver exactly as the source sent it (RTL marks, emoji, U+2028, NUL, a 1 MiB name)", () => {
    const sent = new Map<string, Record<string, unknown>>();
    for (const [file, expected] of Object.entries(EXPECTED.records)) {
      if (expected.todo || file.endsWith(".gz")) continue;
      for (const line of splitLines(fs.readFileSync(path.join(CORPUS, "trips", file)))) {
        try {
          const r = JSON.parse(line.replace(/^\uFEFF/, "")) as Record<string, unknown>;
          sent.set(String(r.trip_id), r);
        } catch {
          // not a record: rejected, checked above
        }
      }
      for (const row of silver.get(file) ?? []) {
        const r = sent.get(row.id)!;
        assert.deepEqual([row.taxi_id, row.company, row.payment_type], [r.taxi_id, r.company, r.payment_type], `${file} ${row.id}`);
      }
    }
    assert.deepEqual(silver.get("long-lines.jsonl.gz")?.map((r) => r.company), [`length ${1 << 20}`]);
    assert.ok((silver.get("odd-unicode.jsonl") ?? []).length >= 7, "the Unicode cases were compared");
  });
});

describe("a partition that cannot be read as records fails the run before it writes", () => {
  for (const [file, run] of Object.entries(EXPECTED.runs)) {
    let error: Error | undefined;

    test(`${file} (${run.day}): the run fails, no new snapshot, the marker unchanged`, { timeout: 600_000 }, async () => {
      const valid = corpusPart("valid.jsonl", 0);
      const bad = file === "missing-object" ? corpusPart("valid.jsonl", 1) : corpusPart(file, 1, run.declared);
      const client = ingestS3(stack);
      await writeBronzePartition(client, "trips", run.day, [valid, bad], "bad-bronze-corpus");
      // The manifest lists part-00001, which then goes missing from the store.
      if (file === "missing-object") await deleteObjects(client, "bronze", [partitionPrefix("trips", run.day) + bad.name]);
      const was = await state(run.day);
      await assert.rejects(runSilver(stack.ctx, [run.day], { dataset: "trips", force: true, log: silentLogger }), (e: Error) => {
        error = e;
        return true;
      });
      assert.deepEqual(await state(run.day), was, "silver.trips, trips_rejected, silver_runs and the day's marker are as they were");
    });

    test(`${file} (${run.day}): the error names the problem and the object, without a stack trace`, { todo: todo(run) }, () => {
      assert.ok(error, "the run failed");
      for (const pattern of run.fails) assert.match(error.message, new RegExp(pattern, "i"));
      assert.doesNotMatch(error.message, /Traceback|\tat org\.apache|Py4JJavaError/, "no stack trace");
    });
  }
});

async function state(day: string): Promise<{ trips: string | null; rejected: string | null; marker: unknown; runs: number }> {
  return {
    trips: await currentSnapshot(stack, "trips"),
    rejected: await currentSnapshot(stack, "trips_rejected"),
    marker: await silverMarker(stack, "trips", day),
    runs: (await silverRuns(stack, "trips", day)).length,
  };
}
