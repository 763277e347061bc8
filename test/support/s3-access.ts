/**
 * Least privilege, probed on a real object store: what each job identity, with its own keys, can
 * read and write in each layer's bucket. Shared by the local stack's test
 * (test/integration/stack/s3-access.test.ts) and the cluster's (test/deploy), so the two check
 * the same matrix against the same policies/ files, each as its environment provisions them.
 */
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Connection } from "../../src/lib/connection";
import { s3Client } from "../../src/lib/s3";
import type { Identity } from "../../components/policies";

export type Access = "rw" | "r" | "-" | "w-only";
export const LAYER_BUCKETS = ["bronze", "silver", "gold"] as const;
export type LayerBucket = (typeof LAYER_BUCKETS)[number];

/**
 * What each identity may do per bucket, written from docs/architecture.md ("Identities and least
 * privilege"), not from the policy files it checks.
 */
export const EXPECTED_ACCESS: Record<Identity, Record<LayerBucket, Access>> = {
  ingest: { bronze: "rw", silver: "-", gold: "-" },
  spark: { bronze: "r", silver: "rw", gold: "-" },
  dbt: { bronze: "-", silver: "r", gold: "rw" },
  trino: { bronze: "r", silver: "r", gold: "rw" },
  metastore: { bronze: "r", silver: "r", gold: "r" },
  maintenance: { bronze: "-", silver: "rw", gold: "rw" },
};

async function allowed(op: Promise<unknown>): Promise<boolean> {
  try {
    await op;
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === "AccessDenied") return false;
    throw e;
  }
}

/**
 * A probe object in every layer's bucket, put there with the store's root keys, for the
 * identities to try to read; `remove()` deletes it again.
 */
export async function placeProbes(root: S3Connection): Promise<{ key: string; remove: () => Promise<void> }> {
  const key = `_access_probe/${randomUUID()}.txt`;
  const client = s3Client(root, { maxAttempts: 2 });
  for (const bucket of LAYER_BUCKETS) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "probe" }));
  return { key, remove: async () => { for (const bucket of LAYER_BUCKETS) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })); } };
}

/**
 * What `identity`'s connection can do in each bucket: read the probe at `probeKey`, write a key of
 * its own (deleted again with the root keys, so a write it may not delete leaves nothing behind).
 */
export async function probeAccess(identity: Identity, conn: S3Connection, root: S3Connection, probeKey: string): Promise<Record<LayerBucket, Access>> {
  const client = s3Client(conn, { maxAttempts: 1 });
  const found = {} as Record<LayerBucket, Access>;
  for (const bucket of LAYER_BUCKETS) {
    const canRead = await allowed(client.send(new GetObjectCommand({ Bucket: bucket, Key: probeKey })).then((r) => r.Body?.transformToString()));
    const key = `_access_probe/${identity}-${randomUUID()}.txt`;
    const canWrite = await allowed(client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" })));
    if (canWrite) await s3Client(root).send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    found[bucket] = canWrite ? (canRead ? "rw" : "w-only") : canRead ? "r" : "-";
  }
  return found;
}
