/**
 * `lakehouse local down` stops every process; `up` afterwards brings back the same data.
 * Runs last (test/run.ts orders lifecycle/ after the rest): it restarts the whole stack.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { portInUse } from "../../../src/local/health";
import { down, services, up } from "../../../src/local/stack";
import { useStack } from "../harness";

/** Processes whose command line mentions the stack's state directory. */
function processesOf(stateDir: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes(stateDir) && !l.includes("ps -eo") && !l.includes("--test"));
}

test("down leaves no process and no port behind; up brings back the data", { timeout: 600_000 }, async () => {
  const stack = await useStack();
  const id = randomUUID().slice(0, 8);
  const s3 = new S3Client({ endpoint: stack.s3("ingest").endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: stack.s3("ingest").accessKey, secretAccessKey: stack.s3("ingest").secretKey } });
  await s3.send(new PutObjectCommand({ Bucket: "bronze", Key: `_lifecycle/${id}.txt`, Body: id }));
  const schema = `lifecycle_${id}`;
  await query(stack.trino(), `CREATE SCHEMA iceberg.${schema} WITH (location = 's3://gold/_lifecycle/${schema}')`);
  await query(stack.trino(), `CREATE TABLE iceberg.${schema}.kept AS SELECT '${id}' AS id`);

  await down(silentLogger);
  assert.deepEqual(processesOf(stack.ctx.paths.state), [], "no process of the stack survives down");
  for (const svc of services(stack.ctx)) {
    for (const port of svc.ports) assert.equal(await portInUse(stack.ctx.settings.host, port), false, `${svc.name} port ${port} is free`);
  }

  await up(silentLogger);
  const got = await s3.send(new GetObjectCommand({ Bucket: "bronze", Key: `_lifecycle/${id}.txt` }));
  assert.equal(await got.Body!.transformToString(), id);
  const rows = await query(stack.trino(), `SELECT id FROM iceberg.${schema}.kept`);
  assert.deepEqual(rows.rows, [[id]]);
  await query(stack.trino(), `DROP TABLE iceberg.${schema}.kept`);
  await query(stack.trino(), `DROP SCHEMA iceberg.${schema}`);
});
