/**
 * The DuckDB side of the comparison: the same bronze part files, downloaded from the object
 * store with the ingestion identity (DuckDB's httpfs would need an extension download), then
 * bench/duckdb/*.sql run on them in one in-process DuckDB, timed per step.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { sqlStatements } from "../../src/lib/sql";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import fs from "node:fs";
import path from "node:path";
import { BRONZE_BUCKET, partitionPrefix } from "../../src/ingest/layout";
import type { S3Connection } from "../../src/lib/connection";
import { s3Client } from "../../src/lib/s3";
import { repoRoot } from "../../src/local/paths";

const SQL_DIR = path.join(repoRoot, "bench", "duckdb");

/** Downloads a day's committed trip part files (the manifest names them) into `dir`, keeping the partition path. */
export async function downloadBronzeDay(s3: S3Connection, day: string, dir: string): Promise<{ files: string[]; bytes: number }> {
  const client = s3Client(s3);
  const prefix = partitionPrefix("trips", day);
  const manifestBody = await client.send(new GetObjectCommand({ Bucket: BRONZE_BUCKET, Key: `${prefix}_manifest.json` }));
  const manifest = JSON.parse(await manifestBody.Body!.transformToString()) as { objects?: { key?: string; name?: string }[] };
  let keys = (manifest.objects ?? []).map((o) => o.key ?? (o.name ? `${prefix}${o.name}` : "")).filter(Boolean);
  if (keys.length === 0) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BRONZE_BUCKET, Prefix: prefix }));
    keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => /part-\d+\.json(\.gz)?$/.test(k));
  }
  const files: string[] = [];
  let bytes = 0;
  for (const key of keys.sort()) {
    const obj = await client.send(new GetObjectCommand({ Bucket: BRONZE_BUCKET, Key: key }));
    const data = Buffer.from(await obj.Body!.transformToByteArray());
    const file = path.join(dir, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    files.push(file);
    bytes += data.length;
  }
  return { files, bytes };
}

export function renderSql(name: string, vars: Record<string, string>): string[] {
  let sql = fs.readFileSync(path.join(SQL_DIR, name), "utf8");
  for (const [k, v] of Object.entries(vars)) sql = sql.replaceAll(`{{${k}}}`, v);
  return sqlStatements(sql);
}

/** bench/duckdb/silver_trips.sql for these part files, with the contract silver checks them against. */
export function silverTripsSql(files: string[], out: string): string[] {
  const contract = JSON.parse(fs.readFileSync(path.join(repoRoot, "spark", "contracts", "trips.json"), "utf8")) as { fields: Record<string, string> };
  const fields = Object.entries(contract.fields).map(([field, type]) => `{'field': '${field}', 'type': '${type}'}`);
  return renderSql("silver_trips.sql", { files: `[${files.map((f) => `'${f}'`).join(", ")}]`, out, contract: `[${fields.join(", ")}]` });
}

/** What DuckDB's contract check found (silver_trips.sql's contract_violations): the lakehouse's run passed its own. */
export async function contractViolations(duck: DuckBench): Promise<string[]> {
  return (await duck.rows("select source_date, field, kind from contract_violations order by all")).map((r) => `${r.source_date} ${r.field}: ${r.kind}`);
}

/** The disagreement to report when DuckDB's contract check failed: silver committed, so its own check passed. */
export function contractProblems(violations: string[]): string[] {
  return violations.length ? [`DuckDB's contract check fails where silver's passed: ${violations.slice(0, 5).join("; ")}`] : [];
}

export class DuckBench {
  private constructor(
    readonly conn: DuckDBConnection,
    readonly version: string,
    readonly threads: number,
  ) {}

  static async open(): Promise<DuckBench> {
    // Offline: no extension may be downloaded; json, parquet and icu are built in.
    const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
    const conn = await instance.connect();
    await conn.run("set TimeZone = 'UTC'");
    const row = (await conn.runAndReadAll("select version() as v, current_setting('threads') as t")).getRowObjectsJson()[0];
    return new DuckBench(conn, String(row.v), Number(row.t));
  }

  async run(statementsToRun: string[]): Promise<void> {
    for (const s of statementsToRun) await this.conn.run(s);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }
}
