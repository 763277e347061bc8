/**
 * Least privilege on the real object store: every job identity, with its own keys, against
 * every layer's bucket. The policies are the files in policies/ (the cluster applies the same).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3Client } from "../../../src/lib/s3";
import type { S3Identity } from "../../../src/local/secrets";
import { useStack, type TestStack } from "../harness";

type Access = "rw" | "r" | "-";
const BUCKETS = ["bronze", "silver", "gold"] as const;
/** What each identity may do per bucket (docs/architecture.md, "Identities and least privilege"). */
const EXPECTED: Record<S3Identity, Record<(typeof BUCKETS)[number], Access>> = {
  ingest: { bronze: "rw", silver: "-", gold: "-" },
  spark: { bronze: "r", silver: "rw", gold: "-" },
  dbt: { bronze: "-", silver: "r", gold: "rw" },
  trino: { bronze: "r", silver: "r", gold: "rw" },
  metastore: { bronze: "r", silver: "r", gold: "r" },
  maintenance: { bronze: "-", silver: "rw", gold: "rw" },
};

let stack: TestStack;
const probe = `_access_probe/${randomUUID()}.txt`;

before(async () => {
  stack = await useStack();
  const root = s3Client(stack.s3Root());
  for (const bucket of BUCKETS) await root.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: "probe" }));
});

after(async () => {
  const root = s3Client(stack.s3Root());
  for (const bucket of BUCKETS) await root.send(new DeleteObjectCommand({ Bucket: bucket, Key: probe }));
});

async function allowed(op: Promise<unknown>): Promise<boolean> {
  try {
    await op;
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === "AccessDenied") return false;
    throw e;
  }
}

for (const identity of Object.keys(EXPECTED) as S3Identity[]) {
  test(`${identity}: reads and writes exactly what its policy grants`, async () => {
    const client = s3Client(stack.s3(identity));
    const found: Record<string, Access> = {};
    for (const bucket of BUCKETS) {
      const canRead = await allowed(client.send(new GetObjectCommand({ Bucket: bucket, Key: probe })).then((r) => r.Body?.transformToString()));
      const key = `_access_probe/${identity}-${randomUUID()}.txt`;
      const canWrite = await allowed(client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" })));
      if (canWrite) await s3Client(stack.s3Root()).send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      found[bucket] = canWrite ? (canRead ? "rw" : "-") : canRead ? "r" : "-";
      if (canWrite && !canRead) found[bucket] = "w-only" as Access;
    }
    assert.deepEqual(found, EXPECTED[identity]);
  });
}

test("metastore: may create directory markers but not write data", async () => {
  const client = s3Client(stack.s3("metastore"));
  const dir = `_access_probe/${randomUUID()}/`;
  assert.equal(await allowed(client.send(new PutObjectCommand({ Bucket: "gold", Key: dir, Body: "" }))), true);
  await s3Client(stack.s3Root()).send(new DeleteObjectCommand({ Bucket: "gold", Key: dir }));
  assert.equal(await allowed(client.send(new DeleteObjectCommand({ Bucket: "gold", Key: probe }))), false);
});
