/**
 * Facts both the local stack (src/local/) and the cluster (components/) need live in one module
 * each (src/lib/buckets.ts, s3Identities.ts, trinoServer.ts, metadataDb.ts, connection.ts,
 * dates.ts), and everything else imports them. These tests fail when a copy comes back: a literal
 * list of Trino users or S3 identities, "us-east-1", a bucket named as a literal where a bucket
 * is passed, an environment variable's name those modules define; and when the two environments
 * stop giving the servers the same variables.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { metastoreEnv as clusterMetastoreEnv } from "../../components/metastore";
import { trinoEnv } from "../../components/trinoPods";
import { CATALOG_FILES, HEAP_SHARE } from "../../components/trinoConfig";
import { BUCKETS } from "../../src/lib/buckets";
import { DEFAULT_S3_REGION, ENV, S3_SDK_CHECKSUM_ENV } from "../../src/lib/connection";
import { silentLogger } from "../../src/lib/log";
import { METASTORE_SERVER_ENV, POSTGRES_DATABASES } from "../../src/lib/metadataDb";
import { quantity } from "../../src/lib/quantity";
import { S3_IDENTITIES } from "../../src/lib/s3Identities";
import { queryMemory, TRINO_SERVER_ENV, TRINO_USERS } from "../../src/lib/trinoServer";
import type { Installed } from "../../src/local/install";
import { stackPaths } from "../../src/local/paths";
import { generateSecrets } from "../../src/local/secrets";
import { metastore } from "../../src/local/services/metastore";
import { trino } from "../../src/local/services/trino";
import type { StackContext } from "../../src/local/services/types";
import { stackSettings } from "../../src/local/settings";

const ROOT = path.resolve(__dirname, "../..");

/** The TypeScript the checks read: the program, the local stack, the CLI, the jobs and the benchmark. */
function sources(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return e.name === "node_modules" || e.name === "fixtures" ? [] : walk(rel);
      return e.name.endsWith(".ts") ? [rel] : [];
    });
  return [...walk("src"), ...walk("components"), ...walk("bench"), "index.ts"];
}

