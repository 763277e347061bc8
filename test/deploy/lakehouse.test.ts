/**
 * The lakehouse deployed for real: the dev stack's `pulumi up` by the real engine on the one-node
 * cluster, with the project's images (test/deploy/images.test.ts builds and loads them first), a
 * day through every layer run as the schedule runs it (`lakehouse deploy run`), inspected as users
 * do (kubectl, Trino on its NodePort), a failed run, least privilege, a config change, and a
 * destroy that leaves nothing behind. The tests run in order and build on each other.
 *
 * Expected values come from outside the code under test: the ingest run's own report and the
 * bronze manifest (what the source sent), an independent calculation of gold from silver, the
 * Kubernetes API's view of each object.
 */
import assert from "node:assert/strict";
import { DUPLICATE_MESS_KINDS, REJECTED_MESS_KINDS } from "../../src/ingest/synthetic/mess";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { Stack } from "@pulumi/pulumi/automation";
import type { ClusterContext } from "../../src/cluster/cluster";
import { loadImages } from "../../src/cluster/images";
import { LOGICAL_DATE_LABEL, runState, startRun, waitForRuns, type PipelineJob, type RunTarget, type StartedRun } from "../../src/deploy/runs";
import { consoleLogger } from "../../src/lib/log";
import { s3Client } from "../../src/lib/s3";
import { query } from "../../src/lib/trino";
import { markerKeyFor } from "../../components/jobs";
import { PIPELINE_NAME } from "../../components/pipeline";
import { compareDay } from "../../bench/lib/check";
import { DuckBench, downloadBronzeDay, renderSql, silverTripsSql } from "../../bench/lib/duckdb";
import { supersetLogin } from "../../src/serving/superset-assets";
import { repoRoot } from "../../src/local/paths";
import { clusterDiagnosis, k, testCluster } from "../cluster/harness";
import { BACKGROUND_IMAGE_TAG, projectImages } from "./images";
import { localStackRows } from "./local-day";
import { assertAnsweredFromCache, assertChartsMatchTrino, dashboardCharts, findRevenueTrends, launchChromium, renderRevenueTrends } from "../support/revenue-trends";
import { clusterS3Connection, clusterTrino, configValue, devStack, lakehouse, list, NS, portForward, withClusterS3 } from "./support";
import { EXPECTED_ACCESS, placeProbes, probeAccess } from "../support/s3-access";
import { s3SecretName } from "../../components/minio";
import { IDENTITIES, type Identity } from "../../components/policies";

const DAY = "2023-06-01";
/** The day the faults are made on. */
const FAULT_DAY = "2023-06-02";
/** A day nothing was ingested for: its gold run must fail, and say why. */
const EMPTY_DAY = "2023-05-01";
const OPERATOR_NS = `${NS}-spark-operator`;
const log = consoleLogger("test-deploy");

let ctx: ClusterContext;
let stack: Stack;
const timings: Record<string, number> = {};

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[what] = Math.round((Date.now() - t0) / 1000);
    log.step(`${what}: ${timings[what]} s`);
  }
}

const changes = (summary: Record<string, number> | undefined) => Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && n > 0));

before(async () => {
  ctx = await testCluster();
  // Built by this run's background build, or by images.test.ts (then podman's layer cache answers).
  const refs = await projectImages(BACKGROUND_IMAGE_TAG, log);
  await loadImages(ctx.layout.containerdSocket, Object.values(refs), ctx.layout.imagesLoaded, log);
  stack = await devStack(ctx);
  // A stack left by an earlier, interrupted run goes first: every test here starts from nothing.
  // Refreshed first: the cluster may have been made anew since (a Helm release the state still
  // lists, and no longer there, fails a plain destroy: "Release not loaded").
  await timed("destroy of leftovers", () => stack.destroy({ refresh: true }));
});

after(async () => {
  log.step(`timings (s): ${JSON.stringify(timings)}`);
});

