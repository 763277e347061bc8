/**
 * What the fault and bad-input tests (issue 9) share: jobs started as real processes in their
 * own process group (so a test can watch their output, and kill the whole tree the way a lost
 * node would), bronze partitions written in the ingestion writer's own format, the state a
 * fault must not change, and the clean-up that keeps silver reconciled with gold for the
 * test files that run after.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { bronzeS3Client, ingestDay, type Connector } from "../../../src/ingest/index";
import { dateRange, MANIFEST_NAME, manifestKey, partitionPrefix } from "../../../src/ingest/layout";
import { MANIFEST_VERSION, SchemaProfiler, type Manifest, type ManifestObject } from "../../../src/ingest/manifest";
import { deleteObjects, listObjects, putObject } from "../../../src/ingest/s3";
import { checkPartition } from "../../../src/ingest/validate";
import { runSilver } from "../../../src/local/jobs/pipeline";
import { sparkSubmitArgs } from "../../../src/local/jobs/spark";
import { jobEnv } from "../../../src/local/jobs/env";
import { silentLogger } from "../../../src/lib/log";
import { getText } from "../../../src/lib/s3";
import { query } from "../../../src/lib/trino";
import { repoRoot } from "../../../src/local/paths";
import { DATABASES, psql } from "../../../src/local/services/postgres";
import type { TestStack } from "../harness";

export interface ProcessRun {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Settles when the process exits, with its code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/**
 * Starts a process as the leader of a new process group: everything it starts (spark-submit's
 * JVM, the Python driver and its workers, dbt) shares the group, so killGroup reaches them all.
 */
export function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessRun {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, output }));
  });
  return { child, output: () => output, exited };
}

/** `lakehouse <args>` as its own process, on the same stack (LAKEHOUSE_HOME and ports come from this environment). */
export function startCli(args: string[]): ProcessRun {
  return startProcess(process.execPath, [path.join(repoRoot, "bin", "lakehouse.mjs"), ...args]);
}

/** The silver job exactly as `lakehouse run silver` submits it, but started here so it can be killed. */
export function startSilverJob(stack: TestStack, args: string[]): ProcessRun {
  const job = { script: "lakehouse/silver/job.py", args, identity: "spark" as const };
  return startProcess(path.join(stack.ctx.paths.venv, "bin", "spark-submit"), sparkSubmitArgs(stack.ctx, job), {
    cwd: path.join(repoRoot, "spark"),
    env: { ...process.env, ...jobEnv(stack.ctx, "spark"), PYTHONPATH: path.join(repoRoot, "spark") },
  });
}

/** Pids of the processes still in a process group. */
export function groupMembers(pgid: number): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid !== undefined)
    .map(([pid]) => pid);
}

/** SIGKILLs every process of the group a ProcessRun leads, and waits until none is left. */
export async function killGroup(run: ProcessRun): Promise<void> {
  const pgid = run.child.pid!;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
  await run.exited;
  await until(() => groupMembers(pgid).length === 0, { timeoutMs: 10_000, what: `every process of group ${pgid} to exit` });
}

/** Polls `cond` until it holds; throws naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, opts: { timeoutMs: number; intervalMs?: number; what: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

// --- bronze -----------------------------------------------------------------------------

/** The object store as the ingestion job (policies/ingest.json): what writes bronze for real. */
export function ingestS3(stack: TestStack): S3Client {
  return bronzeS3Client(stack.s3("ingest"));
}

/** The object store as its root user: for setting up and inspecting, never for asserting access. */
export function rootS3(stack: TestStack): S3Client {
  return bronzeS3Client(stack.s3Root());
}

export interface BronzePart {
  /** Object name in the partition, e.g. part-00003.json.gz. */
  name: string;
  /** The bytes stored, exactly (a corrupt object is stored as it is). */
  body: Buffer;
  /** What the manifest declares for it: the lines the source sent. */
  records: number;
  /** The decoded lines, for the manifest's schema profile. */
  lines: string[];
  /** Size and sha256 the manifest declares, when the object was damaged after its commit (default: the body's). */
  declared?: { bytes: number; sha256: string };
}

