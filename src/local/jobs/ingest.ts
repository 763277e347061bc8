/**
 * Ingestion on the local stack: the bronze writer (src/ingest) with the ingestion job's own
 * S3 identity, then the new partitions registered in Trino's hive catalog so raw records
 * are queryable at once.
 */
import { connectorsFor, ingestRange, sourceUrls, type DatasetChoice, type IngestRangeResult, type SourceName } from "../../ingest";
import type { Logger } from "../../lib/log";
import { query } from "../../lib/trino";
import { s3Connection } from "../services/objectstore";
import { trinoTarget } from "../services/trino";
import type { StackContext } from "../services/types";

export interface IngestOptions {
  force?: boolean;
  rowsPerDay?: number;
  source?: string;
  /** The trips source's and Open-Meteo's endpoints (else the environment's, else the public ones). */
  sourceUrl?: string;
  weatherUrl?: string;
  dataset?: DatasetChoice;
  log: Logger;
}

export async function runIngest(ctx: StackContext, days: string[], opts: IngestOptions): Promise<IngestRangeResult> {
  const source = (opts.source ?? "synthetic") as SourceName;
  const connectors = connectorsFor({ source, dataset: opts.dataset ?? "all", rowsPerDay: opts.rowsPerDay, urls: sourceUrls(source, opts, process.env) });
  opts.log.step(`ingest: ${connectors.map((c) => `${c.dataset} (${c.source})`).join(", ")} for ${days.length} day(s)`);
  const result = await ingestRange({
    s3: s3Connection(ctx, "ingest"),
    connectors,
    dates: days,
    force: opts.force,
    log: opts.log,
    onProgress: (e) => {
      if (e.kind === "day-committed") opts.log.step(`ingest [${e.index}/${e.total}] ${e.dataset} ${e.date}: ${e.records} records, ${(e.bytes / 1e6).toFixed(1)} MB in ${e.seconds.toFixed(1)}s`);
    },
  });
  await registerBronzePartitions(ctx);
  return result;
}

/** Adds new bronze partitions to the hive catalog's tables (as the pipeline user). */
export async function registerBronzePartitions(ctx: StackContext): Promise<void> {
  const pipeline = trinoTarget(ctx, "pipeline");
  for (const table of ["trips", "weather"]) {
    await query(pipeline, `CALL hive.system.sync_partition_metadata('bronze', '${table}', 'ADD')`);
  }
}