describe("the dev stack on the one-node cluster", () => {
  test("pulumi up completes: every Deployment and StatefulSet Ready, every init Job complete", { timeout: 1_200_000 }, async () => {
    const result = await timed("first up", () => stack.up()).catch(async (e: Error) => {
      throw new Error(`pulumi up failed: ${await clusterDiagnosis(ctx, NS)}\n--- pulumi's report:\n${e.message}`);
    });
    assert.equal(result.summary.result, "succeeded");
    assert.ok((result.summary.resourceChanges?.create ?? 0) >= 50, JSON.stringify(result.summary.resourceChanges));
    for (const ns of [NS, OPERATOR_NS]) {
      for (const kind of ["deployments", "statefulsets"]) {
        for (const o of await list(ctx, ns, kind)) {
          assert.equal(o.status.readyReplicas ?? 0, o.spec.replicas, `${kind} ${ns}/${o.metadata.name}: ${o.status.readyReplicas ?? 0}/${o.spec.replicas} ready`);
        }
      }
    }
    const names = async (ns: string, kind: string) => (await list(ctx, ns, kind)).map((o) => o.metadata.name).sort();
    assert.deepEqual(await names(NS, "statefulsets"), ["hive-metastore-postgres", "minio"]);
    assert.deepEqual(await names(NS, "deployments"), ["hive-metastore", "superset", "trino-coordinator", "trino-worker"]);
    assert.equal((await names(OPERATOR_NS, "deployments")).length, 2, "the spark-operator's controller and webhook");
    const initJobs = await list(ctx, NS, "jobs");
    assert.deepEqual(initJobs.map((j) => j.metadata.name.replace(/-[a-z0-9]{8}$/, "")).sort(), ["minio-provision", "superset-import-assets", "superset-init", "trino-schemas"]);
    for (const j of initJobs) assert.ok((j.status.succeeded ?? 0) >= 1, `init Job ${j.metadata.name} did not complete: ${JSON.stringify(j.status.conditions)}`);
    assert.deepEqual((await list(ctx, NS, "cronjobs")).map((c) => c.metadata.name).sort(), ["lakehouse-gold", "lakehouse-ingest", "lakehouse-maintenance"]);
    assert.deepEqual((await list(ctx, NS, "scheduledsparkapplications")).map((c) => c.metadata.name), ["lakehouse-silver"]);
  });

  test("a second pulumi up changes nothing", { timeout: 600_000 }, async () => {
    const result = await timed("second up", () => stack.up());
    assert.deepEqual(changes(result.summary.resourceChanges), {});
  });
});