/**
 * Replaces a day's bronze partition with `parts` and commits it with a manifest in the format
 * src/ingest/writer.ts writes (objects with key, size and sha256, total counts, schema profile),
 * as the last object, exactly as the writer does.
 */
export async function writeBronzePartition(client: S3Client, dataset: "trips" | "weather", date: string, parts: BronzePart[], source: string): Promise<Manifest> {
  const prefix = partitionPrefix(dataset, date);
  await deleteObjects(client, "bronze", (await listObjects(client, "bronze", prefix)).map((o) => o.key));
  const profiler = new SchemaProfiler();
  const objects: ManifestObject[] = [];
  for (const part of parts) {
    await putObject(client, "bronze", prefix + part.name, part.body, "application/x-ndjson", part.name.endsWith(".gz") ? "gzip" : undefined);
    for (const line of part.lines) profiler.addLine(line);
    const { bytes, sha256 } = part.declared ?? { bytes: part.body.length, sha256: createHash("sha256").update(part.body).digest("hex") };
    objects.push({ name: part.name, key: prefix + part.name, records: part.records, bytes, sha256 });
  }
  const manifest: Manifest = {
    manifest_version: MANIFEST_VERSION,
    dataset,
    source,
    source_detail: { written_by: "test/integration/reliability/support.ts" },
    logical_date: date,
    fetched_at: new Date().toISOString(),
    format: "ndjson",
    compression: "gzip",
    records: objects.reduce((s, o) => s + o.records, 0),
    bytes: objects.reduce((s, o) => s + o.bytes, 0),
    objects,
    schema: profiler.profile(),
  };
  await putObject(client, "bronze", manifestKey(dataset, date), Buffer.from(JSON.stringify(manifest, null, 2) + "\n"), "application/json");
  return manifest;
}

/**
 * The invariant a fault must keep: a partition that has a manifest is whole (every listed
 * object present with its size, sha256 and line count). A partition with no manifest is an
 * uncommitted run, which nothing downstream reads, so it is not a problem here.
 */
export async function committedPartitionProblems(client: S3Client, dataset: string, dates: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const date of dates) {
    const report = await checkPartition(client, "bronze", dataset, date, { content: true });
    const uncommitted = report.problems.length === 1 && report.problems[0].includes(`no ${MANIFEST_NAME}`);
    if (!report.ok && !uncommitted) problems.push(...report.problems.map((p) => `${dataset} ${date}: ${p}`));
  }
  return problems;
}

/** Whether the partition has a manifest (is committed). */
export async function hasManifest(client: S3Client, dataset: string, date: string): Promise<boolean> {
  return (await getText(client, "bronze", manifestKey(dataset, date))) !== undefined;
}

// --- the metastore's table locks ----------------------------------------------------------

export interface MetastoreLock {
  id: string;
  table: string;
  /** a: acquired, w: waiting. */
  state: string;
}

function parseLocks(out: string): MetastoreLock[] {
  return out
    .split("\n")
    .filter((l) => l.includes("|"))
    .map((l) => {
      const [id, table, state] = l.split("|");
      return { id, table, state };
    });
}

const LOCKS_SQL = "select hl_lock_ext_id, hl_db || '.' || hl_table, hl_lock_state from hive_locks";

/** The Hive Metastore's current table locks (Iceberg takes one on a table for each commit). */
export async function metastoreLocks(stack: TestStack): Promise<MetastoreLock[]> {
  return parseLocks(await psql(stack.ctx, LOCKS_SQL, DATABASES.metastore));
}

/**
 * Watches the metastore's lock table every few milliseconds over one psql session: an
 * Iceberg commit holds its table's lock for a few hundred milliseconds (metadata written,
 * table swapped in the metastore, lock released), which is the instant a test can aim a kill at.
 */
