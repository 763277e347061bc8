/**
 * Each service of the local stack, checked over its real protocol (issue 2's "done when"):
 * S3 put/get/list, SHOW SCHEMAS in both Trino catalogs, a Spark session writing an Iceberg
 * table through the metastore that Trino then reads, dbt debug against Trino, Superset's
 * health endpoint and a login.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { query } from "../../../src/lib/trino";
import { dbt } from "../../../src/local/jobs/dbt";
import { sparkSubmit } from "../../../src/local/jobs/spark";
import { supersetUrl } from "../../../src/local/services/superset";
import { useStack, type TestStack } from "../harness";

let stack: TestStack;
const runId = randomUUID().slice(0, 8);

function s3Client(c: ReturnType<TestStack["s3"]>): S3Client {
  return new S3Client({ endpoint: c.endpoint, region: c.region, forcePathStyle: true, credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey } });
}

before(async () => {
  stack = await useStack();
});

describe("object store", () => {
  test("put, get and list an object with the ingestion job's own credentials", async () => {
    const s3 = s3Client(stack.s3("ingest"));
    const key = `_smoke/${runId}/hello.json`;
    const body = JSON.stringify({ hello: "bronze", runId });
    await s3.send(new PutObjectCommand({ Bucket: "bronze", Key: key, Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: "bronze", Key: key }));
    assert.equal(await got.Body!.transformToString(), body);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "bronze", Prefix: `_smoke/${runId}/` }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), [key]);
    await s3.send(new DeleteObjectCommand({ Bucket: "bronze", Key: key }));
  });

  test("the ingestion job's credentials cannot write to gold", async () => {
    const s3 = s3Client(stack.s3("ingest"));
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: "gold", Key: `_smoke/${runId}`, Body: "x" })), (e: Error) => e.name === "AccessDenied");
  });
});

describe("trino", () => {
  test("SHOW SCHEMAS answers in the iceberg and hive catalogs", async () => {
    for (const catalog of ["iceberg", "hive"]) {
      const out = await query(stack.trino(), `SHOW SCHEMAS FROM ${catalog}`);
      const schemas = out.rows.map((r) => r[0]);
      assert.ok(schemas.includes("information_schema"), `${catalog}: ${schemas.join(",")}`);
    }
  });
});

describe("spark, metastore and trino share one catalog", () => {
  const schema = `smoke_${runId}`;
  after(async () => {
    await query(stack.trino(), `DROP TABLE IF EXISTS iceberg.${schema}.spark_written`).catch(() => undefined);
    await query(stack.trino(), `DROP SCHEMA IF EXISTS iceberg.${schema}`).catch(() => undefined);
  });

  test("a local Spark session writes an Iceberg table through the metastore; Trino reads the same rows", { timeout: 300_000 }, async () => {
    const out = await sparkSubmit(stack.ctx, { script: "lakehouse/smoke.py", args: ["--schema", schema, "--location", `s3://silver/_smoke/${schema}`], identity: "spark" });
    const report = JSON.parse(out.trim().split("\n").filter((l) => l.startsWith("{")).pop()!);
    assert.equal(report.rows_read_back, 3);
    const rows = await query(stack.trino(), `SELECT id, name FROM iceberg.${schema}.spark_written ORDER BY id`);
    assert.deepEqual(rows.rows, [[1, "bronze"], [2, "silver"], [3, "gold"]]);
  });
});

describe("dbt", () => {
  test("dbt debug connects to Trino with the project's profile", { timeout: 120_000 }, async () => {
    const out = await dbt(stack.ctx, ["debug"]);
    assert.match(out, /Connection test: \[.*OK connection ok/);
    assert.match(out, /All checks passed/);
  });
});

describe("superset", () => {
  test("the health endpoint answers OK", async () => {
    const res = await fetch(`${supersetUrl(stack.ctx)}/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).trim(), "OK");
  });

  test("the generated admin logs in through the API and a wrong password is refused", async () => {
    const { adminUser, adminPassword } = stack.ctx.secrets.superset;
    const login = (password: string) =>
      fetch(`${supersetUrl(stack.ctx)}/api/v1/security/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: adminUser, password, provider: "db", refresh: false }),
      });
    const ok = await login(adminPassword);
    assert.equal(ok.status, 200);
    const token = ((await ok.json()) as { access_token: string }).access_token;
    const me = await fetch(`${supersetUrl(stack.ctx)}/api/v1/me/`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { result: { username: string } }).result.username, adminUser);
    assert.equal((await login("not-the-password")).status, 401);
  });
});

describe("trino authentication and access", () => {
  test("the layer schemas exist, each at its bucket", async () => {
    const out = await query(stack.trino(), "SELECT schema_name FROM iceberg.information_schema.schemata WHERE schema_name IN ('silver', 'gold') ORDER BY 1");
    assert.deepEqual(out.rows, [["gold"], ["silver"]]);
    const bronze = await query(stack.trino(), "SHOW CREATE SCHEMA hive.bronze");
    assert.match(String(bronze.rows[0][0]), /location = 's3:\/\/bronze\/'/);
  });

  test("a wrong password is refused", async () => {
    await assert.rejects(query(stack.trino({ as: "dashboard", password: "wrong" }), "SELECT 1"), /401|Unauthorized|Invalid credentials/i);
  });

  test("plain HTTP cannot claim a user", async () => {
    const res = await fetch(`http://${stack.ctx.settings.host}:${stack.ctx.settings.ports.trino}/v1/statement`, {
      method: "POST",
      headers: { "X-Trino-User": "admin" },
      body: "SELECT 1",
    });
    assert.equal(res.status, 403);
  });

  test("the dashboard user cannot create anything, not even in gold", async () => {
    await assert.rejects(query(stack.trino({ as: "dashboard" }), `CREATE TABLE iceberg.gold.probe_${runId} AS SELECT 1 AS x`), /Access Denied/);
    await assert.rejects(query(stack.trino({ as: "dashboard" }), `CREATE SCHEMA iceberg.probe_${runId}`), /Access Denied/);
  });

  test("the dashboard user sees only the gold schema of iceberg and no hive catalog", async () => {
    const schemas = (await query(stack.trino({ as: "dashboard" }), "SHOW SCHEMAS FROM iceberg")).rows.map((r) => r[0]);
    assert.ok(!schemas.includes("silver"), `dashboard sees ${schemas.join(",")}`);
    await assert.rejects(query(stack.trino({ as: "dashboard" }), "SHOW SCHEMAS FROM hive"), /Access Denied|does not exist/);
  });
});
