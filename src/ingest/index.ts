/**
 * Bronze ingestion: the programmatic API the CLI (`lakehouse run ingest`, `lakehouse validate
 * bronze`) and the cluster's ingestion job call. See docs/ingestion.md.
 */
export { ingestDay, ingestRange, validateBronze, type IngestDayResult, type IngestEvent, type IngestRangeResult, type BronzeValidation, type StoreOptions } from "./ingest";
export { connectorsFor, sourceUrls, SOURCES, DATASET_CHOICES, type SourceName, type DatasetChoice, type SourceOptions } from "./sources";
export { SourceError, type Connector, type Dataset, type LogicalDate } from "./types";
export { BRONZE_BUCKET, MANIFEST_NAME, partitionPrefix, manifestKey, dateRange } from "./layout";
export type { Manifest, ManifestObject, SchemaProfile } from "./manifest";
export type { PartitionReport } from "./validate";
export { bronzeS3Client } from "./s3";
export { DEFAULT_MESS_RATES, DUPLICATE_MESS_KINDS, MESS_KINDS, REJECTED_MESS_KINDS, type MessRates, type MessKind, type MessCounts } from "./synthetic/mess";

import type { DatasetChoice, SourceName } from "./sources";
import type { Dataset } from "./types";
import { DATASETS_OF_SOURCE, WEATHER_DATASETS } from "./endpoints";

/** The bronze datasets a CLI choice covers (for `validate bronze`). */
export function datasetsFor(choice: DatasetChoice = "all", source: SourceName = "synthetic"): Dataset[] {
  const all = DATASETS_OF_SOURCE[source] as readonly Dataset[];
  if (choice === "all") return [...all];
  return all.filter((d) => WEATHER_DATASETS.includes(d) === (choice === "weather"));
}
export { SOCRATA_APP_TOKEN_ENV, SOURCE_URL_ENV, WEATHER_DATASETS } from "./endpoints";
