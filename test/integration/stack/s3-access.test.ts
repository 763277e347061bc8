/**
 * Least privilege on the real object store: every job identity, with its own keys, against
 * every layer's bucket. The policies are the files in policies/ (the cluster applies the same,
 * and test/deploy probes it with the same matrix: test/support/s3-access.ts).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3Client } from "../../../src/lib/s3";
import type { Identity } from "../../../components/policies";
import { EXPECTED_ACCESS, placeProbes, probeAccess } from "../../support/s3-access";
import { useStack, type TestStack } from "../harness";

let stack: TestStack;
let probe: Awaited<ReturnType<typeof placeProbes>>;

before(async () => {
  stack = await useStack();
  probe = await placeProbes(stack.s3Root());
});

after(async () => {
  await probe?.remove();
});

for (const identity of Object.keys(EXPECTED_ACCESS) as Identity[]) {
  test(`${identity}: reads and writes exactly what its policy grants`, async () => {
    assert.deepEqual(await probeAccess(identity, stack.s3(identity), stack.s3Root(), probe.key), EXPECTED_ACCESS[identity]);
  });
}

test("metastore: may create directory markers but not write data", async () => {
  const client = s3Client(stack.s3("metastore"));
  const dir = `_access_probe/${randomUUID()}/`;
  await client.send(new PutObjectCommand({ Bucket: "gold", Key: dir, Body: "" }));
  await s3Client(stack.s3Root()).send(new DeleteObjectCommand({ Bucket: "gold", Key: dir }));
  await assert.rejects(client.send(new DeleteObjectCommand({ Bucket: "gold", Key: probe.key })), (e: { name?: string }) => e.name === "AccessDenied");
});
