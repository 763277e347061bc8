/**
 * Who talks to the object store, the same in every environment: one identity per job, each
 * with its own key pair and the policy document policies/<identity>.json, applied by the local
 * stack (src/local/services/objectstore.ts) and by the cluster's provisioning Job
 * (components/s3Provision.ts); and the store's root user, which only those two use.
 */

/**
 * Job identities. Gold writes: dbt's SQL runs inside Trino, so Trino's identity is the one
 * that writes s3://gold; the dbt jobs hold the `dbt` keys only to read silver's completion
 * marker before they start (its policy also allows gold, for a dbt adapter that writes itself).
 */
export const S3_IDENTITIES = ["ingest", "spark", "dbt", "trino", "metastore", "maintenance"] as const;
export type S3Identity = (typeof S3_IDENTITIES)[number];

/** An identity's user in the store: its access key and the name of its policy. */
export function s3UserName(identity: S3Identity): string {
  return `lakehouse-${identity}`;
}

/** The store's root (admin) user: MinIO's MINIO_ROOT_USER; its password is generated per install or stack. */
export const OBJECT_STORE_ROOT_USER = "lakehouse-root";

/** An identity's policy document, relative to the project root. */
export function policyPath(identity: S3Identity): string {
  return `policies/${identity}.json`;
}
