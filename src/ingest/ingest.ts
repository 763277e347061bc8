/** Ingestion runs: one day of one connector, or a range of days of several, with progress and resume. */
import type { S3Client } from "@aws-sdk/client-s3";
import type { S3Connection } from "../lib/connection";
import { silentLogger, type Logger } from "../lib/log";
import { BRONZE_BUCKET, dateRange, manifestKey, parseLogicalDate } from "./layout";
import type { Manifest, ManifestObject } from "./manifest";
import { bronzeS3Client } from "./s3";
import { SourceError, type Connector, type Dataset, type LogicalDate } from "./types";
import { checkPartition, type PartitionReport } from "./validate";
import { writePartition } from "./writer";

export type IngestEvent =
  | { kind: "day-started"; dataset: Dataset; date: LogicalDate; source: string; index: number; total: number }
  | { kind: "part-written"; dataset: Dataset; date: LogicalDate; part: ManifestObject }
  | { kind: "day-committed"; dataset: Dataset; date: LogicalDate; records: number; bytes: number; objects: number; seconds: number; index: number; total: number }
  | { kind: "day-skipped"; dataset: Dataset; date: LogicalDate; index: number; total: number };

export interface StoreOptions {
  s3: S3Connection;
  /** Default "bronze". */
  bucket?: string;
  /** Store parts gzipped (default true). */
  gzip?: boolean;
  /** Lines per part object (default 50,000). */
  recordsPerPart?: number;
  log?: Logger;
  onProgress?: (event: IngestEvent) => void;
  signal?: AbortSignal;
  /** A client to reuse (tests; ranges share one); made from `s3` when absent. */
  client?: S3Client;
}

export interface IngestDayResult {
  dataset: Dataset;
  date: LogicalDate;
  source: string;
  records: number;
  bytes: number;
  objects: number;
  seconds: number;
  manifestKey: string;
  manifest: Manifest;
}

