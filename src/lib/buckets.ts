/**
 * The object store's buckets and what each keeps, the same in every environment: the local
 * stack makes them with `mc` (src/local/services/objectstore.ts), the cluster with its
 * provisioning Job (components/s3Provision.ts), and the jobs, policies and tests name them
 * from here. Bronze's name is ingestion's (src/ingest/layout.ts), which writes it.
 */
import { BRONZE_BUCKET } from "../ingest/layout";

export { BRONZE_BUCKET };
/** Silver's Iceberg tables and its commit markers (`_markers/<dataset>/date=D.json`). */
export const SILVER_BUCKET = "silver";
/** Gold's Iceberg marts, written by Trino for dbt. */
export const GOLD_BUCKET = "gold";

/** One bucket per medallion layer, named after it. */
export const BUCKETS = [BRONZE_BUCKET, SILVER_BUCKET, GOLD_BUCKET] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Buckets with versioning on: bronze keeps the old versions of a re-ingested day, so an overwrite can be undone. */
export const VERSIONED_BUCKETS: readonly Bucket[] = [BRONZE_BUCKET];

export interface LifecycleRule {
  id: string;
  /** Days after which a version that stopped being current is deleted. */
  noncurrentVersionExpirationDays?: number;
  /** Days after which a current object expires. */
  expirationDays?: number;
  /** Key prefix the rule applies to (every key when absent). */
  prefix?: string;
}

/**
 * A bucket's lifecycle rules: bronze deletes the old versions of a re-ingested day 30 days
 * after they were replaced; the other buckets are not versioned and have none.
 */
export function lifecycleRules(bucket: string): LifecycleRule[] {
  return bucket === BRONZE_BUCKET ? [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 30 }] : [];
}

/**
 * A bucket's rules as the JSON `mc ilm rule import` reads (minio-go's lifecycle.Configuration),
 * locally and in the cluster alike; undefined when it has none.
 */
export function lifecycleConfiguration(rules: LifecycleRule[]): string | undefined {
  if (rules.length === 0) return undefined;
  return `${JSON.stringify({
    Rules: rules.map((r) => ({
      ID: r.id,
      Status: "Enabled",
      ...(r.prefix !== undefined ? { Filter: { Prefix: r.prefix } } : {}),
      ...(r.expirationDays !== undefined ? { Expiration: { Days: r.expirationDays } } : {}),
      ...(r.noncurrentVersionExpirationDays !== undefined ? { NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentVersionExpirationDays } } : {}),
    })),
  }, null, 2)}\n`;
}