/** The code of a file (relative to the project, or absolute) without its comments: a name in a doc comment is documentation, not a copy. */
function code(rel: string): string {
  return fs.readFileSync(path.resolve(ROOT, rel), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

interface Finding {
  file: string;
  what: string;
}

const q = `["'\`]`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every array literal made only of string literals, as its strings. */
function stringArrays(text: string): string[][] {
  const out: string[][] = [];
  for (const m of text.matchAll(/\[\s*((?:(["'`])[^"'`\n]*\2\s*,\s*)*(["'`])[^"'`\n]*\3\s*,?\s*)\]/g)) {
    out.push([...m[1].matchAll(/(["'`])([^"'`\n]*)\1/g)].map((x) => x[2]));
  }
  return out;
}

/** An array of two or more names, all from `list`: a copy of (part of) that list. */
const isPartialCopy = (items: string[], list: readonly string[]) => new Set(items).size >= 2 && items.every((i) => list.includes(i));

const ENV_NAMES: Record<string, string> = Object.fromEntries([
  ...Object.values(ENV).map((n) => [n, "src/lib/connection.ts"]),
  ...Object.keys(S3_SDK_CHECKSUM_ENV).map((n) => [n, "src/lib/connection.ts"]),
  ...Object.values(TRINO_SERVER_ENV).map((n) => [n, "src/lib/trinoServer.ts"]),
  ...Object.values(METASTORE_SERVER_ENV).map((n) => [n, "src/lib/metadataDb.ts"]),
]);

function findings(files: string[]): Finding[] {
  const found: Finding[] = [];
  for (const file of files) {
    const text = code(file);
    const add = (what: string, count = 1) => {
      for (let i = 0; i < count; i++) found.push({ file, what });
    };
    const count = (re: RegExp) => [...text.matchAll(re)].length;
    if (file !== "src/lib/connection.ts") add(`"us-east-1"`, count(new RegExp(`${q}us-east-1${q}`, "g")));
    for (const items of stringArrays(text)) {
      if (file !== "src/lib/trinoServer.ts" && isPartialCopy(items, TRINO_USERS)) add(`Trino users [${items.join(", ")}]`);
      if (file !== "src/lib/s3Identities.ts" && isPartialCopy(items, S3_IDENTITIES)) add(`S3 identities [${items.join(", ")}]`);
      if (file !== "src/lib/metadataDb.ts" && isPartialCopy(items, POSTGRES_DATABASES)) add(`PostgreSQL databases [${items.join(", ")}]`);
      if (file !== "src/lib/buckets.ts" && new Set(items).size === BUCKETS.length && BUCKETS.every((b) => items.includes(b))) add(`buckets [${items.join(", ")}]`);
    }
    if (file !== "src/lib/s3Identities.ts") add(`"lakehouse-root"`, count(new RegExp(`${q}lakehouse-root${q}`, "g")));
    const bucket = `(?:${BUCKETS.join("|")})`;
    // Where a bucket is passed: the SDK's Bucket field, a call's argument after an S3 client, an mc target.
    if (file !== "src/lib/buckets.ts" && file !== "src/ingest/layout.ts") {
      for (const m of text.matchAll(new RegExp(`\\bBucket:\\s*${q}(${bucket})${q}`, "g"))) add(`bucket "${m[1]}" as Bucket:`);
      for (const m of text.matchAll(new RegExp(`\\(\\s*(?:[\\w.]*[cC]lient|s3)\\s*,\\s*${q}(${bucket})${q}\\s*[,)]`, "g"))) add(`bucket "${m[1]}" as an argument`);
      for (const m of text.matchAll(new RegExp(`${q}(?:lakehouse|store)/(${bucket})${q}`, "g"))) add(`bucket "${m[1]}" as an mc target`);
    }
    for (const [name, home] of Object.entries(ENV_NAMES)) {
      if (file === home) continue;
      const n = esc(name);
      const uses = count(new RegExp(`${q}${n}${q}`, "g")) // "NAME"
        + count(new RegExp(`(?<![\\w.$])${n}\\s*:(?!:)`, "g")) // { NAME: … }
        + count(new RegExp(`\\.${n}\\b`, "g")) // env.NAME
        + count(new RegExp(`\\$\\{?${n}\\b`, "g")); // "$NAME" in a shell script
      add(`environment variable ${name}`, uses);
    }
  }
  return found;
}


test("no copy of a cross-environment fact outside its module", () => {
  const counts = new Map<string, number>();
  for (const f of findings(sources())) counts.set(`${f.file}\0${f.what}`, (counts.get(`${f.file}\0${f.what}`) ?? 0) + 1);
  const copies = [...counts].map(([key, n]) => {
    const [file, what] = key.split("\0");
    return `${file}: ${what}${n > 1 ? ` (${n} times)` : ""}`;
  });
  assert.deepEqual(copies, [], `import these from src/lib (buckets.ts, s3Identities.ts, trinoServer.ts, metadataDb.ts, connection.ts) instead:\n${copies.join("\n")}`);
});

test("the checks see a copy: each kind is found in a file that has one", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-facts-"));
  const file = path.join(dir, "copy.ts");
  try {
    fs.writeFileSync(file, [
      `const users = ["dashboard", "admin"] as const;`,
      `const ids = ["ingest", "spark", "metastore"];`,
      `const dbs = ['superset', 'metastore'];`,
      `const layers = ["gold", "bronze", "silver"];`,
      `const region = "us-east-1";`,
      `client.send(new GetObjectCommand({ Bucket: "silver", Key: k }));`,
      `await getText(client, "gold", key);`,
      `await mc(ctx, ["version", "enable", "lakehouse/bronze"]);`,
      `const env = { LAKEHOUSE_S3_ENDPOINT: e, "TRINO_QUERY_MAX_MEMORY": "1GB" };`,
      `const user = process.env.LAKEHOUSE_TRINO_USER;`,
      "const sh = `mc alias set s \"$LAKEHOUSE_S3_ACCESS_KEY\" \"${LAKEHOUSE_METASTORE_JDBC_URL}\"`;",
      `// LAKEHOUSE_S3_REGION: "us-east-1" in a comment is no copy`,
      `const fine = { message: "set LAKEHOUSE_S3_REGION to sign for another region", dependsOn: ["metastore", "objectstore"], layer: "bronze" };`,
    ].join("\n"));
    assert.deepEqual(findings([file]).map((f) => f.what).sort(), [
      `"us-east-1"`,
      `PostgreSQL databases [superset, metastore]`,
      `S3 identities [ingest, spark, metastore]`,
      `Trino users [dashboard, admin]`,
      `bucket "bronze" as an mc target`,
      `bucket "gold" as an argument`,
      `bucket "silver" as Bucket:`,
      `buckets [gold, bronze, silver]`,
      "environment variable LAKEHOUSE_METASTORE_JDBC_URL",
      "environment variable LAKEHOUSE_S3_ACCESS_KEY",
      "environment variable LAKEHOUSE_S3_ENDPOINT",
      "environment variable LAKEHOUSE_TRINO_USER",
      "environment variable TRINO_QUERY_MAX_MEMORY",
    ].sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A local stack context in a temporary directory: enough to render each service's files. */
function localContext(dir: string, installed: Partial<Installed> = {}): StackContext {
  return {
    paths: stackPaths({ LAKEHOUSE_HOME: dir, LAKEHOUSE_CACHE: path.join(dir, "cache") }),
    settings: stackSettings({}),
    secrets: generateSecrets(),
    installed: { minio: "minio", mc: "mc", trinoHome: "/opt/trino", metastoreHome: "/opt/hive-metastore", metastoreClasspath: [], sparkJars: [], postgresBin: "/usr/lib/postgresql/15/bin", python: "python3", ...installed },
    log: silentLogger,
  };
}

/** The variables a service's env file (.lakehouse/conf/<service>.env) sets. */
function envFile(file: string): Record<string, string> {
  return Object.fromEntries(fs.readFileSync(file, "utf8").split("\n").filter((l) => /^\w+=/.test(l)).map((l) => {
    const i = l.indexOf("=");
    return [l.slice(0, i), l.slice(i + 1).replace(/^'|'$/g, "")];
  }));
}

/** The variables repository files read (Trino's ${ENV:NAME}, Hadoop's ${env.NAME}), outside their comments. */
function readVariables(files: string[], pattern: RegExp): Set<string> {
  const text = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8").replace(/<!--[\s\S]*?-->/g, "").replace(/^\s*[#!].*$/gm, "");
  return new Set(files.flatMap((f) => [...text(f).matchAll(pattern)].map((m) => m[1])));
}

/** The S3 keys every cluster server gets from its identity's Secret (envFrom; components/objectStore.ts). */
const FROM_IDENTITY_SECRET = [ENV.s3AccessKey, ENV.s3SecretKey];

test("Trino gets every variable trino/etc and trino/catalog read, locally and in the cluster, with the same query memory rule", () => {
  const files = [...fs.readdirSync(path.join(ROOT, "trino/etc")).filter((f) => f.endsWith(".properties")).map((f) => `trino/etc/${f}`), ...CATALOG_FILES];
  const read = readVariables(files, /\$\{ENV:(\w+)\}/g);
  assert.deepEqual(Object.values(TRINO_SERVER_ENV).filter((n) => !read.has(n)), [], "TRINO_SERVER_ENV names only what the files read");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-facts-"));
  try {
    const ctx = localContext(dir);
    const local = envFile(trino(ctx).program().envFile);
    assert.deepEqual([...read].filter((n) => !(n in local)), [], "the local env file sets every variable");
    assert.equal(local[ENV.s3Region], DEFAULT_S3_REGION);
    const heap = quantity(ctx.settings.trinoHeap, true);
    assert.deepEqual([local[TRINO_SERVER_ENV.queryMaxMemory], local[TRINO_SERVER_ENV.queryMaxMemoryPerNode]], ["1GB", `${heap / 2 / 1024 ** 2}MB`], "locally: 1GB a query, half the heap a node");
    for (const [role, workers] of [["coordinator", 0], ["coordinator", 2], ["worker", 2]] as const) {
      const cluster = trinoEnv({ name: "trino", namespace: "lh", role, workers, memoryLimit: "2Gi", s3: { endpoint: "http://s3", region: "r" }, metastoreUri: "thrift://hms:9083" });
      const names = new Set([...cluster.map((e) => e.name as string), ...FROM_IDENTITY_SECRET]);
      assert.deepEqual([...read].filter((n) => !names.has(n)), [], `the cluster's ${role} gets every variable`);
      const value = (n: string) => cluster.find((e) => e.name === n)?.value;
      const rule = queryMemory(quantity("2Gi") * HEAP_SHARE, workers);
      assert.equal(value(TRINO_SERVER_ENV.queryMaxMemoryPerNode), rule.maxMemoryPerNode, `${role}: half the heap a node, as locally`);
      if (role === "coordinator") assert.equal(value(TRINO_SERVER_ENV.queryMaxMemory), rule.maxMemory, `coordinator with ${workers} workers`);
    }
    assert.deepEqual(queryMemory(heap, 0), { maxMemory: local[TRINO_SERVER_ENV.queryMaxMemory], maxMemoryPerNode: local[TRINO_SERVER_ENV.queryMaxMemoryPerNode] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the metastore gets every variable metastore-site.xml reads, locally and in the cluster", () => {
  const read = readVariables(["metastore/metastore-site.xml"], /\$\{env\.(\w+)\}/g);
  assert.deepEqual(Object.values(METASTORE_SERVER_ENV).filter((n) => !read.has(n)), [], "METASTORE_SERVER_ENV names only what the file reads");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-facts-"));
  try {
    const ctx = localContext(dir);
    const local = envFile(metastore(ctx).program().envFile);
    assert.deepEqual([...read].filter((n) => !(n in local)), [], "the local env file sets every variable");
    const cluster = new Set([...clusterMetastoreEnv({ postgresHost: "pg", postgresSecretName: "pg", s3: { endpoint: "http://s3", region: "r" } }).map((e) => e.name as string), ...FROM_IDENTITY_SECRET]);
    assert.deepEqual([...read].filter((n) => !cluster.has(n)), [], "the cluster's metastore gets every variable");
    assert.equal(local[METASTORE_SERVER_ENV.dbUser], "metastore");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