export function watchMetastoreLocks(stack: TestStack): { seen(table: string): MetastoreLock | undefined; stop(): void } {
  const { ctx } = stack;
  const child = spawn(path.join(ctx.installed.postgresBin, "psql"), ["-h", ctx.settings.host, "-p", String(ctx.settings.ports.postgres), "-U", ctx.secrets.postgres.superuser, "-d", DATABASES.metastore, "-tAq"], {
    env: { ...process.env, PGPASSWORD: ctx.secrets.postgres.password },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const seen = new Map<string, MetastoreLock>();
  let pending = "";
  child.stdout!.on("data", (d: Buffer) => {
    pending += d.toString();
    const end = pending.lastIndexOf("\n");
    for (const lock of parseLocks(pending.slice(0, end + 1))) if (lock.state === "a" && !seen.has(lock.table)) seen.set(lock.table, lock);
    pending = pending.slice(end + 1);
  });
  child.stdin!.on("error", () => undefined);
  const timer = setInterval(() => child.stdin!.write(LOCKS_SQL + ";\n"), 3);
  return {
    seen: (table) => seen.get(table),
    stop: () => {
      clearInterval(timer);
      child.kill();
    },
  };
}

// --- silver -----------------------------------------------------------------------------

/** A table's current snapshot id, as text (Trino's bigint does not survive a JS number). */
export async function currentSnapshot(stack: TestStack, table: string): Promise<string | null> {
  const { rows } = await query(stack.trino(), `select cast(snapshot_id as varchar) from iceberg.silver."${table}$snapshots" order by committed_at desc limit 1`);
  return (rows[0]?.[0] as string | undefined) ?? null;
}

/** The day's silver completion marker (what gold waits for), parsed; undefined when absent. */
export async function silverMarker(stack: TestStack, dataset: string, day: string): Promise<Record<string, unknown> | undefined> {
  const text = await getText(bronzeS3Client(stack.s3("spark")), "silver", `_markers/${dataset}/date=${day}.json`);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

export interface SilverRun {
  run_id: string;
  bronze_records: number;
  silver_rows: number;
  rejected: number;
  duplicates_removed: number;
}

/** Every silver.silver_runs row of a day, oldest first. */
export async function silverRuns(stack: TestStack, dataset: string, day: string): Promise<SilverRun[]> {
  const { rows } = await query(
    stack.trino(),
    `select run_id, bronze_records, silver_rows, rejected, duplicates_removed from iceberg.silver.silver_runs
     where dataset = '${dataset}' and source_date = date '${day}' order by finished_at`,
  );
  return rows.map(([run_id, bronze_records, silver_rows, rejected, duplicates_removed]) => ({ run_id, bronze_records, silver_rows, rejected, duplicates_removed }) as SilverRun);
}

/**
 * Makes trips days empty in bronze and silver, through the real path (only the Spark job may
 * write silver). gold's reconciliation test compares every silver day with gold, so a test
 * that leaves silver trips on a day it never built gold for would fail every later gold run.
 */
export async function emptyTripsDays(stack: TestStack, days: string[]): Promise<void> {
  // One Spark run covers them, as a --from/--to range: every day of it must be the test's own.
  assert.deepEqual(days, dateRange(days[0], days.at(-1)!), "emptyTripsDays takes consecutive days, in order");
  const empty: Connector = { source: "empty", dataset: "trips", describe: () => ({ emptied_by: "an issue-9 test's clean-up" }), async *fetchDay() {} };
  for (const day of days) await ingestDay({ s3: stack.s3("ingest"), connector: empty, date: day });
  await runSilver(stack.ctx, days, { dataset: "trips", force: true, log: silentLogger });
}

/** A day of gold as readers see it, in each table a day's build rewrites: what a rerun must reproduce. */
export async function goldDayRows(stack: TestStack, day: string) {
  const q = async (sql: string) => (await query(stack.trino(), sql)).rows;
  return {
    byDriver: await q(`select * from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${day}' order by driver_id`),
    trips: await q(`select count(*), checksum(trip_id), sum(total_revenue) from iceberg.gold.fct_trips where trip_date = date '${day}'`),
    trend: await q(`select * from iceberg.gold.revenue_trends where revenue_date = date '${day}'`),
  };
}