describe(`a day (${DAY}) through every layer, as the schedule runs it`, () => {
  let ingested: { dataset: string; records: number }[] = [];

  test("lakehouse deploy run all: ingest → silver → gold → maintenance, each one's summary shown", { timeout: 1_800_000 }, async () => {
    const out = await timed("the day's four runs", () => lakehouse(ctx, ["deploy", "run", "all", "--stack", "dev", "--date", DAY]));
    assert.equal(out.code, 0, out.stderr.slice(-4000));
    for (const job of ["ingest", "silver", "gold", "maintenance"]) assert.match(out.stderr, new RegExp(`^ok +lakehouse-${job}-${DAY}-[a-z0-9]{5} `, "m"), `${job} in:\n${out.stderr}`);
    const report = JSON.parse(/^ +(\{"ingested".*)$/m.exec(out.stderr)?.[1] ?? "null");
    assert.ok(report, `the ingest run's summary line:\n${out.stderr}`);
    ingested = report.ingested;
    assert.deepEqual(ingested.map((r) => r.dataset).sort(), ["trips", "weather"]);
    assert.ok(ingested.find((r) => r.dataset === "trips")!.records > 1000);
  });

  test("kubectl lists the day's runs under the stack's watchJobs selector, with dated names, each log ending in its summary", { timeout: 300_000 }, async () => {
    const watch = String((await stack.outputs()).watchJobs.value);
    const selector = watch.split(" -l ")[1];
    const listed = await k(ctx, ["-n", NS, "get", "cronjobs,jobs,scheduledsparkapplications,sparkapplications", "-l", selector, "-o", "name"]);
    for (const job of ["ingest", "gold", "maintenance"]) assert.match(listed, new RegExp(`^job\\.batch/lakehouse-${job}-${DAY}-`, "m"), listed);
    assert.match(listed, new RegExp(`^sparkapplication\\.sparkoperator\\.k8s\\.io/lakehouse-silver-${DAY}-`, "m"), listed);
    const runs = (await list(ctx, NS, "jobs", `${LOGICAL_DATE_LABEL}=${DAY}`)).map((j) => j.metadata.name);
    const logOf = (name: string, container: string) => k(ctx, ["-n", NS, "logs", `job/${name}`, "-c", container]);
    const ingestLog = await logOf(runs.find((n) => n.startsWith("lakehouse-ingest-"))!, "ingest");
    assert.match(ingestLog, /^\{"ingested":\[\{"dataset":/m, "the ingest run's summary in its log");
    assert.doesNotMatch(ingestLog, /NodeVersionSupportWarning|ExperimentalWarning/, "no library noise in the job's log");
    const [app] = await list(ctx, NS, "sparkapplications", `${LOGICAL_DATE_LABEL}=${DAY}`);
    const driverLog = await k(ctx, ["-n", NS, "logs", `${app.metadata.name}-driver`, "-c", "spark-kubernetes-driver"]);
    const silver = JSON.parse(driverLog.trim().split("\n").filter((l) => l.startsWith('{"results"')).at(-1) ?? "null");
    assert.ok(silver, `the silver driver's summary line:\n${driverLog.slice(-3000)}`);
    for (const r of ingested) {
      const s = silver.results.find((x: any) => x.dataset === r.dataset);
      assert.equal(s.bronze_records, r.records, `${r.dataset}: silver read what ingest wrote`);
      assert.equal(s.bronze_records, s.silver_rows + s.rejected + s.duplicates_removed, `${r.dataset} reconciles`);
    }
    const goldRun = runs.find((n) => n.startsWith("lakehouse-gold-"))!;
    const goldLog = await logOf(goldRun, "gold");
    assert.match(goldLog, /Completed successfully/);
    assert.match(goldLog, /ERROR=0 /);
    // dbt is an init container, the dashboards' cache refresh the last: kubectl logs shows dbt unless told.
    assert.equal(await k(ctx, ["-n", NS, "logs", `job/${goldRun}`]), goldLog, "kubectl logs job/<gold run> shows dbt's log");
    assert.match(await logOf(goldRun, "refresh-dashboards"), /^refreshed: Revenue Trends \(5 chart queries/m);
  });

  test("through Trino on its NodePort: silver_runs reconcile with the bronze manifest, the rejects are the injected mess, gold equals a calculation from silver", { timeout: 300_000 }, async () => {
    const admin = await clusterTrino(stack, "admin");
    const rows = async (sql: string) => (await query(admin, sql)).rows;
    const manifest = await withClusterS3(ctx, "spark", async (conn) => {
      const got = await s3Client(conn).send(new GetObjectCommand({ Bucket: "bronze", Key: markerKeyFor("bronze", "trips", DAY) }));
      return JSON.parse(await got.Body!.transformToString());
    });
    const [run] = await rows(`select bronze_records, silver_rows, rejected, duplicates_removed from iceberg.silver.silver_runs where dataset = 'trips' and source_date = date '${DAY}' order by finished_at desc limit 1`);
    assert.ok(run, "silver_runs has the day");
    const [bronze, silverRows, rejected, duplicates] = run.map(Number);
    assert.equal(bronze, manifest.records, "silver read every record the source sent");
    assert.equal(bronze, silverRows + rejected + duplicates);
    const injected = manifest.source_detail.injected_mess as Record<string, number>;
    assert.equal(rejected, REJECTED_MESS_KINDS.reduce((s, kind) => s + injected[kind], 0), JSON.stringify(injected));
    assert.equal(duplicates, DUPLICATE_MESS_KINDS.reduce((s, kind) => s + injected[kind], 0));
    const expected = await rows(`
      select taxi_id, count(*), sum(fare), sum(coalesce(tips, 0)), sum(coalesce(tolls, 0)), sum(coalesce(extras, 0)), sum(trip_total), sum(trip_miles)
      from iceberg.silver.trips where pickup_date = date '${DAY}' group by taxi_id order by taxi_id`);
    const dashboard = await clusterTrino(stack, "dashboard");
    const actual = (await query(dashboard, `
      select driver_id, trips, fare, tips, tolls, surcharges, total_revenue, distance_miles
      from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${DAY}' order by driver_id`)).rows;
    assert.ok(expected.length > 100, `a realistic fleet drove on ${DAY}: ${expected.length} drivers`);
    assert.deepEqual(actual.map((r) => r.map(String)), expected.map((r) => r.map(String)));
  });

  test("silver and gold on the cluster equal DuckDB's own calculation from the day's raw bronze files (bench/duckdb: another engine, other code)", { timeout: 300_000 }, async () => {
    const agreement = await agreementWithDuckDb(DAY);
    assert.deepEqual(agreement.problems, [], JSON.stringify(agreement));
    assert.ok(agreement.drivers.lakehouse > 100, JSON.stringify(agreement.drivers));
  });

  test("gold on the cluster equals the same day run on the local stack from the same seed: every row of daily_revenue_by_driver, the day's revenue_trends totals", { timeout: 1_800_000 }, async () => {
    const sql = {
      byDriver: `select * from iceberg.gold.daily_revenue_by_driver where revenue_date = date '${DAY}' order by driver_id`,
      // The day's own columns: the rolling averages also read earlier days, which the local stack's
      // integration tier may have loaded and the cluster has not.
      trends: `select revenue_date, trips, active_drivers, total_revenue, tips, distance_miles, revenue_per_mile, weather_condition, temperature_max_c from iceberg.gold.revenue_trends where revenue_date = date '${DAY}'`,
    };
    const dashboard = await clusterTrino(stack, "dashboard");
    const cluster = { byDriver: (await query(dashboard, sql.byDriver)).rows, trends: (await query(dashboard, sql.trends)).rows };
    const [byDriver, trends] = await timed("the same day on the local stack", () => localStackRows(DAY, [sql.byDriver, sql.trends]));
    const local = { byDriver, trends };
    assert.ok(cluster.byDriver.length > 100, `a realistic fleet drove on ${DAY}: ${cluster.byDriver.length} drivers`);
    assert.equal(cluster.trends.length, 1, "one trends row for the day");
    const asText = (rows: unknown[][]) => rows.map((r) => r.map(String));
    assert.deepEqual(asText(cluster.byDriver), asText(local.byDriver));
    assert.deepEqual(asText(cluster.trends), asText(local.trends));
  });

  test("the cluster's Superset serves Revenue Trends with the day's gold: every chart drawn in a real browser, its data equal to Trino's answer as the dashboard user", { timeout: 600_000 }, async () => {
    const target = { baseUrl: "http://localhost:30088", adminUser: "admin", adminPassword: await configValue(stack, "lakehouse:supersetAdminPassword") };
    const api = await supersetLogin(target.baseUrl, target.adminUser, target.adminPassword, "is the dev stack up? 'lakehouse deploy up'");
    const dashboardId = await findRevenueTrends(api);
    const chromium = await launchChromium(log);
    try {
      const captured = await renderRevenueTrends(chromium.browser, target, api, dashboardId, path.join(repoRoot, "test-results", "revenue-trends-cluster.png"));
      // The gold run's last step warmed the cache with the day's gold.
      assertAnsweredFromCache(captured, await dashboardCharts(api, dashboardId));
      await assertChartsMatchTrino(api, captured, await clusterTrino(stack, "dashboard"), dashboardId);
    } finally {
      await chromium.close();
    }
  });

  test("a run whose upstream never arrives fails, and says why in its log, in the CLI's report and in kubectl describe", { timeout: 600_000 }, async () => {
    const out = await timed("a failing gold run", () => lakehouse(ctx, ["deploy", "run", "gold", "--stack", "dev", "--date", EMPTY_DAY, "--upstream-timeout", "5"]));
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, new RegExp(`FAILED lakehouse-gold-${EMPTY_DAY}-`));
    assert.match(out.stderr, new RegExp(`gave up: no s3://silver/_markers/trips/date=${EMPTY_DAY}\\.json`));
    assert.match(out.stderr, /kubectl -n lakehouse describe job\/lakehouse-gold-/);
    const [job] = await list(ctx, NS, "jobs", `${LOGICAL_DATE_LABEL}=${EMPTY_DAY}`);
    const described = await k(ctx, ["-n", NS, "describe", "job", job.metadata.name]);
    assert.match(described, /BackoffLimitExceeded/);
  });
});

/** Silver and gold of a day on the cluster against DuckDB's calculation from the day's bronze files. */
async function agreementWithDuckDb(day: string) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-deploy-duckdb-"));
  try {
    const { files } = await withClusterS3(ctx, "spark", (conn) => downloadBronzeDay(conn, day, work));
    assert.ok(files.length > 0, `the bronze part files of ${day}`);
    const duck = await DuckBench.open();
    await duck.run(silverTripsSql(files, work));
    await duck.run(renderSql("gold_daily_revenue_by_driver.sql", { out: work }));
    return await compareDay(await clusterTrino(stack, "admin"), duck, day);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

describe(`faults on the cluster (${FAULT_DAY}): a pod of each engine deleted mid-run`, () => {
  const target = (): RunTarget => ({ kubectl: (args, input) => k(ctx, args, input), namespace: NS, prefix: PIPELINE_NAME });
  const faults: string[] = [];

  /** Starts `job`, waits until `ready` says the moment has come, deletes the pod `victim` names, then waits for the run (and its retries) to end. */
  async function runWithFault(job: PipelineJob, victim: (run: StartedRun) => string | Promise<string>, ready: (run: StartedRun) => Promise<boolean>) {
    const run = await startRun(target(), job, FAULT_DAY);
    const t0 = Date.now();
    for (;;) {
      const state = await runState(target(), run);
      assert.ok(!state.done, `${run.name} ended (${state.phase}) before the fault could be made`);
      if (await ready(run).catch(() => false)) break;
      assert.ok(Date.now() - t0 < 900_000, `${run.name}: the moment for the fault never came`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const pod = await victim(run);
    await k(ctx, ["-n", NS, "delete", "pod", pod, "--wait=false"]);
    const deletedAfter = ((Date.now() - t0) / 1000).toFixed(0);
    const [end] = await waitForRuns(target(), [run], log, { timeoutMs: 1_500_000 });
    const status = JSON.parse(await k(ctx, ["-n", NS, "get", run.kind === "Job" ? "job" : "sparkapplication", run.name, "-o", "json"])).status;
    const failedAttempts = run.kind === "Job" ? (status.failed ?? 0) : Math.max(0, (status.executionAttempts ?? 1) - 1);
    faults.push(`${job}: ${pod} deleted ${deletedAfter} s after the run started; ${failedAttempts} failed attempt(s), then ${end.state.succeeded ? "completed" : `failed: ${end.state.phase}`}`);
    return end;
  }

  /** A failed run is rerun once, as an operator would after the fault; the rerun must complete. */
  async function rerunIfFailed(job: PipelineJob, end: { state: { succeeded: boolean }; summary: string }) {
    if (end.state.succeeded) return;
    assert.ok(end.summary, `a ${job} run failed by the fault must say why in its log`);
    const out = await lakehouse(ctx, ["deploy", "run", job, "--stack", "dev", "--date", FAULT_DAY]);
    assert.equal(out.code, 0, out.stderr.slice(-3000));
  }

  const logSays = (pattern: RegExp, container: string) => async (run: StartedRun) =>
    pattern.test(await k(ctx, ["-n", NS, "logs", run.kind === "Job" ? `job/${run.name}` : `${run.name}-driver`, "-c", container]));

  test("MinIO deleted as ingestion starts: the client's retries, the Job's retry or a rerun commit the whole day, once", { timeout: 1_800_000 }, async () => {
    // At once: the ingestion writes a day in about a second, too short to aim inside; the
    // mid-write case is the local stack's (test/integration/lifecycle/objectstore-ingest.test.ts).
    const end = await runWithFault("ingest", () => "minio-0", async () => true);
    await rerunIfFailed("ingest", end);
  });

  test("the silver driver deleted after its first dataset committed: the operator's retry completes the day, nothing doubled", { timeout: 1_800_000 }, async () => {
    // The driver logs "<dataset>: batch 1/1 (…) committed" per dataset; the retry comes after the
    // application's onFailureRetryInterval (5 minutes), and skips a day whose marker is there.
    const end = await runWithFault("silver", (run) => `${run.name}-driver`, logSays(/: batch \d+\/\d+ .* committed/, "spark-kubernetes-driver"));
    await rerunIfFailed("silver", end);
  });

  test("the Trino coordinator deleted while dbt builds gold: the run fails clearly or its retry completes; gold is whole", { timeout: 1_800_000 }, async () => {
    await k(ctx, ["-n", NS, "rollout", "status", "deployment/trino-coordinator", "--timeout=600s"]);
    const coordinator = async () => (await list(ctx, NS, "pods", "app.kubernetes.io/name=trino-coordinator"))[0].metadata.name;
    // dbt logs "1 of N START …" once it has parsed the project and begins to query Trino.
    const end = await runWithFault("gold", coordinator, logSays(/\d+ of \d+ START /, "gold"));
    await k(ctx, ["-n", NS, "rollout", "status", "deployment/trino-coordinator", "--timeout=600s"]);
    await rerunIfFailed("gold", end);
  });

  test("after the faults the day's silver and gold equal DuckDB's calculation from its bronze files", { timeout: 300_000 }, async () => {
    log.step(`faults: ${faults.join("; ")}`);
    const agreement = await agreementWithDuckDb(FAULT_DAY);
    assert.deepEqual(agreement.problems, [], JSON.stringify(agreement));
    const admin = await clusterTrino(stack, "admin");
    const runs = (await query(admin, `select dataset, count(*) from iceberg.silver.silver_runs where source_date = date '${FAULT_DAY}' group by 1 order by 1`)).rows;
    assert.deepEqual(runs.map((r) => [r[0], Number(r[1])]), [["trips", 1], ["weather", 1]], "each dataset's day committed once: the retry skipped what the first attempt had committed");
  });
});

describe("least privilege on the cluster", () => {
  test("each job identity, with its Secret's keys, reads and writes exactly what its policy grants (the local stack's matrix)", { timeout: 300_000 }, async () => {
    const store = await portForward(ctx, NS, "svc/minio", 9000);
    try {
      const root = await clusterS3Connection(ctx, "admin", store.url);
      const probe = await placeProbes(root);
      try {
        const found: Record<string, unknown> = {};
        for (const identity of IDENTITIES) found[identity] = await probeAccess(identity, await clusterS3Connection(ctx, identity, store.url), root, probe.key);
        assert.deepEqual(found, EXPECTED_ACCESS);
      } finally {
        await probe.remove();
      }
    } finally {
      store.close();
    }
  });

  test("each workload's pods get only their own S3 identity's Secret", { timeout: 120_000 }, async () => {
    // Who uses which identity, from docs/architecture.md; every other workload gets none.
    const expected: Record<string, Identity> = {
      [`${PIPELINE_NAME}-ingest`]: "ingest", [`${PIPELINE_NAME}-silver`]: "spark", [`${PIPELINE_NAME}-gold`]: "dbt", [`${PIPELINE_NAME}-maintenance`]: "maintenance",
      "trino-coordinator": "trino", "trino-worker": "trino", "hive-metastore": "metastore",
    };
    const identityOf = new Map(IDENTITIES.map((i) => [s3SecretName("minio", i), i]));
    const found: Record<string, string[]> = {};
    for (const kind of ["cronjobs", "scheduledsparkapplications", "deployments", "statefulsets"]) {
      for (const item of await list(ctx, NS, kind)) {
        found[item.metadata.name] = [...new Set(secretRefs(item.spec).filter((n) => identityOf.has(n)).map((n) => identityOf.get(n)!))].sort();
      }
    }
    for (const name of Object.keys(expected)) assert.ok(name in found, `workload ${name} exists (found: ${Object.keys(found).join(", ")})`);
    assert.deepEqual(found, Object.fromEntries(Object.keys(found).map((name) => [name, expected[name] ? [expected[name]] : []])));
  });
});

/** Every Secret a (pod) spec names, in env secretKeyRefs, envFrom secretRefs and secret volumes, at any depth. */
function secretRefs(spec: unknown): string[] {
  if (Array.isArray(spec)) return spec.flatMap(secretRefs);
  if (!spec || typeof spec !== "object") return [];
  const o = spec as Record<string, any>;
  const own = [o.secretKeyRef?.name, o.secretRef?.name, o.secret?.secretName].filter((n): n is string => typeof n === "string");
  return [...own, ...Object.values(o).flatMap(secretRefs)];
}

describe("a config change and the end", () => {
  test("trinoWorkers 1 → 2: pulumi up updates the Trino worker and the coordinator's memory limit, nothing else", { timeout: 900_000 }, async () => {
    const two = await devStack(ctx, { "lakehouse:trinoWorkers": "2" });
    const events: any[] = [];
    const result = await timed("up with 2 Trino workers", () => two.up({ onEvent: (e) => events.push(e) }));
    const changed = events.map((e) => e.resOutputsEvent?.metadata).filter((m) => m && m.op !== "same" && m.type !== "pulumi:pulumi:Stack").map((m) => `${m.op} ${m.urn.split("::").pop()}`);
    // The coordinator too: its query memory limit is one GB per worker (TRINO_QUERY_MAX_MEMORY).
    assert.deepEqual(changed.sort(), ["update trino-coordinator", "update trino-worker"], JSON.stringify(result.summary.resourceChanges));
    const [worker] = await list(ctx, NS, "deployments", "app.kubernetes.io/name=trino-worker");
    assert.equal(worker.status.readyReplicas, 2);
    const [coordinator] = await list(ctx, NS, "deployments", "app.kubernetes.io/name=trino-coordinator");
    const env = coordinator.spec.template.spec.containers[0].env.find((e: any) => e.name === "TRINO_QUERY_MAX_MEMORY");
    assert.equal(env?.value, "2GB");
    for (const name of ["minio", "hive-metastore-postgres"]) {
      const [sts] = await list(ctx, NS, "statefulsets").then((all) => all.filter((x) => x.metadata.name === name));
      assert.equal(sts.metadata.generation, 1, `${name} was not touched`);
    }
  });

  test("pulumi destroy leaves no namespace, volume or CRD behind", { timeout: 900_000 }, async () => {
    const result = await timed("destroy", () => stack.destroy());
    assert.equal(result.summary.result, "succeeded");
    const namespaces = (await k(ctx, ["get", "namespaces", "-o", "name"])).split("\n");
    assert.ok(!namespaces.includes(`namespace/${NS}`) && !namespaces.includes(`namespace/${OPERATOR_NS}`), namespaces.join(" "));
    assert.equal((await k(ctx, ["get", "pv", "-o", "name"])).trim(), "");
    assert.doesNotMatch(await k(ctx, ["get", "crd", "-o", "name"]), /sparkoperator/);
  });
});