/** A failure of the object store or of the way to it (the SDK's service errors carry $metadata), not of the source. */
function isStoreFailure(e: unknown): boolean {
  if (e instanceof SourceError || !(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return "$metadata" in e || /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(code);
}

/** Fetches one day from one connector and commits it to bronze, replacing what was there. */
export async function ingestDay(opts: StoreOptions & { connector: Connector; date: LogicalDate; position?: { index: number; total: number } }): Promise<IngestDayResult> {
  const { connector, date } = opts;
  parseLogicalDate(date);
  const client = opts.client ?? bronzeS3Client(opts.s3);
  const log = opts.log ?? silentLogger;
  const bucket = opts.bucket ?? BRONZE_BUCKET;
  const { index, total } = opts.position ?? { index: 1, total: 1 };
  const started = Date.now();
  opts.onProgress?.({ kind: "day-started", dataset: connector.dataset, date, source: connector.source, index, total });
  let manifest: Manifest;
  try {
    manifest = await writePartition(
      connector.fetchDay(date, opts.signal),
      {
        client, bucket, dataset: connector.dataset, date, gzip: opts.gzip, recordsPerPart: opts.recordsPerPart,
        onPart: (part) => opts.onProgress?.({ kind: "part-written", dataset: connector.dataset, date, part }),
      },
      { source: connector.source, sourceDetail: () => connector.describe(date) },
    );
  } catch (e) {
    if (!isStoreFailure(e)) throw e;
    // The SDK's message alone ("connect ECONNREFUSED …") says neither what was being written nor what to do.
    throw new Error(
      `${connector.dataset} ${date}: the object store at ${opts.s3.endpoint} failed while the day was being written (${(e as Error).message || (e as Error).name}), ` +
        `after the S3 client's retries. A day whose manifest is not written is never read; run the ingestion again once the store is up: it replaces the day whole`,
      { cause: e },
    );
  }
  const seconds = (Date.now() - started) / 1000;
  const result: IngestDayResult = {
    dataset: connector.dataset, date, source: connector.source, records: manifest.records, bytes: manifest.bytes,
    objects: manifest.objects.length, seconds, manifestKey: `s3://${bucket}/${manifestKey(connector.dataset, date)}`, manifest,
  };
  log.step(`[${index}/${total}] ${connector.dataset} ${date}: ${manifest.records} records in ${manifest.objects.length} object(s), ${(manifest.bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)}s (${connector.source})`);
  opts.onProgress?.({ kind: "day-committed", dataset: connector.dataset, date, records: manifest.records, bytes: manifest.bytes, objects: manifest.objects.length, seconds, index, total });
  return result;
}

export interface IngestRangeResult {
  ingested: IngestDayResult[];
  /** Days whose partition was already committed and whole (skipped without --force). */
  skipped: { dataset: Dataset; date: LogicalDate }[];
}

/**
 * Every day of a range, for every connector (in the order given), one after another.
 * Resumable: a day whose partition is already committed and whole is skipped unless `force`.
 * Stops at the first failure; what was committed before it stays, so a rerun picks up there.
 */
export async function ingestRange(opts: StoreOptions & { connectors: Connector[]; dates?: LogicalDate[]; from?: LogicalDate; to?: LogicalDate; force?: boolean }): Promise<IngestRangeResult> {
  const dates = opts.dates ?? (opts.from && opts.to ? dateRange(opts.from, opts.to) : undefined);
  if (!dates || dates.length === 0) throw new Error("ingestRange needs dates, or from and to");
  dates.forEach(parseLogicalDate);
  if (opts.connectors.length === 0) throw new Error("ingestRange needs at least one connector");
  const client = opts.client ?? bronzeS3Client(opts.s3);
  const log = opts.log ?? silentLogger;
  const bucket = opts.bucket ?? BRONZE_BUCKET;
  const total = dates.length * opts.connectors.length;
  const result: IngestRangeResult = { ingested: [], skipped: [] };
  let index = 0;
  for (const date of dates) {
    for (const connector of opts.connectors) {
      index++;
      if (!opts.force) {
        const existing = await checkPartition(client, bucket, connector.dataset, date, { content: false });
        if (existing.ok) {
          log.step(`[${index}/${total}] ${connector.dataset} ${date}: already committed (${existing.records} records), skipped; --force re-ingests`);
          opts.onProgress?.({ kind: "day-skipped", dataset: connector.dataset, date, index, total });
          result.skipped.push({ dataset: connector.dataset, date });
          continue;
        }
      }
      result.ingested.push(await ingestDay({ ...opts, client, connector, date, position: { index, total } }));
    }
  }
  return result;
}

export interface BronzeValidation {
  ok: boolean;
  partitions: PartitionReport[];
}

/** Validates every dataset's partition for every day; a missing day is a problem of that day. */
export async function validateBronze(opts: { s3: S3Connection; datasets: Dataset[]; dates?: LogicalDate[]; from?: LogicalDate; to?: LogicalDate; bucket?: string; content?: boolean; client?: S3Client; log?: Logger }): Promise<BronzeValidation> {
  const dates = opts.dates ?? (opts.from && opts.to ? dateRange(opts.from, opts.to) : undefined);
  if (!dates || dates.length === 0) throw new Error("validateBronze needs dates, or from and to");
  dates.forEach(parseLogicalDate);
  const client = opts.client ?? bronzeS3Client(opts.s3);
  const log = opts.log ?? silentLogger;
  const partitions: PartitionReport[] = [];
  for (const date of dates) {
    for (const dataset of opts.datasets) {
      const report = await checkPartition(client, opts.bucket ?? BRONZE_BUCKET, dataset, date, { content: opts.content });
      log.step(`${dataset} ${date}: ${report.ok ? `ok (${report.records} records in ${report.objects} object(s))` : `${report.problems.length} problem(s)`}`);
      for (const p of report.problems) log.info(`  - ${p}`);
      partitions.push(report);
    }
  }
  return { ok: partitions.every((p) => p.ok), partitions };
}
