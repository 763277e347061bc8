/**
 * The partition manifest: ingestion's commit marker. Downstream (the silver job) reads a
 * partition only when its manifest exists, and trusts the per-object counts in it.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { jsonPointer, schemaChecker } from "../lib/jsonSchema";
import type { Dataset, LogicalDate } from "./types";

export const MANIFEST_VERSION = 1;

export interface ManifestObject {
  /** Object name relative to the partition, e.g. part-00000.json.gz. */
  name: string;
  /** Full key in the bucket. */
  key: string;
  /** Lines in the object (malformed lines included: bronze keeps them). */
  records: number;
  /** Bytes as stored (compressed when gzip). */
  bytes: number;
  /** sha256 of the stored bytes, hex. */
  sha256: string;
}

export type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

export interface SchemaProfile {
  /** sha256 over the sorted `field:dominantType` pairs; equal when the raw shape is equal. */
  fingerprint: string;
  /** Per raw field, how many records carried it with each JSON type. */
  fields: Record<string, Partial<Record<JsonType, number>>>;
  /** Lines that are not a JSON object (kept in bronze, counted here). */
  unparseable_lines: number;
}

export interface Manifest {
  manifest_version: number;
  dataset: Dataset;
  source: string;
  /** What exactly was asked of the source (URL, generator settings). */
  source_detail: Record<string, unknown>;
  logical_date: LogicalDate;
  fetched_at: string;
  format: "ndjson";
  compression: "gzip" | "none";
  records: number;
  bytes: number;
  objects: ManifestObject[];
  schema: SchemaProfile;
}

export function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/**
 * Accumulates the raw shape of a partition line by line. A field's type in the fingerprint
 * is its dominant non-null type, so a few mistyped values (record-level mess) don't change
 * the fingerprint while a source that changed a field's type does (the same rule the silver
 * contract check applies).
 */
export class SchemaProfiler {
  private readonly counts = new Map<string, Partial<Record<JsonType, number>>>();
  private unparseable = 0;

  addLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.unparseable++;
      return;
    }
    if (jsonType(value) !== "object") {
      this.unparseable++;
      return;
    }
    this.addRecord(value as Record<string, unknown>);
  }

  addRecord(record: Record<string, unknown>): void {
    for (const [field, v] of Object.entries(record)) {
      let byType = this.counts.get(field);
      if (!byType) this.counts.set(field, (byType = {}));
      const t = jsonType(v);
      byType[t] = (byType[t] ?? 0) + 1;
    }
  }

  profile(): SchemaProfile {
    const fields: SchemaProfile["fields"] = {};
    for (const field of [...this.counts.keys()].sort()) fields[field] = this.counts.get(field)!;
    return { fingerprint: schemaFingerprint(fields), fields, unparseable_lines: this.unparseable };
  }
}

export function dominantType(byType: Partial<Record<JsonType, number>>): JsonType {
  const nonNull = Object.entries(byType).filter(([t]) => t !== "null") as [JsonType, number][];
  if (nonNull.length === 0) return "null";
  // Ties break by name so the fingerprint never depends on insertion order.
  nonNull.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return nonNull[0][0];
}

export function schemaFingerprint(fields: SchemaProfile["fields"]): string {
  const pairs = Object.keys(fields)
    .sort()
    .map((f) => `${f}:${dominantType(fields[f])}`);
  return "sha256:" + createHash("sha256").update(pairs.join("\n")).digest("hex");
}

/** The manifest's JSON Schema, shared with the silver job (which reads it from spark/contracts too). */
export const MANIFEST_SCHEMA_PATH = path.join(__dirname, "..", "..", "spark", "contracts", "bronze-manifest.schema.json");
const schemaProblems = schemaChecker(MANIFEST_SCHEMA_PATH);

/** A parsed manifest's structure against the schema: every problem, named by its JSON path (empty when it conforms). */
export function manifestStructureProblems(value: unknown): string[] {
  return schemaProblems(value).map((p) => `manifest${p.path.length ? ` ${jsonPointer(p.path)}` : ""}: ${p.message}`);
}

/**
 * Checks a parsed manifest: its structure (manifestStructureProblems), then, once that holds,
 * what a schema cannot say: the dataset and date are the ones expected, and the totals are the
 * sums of the objects. Returns the problems (empty when well-formed).
 */
export function manifestProblems(value: unknown, dataset: string, date: LogicalDate): string[] {
  const structure = manifestStructureProblems(value);
  return structure.length ? structure : manifestDisagreements(value as Manifest, dataset, date);
}

/** What a schema cannot say of a manifest with the schema's structure: its dataset, its date, and totals equal to the sums of its objects. */
export function manifestDisagreements(m: Manifest, dataset: string, date: LogicalDate): string[] {
  const problems: string[] = [];
  if (m.dataset !== dataset) problems.push(`manifest /dataset: '${m.dataset}', expected '${dataset}' (the partition's)`);
  if (m.logical_date !== date) problems.push(`manifest /logical_date: ${m.logical_date}, expected ${date} (the partition's)`);
  const records = m.objects.reduce((s, o) => s + o.records, 0);
  const bytes = m.objects.reduce((s, o) => s + o.bytes, 0);
  if (m.records !== records) problems.push(`manifest /records: total ${m.records} differs from the sum of its objects (${records})`);
  if (m.bytes !== bytes) problems.push(`manifest /bytes: total ${m.bytes} differs from the sum of its objects (${bytes})`);
  return problems;
}
