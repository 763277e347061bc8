/**
 * The cluster jobs' wait for an upstream commit marker (components/jobs.ts, the init container
 * of the gold CronJob and the silver application), run here by a real shell with the real `mc`
 * against the real object store, with a job's own keys, as the pod runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { markerKeyFor, waitForMarkersScript } from "../../../components/jobs";
import { s3Client } from "../../../src/lib/s3";
import type { S3Identity } from "../../../src/local/secrets";
import { useStack, type TestStack } from "../harness";

/** A day no other test writes. */
const DAY = "2031-05-06";
const KEY = markerKeyFor("silver", "trips", DAY);

let stack: TestStack;
let home: string;

before(async () => {
  stack = await useStack();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "marker-wait-"));
});
after(async () => {
  await s3Client(stack.s3Root()).send(new DeleteObjectCommand({ Bucket: "silver", Key: KEY }));
  fs.rmSync(home, { recursive: true, force: true });
});

/** The gold job's wait for silver's trips marker, a few seconds long, as the pod's shell runs it. */
function wait(identity: S3Identity, deadlineSeconds = 3) {
  const s3 = stack.s3(identity);
  const run = spawnSync("/bin/sh", ["-c", waitForMarkersScript("silver", ["trips"], deadlineSeconds, 1)], {
    encoding: "utf8",
    env: {
      PATH: `${path.dirname(stack.ctx.installed.mc)}:/usr/bin:/bin`, HOME: home, LOGICAL_DATE: DAY,
      LAKEHOUSE_S3_ENDPOINT: s3.endpoint, LAKEHOUSE_S3_ACCESS_KEY: s3.accessKey, LAKEHOUSE_S3_SECRET_KEY: s3.secretKey,
    },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test("no marker: it waits, then gives up naming the object it waited for", () => {
  const r = wait("dbt");
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, new RegExp(`waiting for s3://silver/${KEY}`));
  assert.match(r.err, new RegExp(`gave up: no s3://silver/${KEY}`));
});

test("the marker written: the job's own keys find it; keys that may not read silver never do", async () => {
  await s3Client(stack.s3Root()).send(new PutObjectCommand({ Bucket: "silver", Key: KEY, Body: "{}" }));
  const found = wait("dbt");
  assert.equal(found.code, 0, found.out + found.err);
  assert.match(found.out, new RegExp(`found s3://silver/${KEY}`));
  // ingest's policy has no read on silver: to it the marker is not there.
  const denied = wait("ingest", 2);
  assert.equal(denied.code, 1);
  assert.match(denied.err, /gave up/);
});
