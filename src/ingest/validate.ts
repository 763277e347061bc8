/**
 * The bronze validator: for every dataset and day, the partition exists, its manifest is
 * well-formed and matches the objects (names, sizes, sha256, line counts, schema
 * fingerprint), and nothing else lies in the partition.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { S3Client } from "@aws-sdk/client-s3";
import { MANIFEST_NAME, manifestKey, partitionPrefix } from "./layout";
import { manifestDisagreements, manifestStructureProblems, SchemaProfiler, type Manifest } from "./manifest";
import { getObjectBytes, listObjects } from "./s3";
import type { LogicalDate } from "./types";

export interface PartitionReport {
  dataset: string;
  date: LogicalDate;
  ok: boolean;
  /** Records the manifest declares (when there is one). */
  records?: number;
  objects?: number;
  problems: string[];
}

export interface CheckOptions {
  /** Download every object to check sha256, lines and schema (default true); false checks names and sizes only. */
  content?: boolean;
}

function countLines(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) n++;
  return n;
}

/** Checks one partition; never throws for a bad partition, only for an unreachable store. */
export async function checkPartition(client: S3Client, bucket: string, dataset: string, date: LogicalDate, opts: CheckOptions = {}): Promise<PartitionReport> {
  const prefix = partitionPrefix(dataset, date);
  const listed = await listObjects(client, bucket, prefix);
  const report = (problems: string[], m?: Manifest): PartitionReport => ({ dataset, date, ok: problems.length === 0, records: m?.records, objects: m?.objects.length, problems });
  const raw = await getObjectBytes(client, bucket, manifestKey(dataset, date));
  if (raw === undefined) {
    const data = listed.filter((o) => !o.key.endsWith(MANIFEST_NAME));
    return report([data.length ? `no ${MANIFEST_NAME} but ${data.length} object(s): an uncommitted or failed run (re-run the ingestion for this day)` : `partition missing: s3://${bucket}/${prefix} has no ${MANIFEST_NAME}`]);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(raw.toString("utf8")) as Manifest;
  } catch (e) {
    return report([`${MANIFEST_NAME} is not valid JSON: ${(e as Error).message}`]);
  }
  // Objects are compared with the store only when the manifest has the schema's structure.
  const structure = manifestStructureProblems(manifest);
  if (structure.length) return report(structure);
  const problems = manifestDisagreements(manifest, dataset, date);

  const sizes = new Map(listed.map((o) => [o.key, o.size]));
  const declared = new Set<string>();
  const profiler = new SchemaProfiler();
  for (const o of manifest.objects) {
    const key = prefix + o.name;
    declared.add(key);
    const size = sizes.get(key);
    if (size === undefined) {
      problems.push(`${o.name}: in the manifest but not in the store`);
      continue;
    }
    if (size !== o.bytes) problems.push(`${o.name}: ${size} bytes stored, manifest says ${o.bytes}`);
    if (opts.content === false) continue;
    const body = await getObjectBytes(client, bucket, key);
    if (!body) {
      problems.push(`${o.name}: disappeared while validating`);
      continue;
    }
    const sha = createHash("sha256").update(body).digest("hex");
    if (sha !== o.sha256) {
      problems.push(`${o.name}: sha256 ${sha} differs from the manifest's ${o.sha256}`);
      continue;
    }
    const text = manifest.compression === "gzip" ? gunzipSync(body) : body;
    const lines = countLines(text);
    if (lines !== o.records) problems.push(`${o.name}: ${lines} lines, manifest says ${o.records}`);
    for (const line of text.toString("utf8").split("\n")) if (line !== "") profiler.addLine(line);
  }
  for (const o of listed) {
    if (!declared.has(o.key) && o.key !== prefix + MANIFEST_NAME) problems.push(`stray object ${o.key.slice(prefix.length)}: not in the manifest`);
  }
  if (opts.content !== false && problems.length === 0 && manifest.schema?.fingerprint !== profiler.profile().fingerprint) {
    problems.push(`schema fingerprint of the objects (${profiler.profile().fingerprint}) differs from the manifest's (${manifest.schema?.fingerprint})`);
  }
  return report(problems, manifest);
}
