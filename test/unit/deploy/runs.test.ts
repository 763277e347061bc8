/**
 * `lakehouse deploy run`'s builders, fed the dev stack's own CronJobs and ScheduledSparkApplication
 * (the program run under mocks): the runs they make must be valid Kubernetes objects (the
 * OpenAPI schema of kubernetes-models, the spark-operator's SparkApplication CRD), dated in every
 * place the schedule's own run reads its date, and listed by the stack's watchJobs selector.
 * The cluster tests run them for real (test/deploy).
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { jobForDay, jobState, LOGICAL_DATE_LABEL, runName, sparkAppForDay, sparkAppState, summaryLine } from "../../../src/deploy/runs";
import { byType, runStack } from "../pulumi/harness";
import { unwrap, validateWithKubernetesModels } from "../pulumi/stack-checks";
import { crdErrors } from "../../support/spark-operator-crd";

/** The Kubernetes OpenAPI schema's verdict on a Job (kubernetes-models). */
const validateJob = (job: unknown) => validateWithKubernetesModels({ type: "kubernetes:batch/v1:Job", name: "run", inputs: job as Record<string, any>, secretPaths: [], dependencies: [] });

let cronJobs: Record<string, any>;
let scheduled: any;
let selector: string;

/** What the API server adds to a stored object, and the program's inputs do not have. */
const stored = (o: any, uid: string) => ({ ...o, metadata: { ...o.metadata, uid } });

before(async () => {
  const { resources, outputs } = await runStack("dev", { buildImages: "false" });
  cronJobs = Object.fromEntries(byType(resources, "kubernetes:batch/v1:CronJob").map((r) => [r.name, stored(unwrap(r.inputs), `uid-${r.name}`)]));
  scheduled = stored(unwrap(byType(resources, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication")[0].inputs), "uid-silver");
  selector = String(outputs.watchJobs.value).split(" -l ")[1];
});

/** Every env var named `name` in a pod spec's containers (init containers too). */
function envValues(pod: any, name: string): (string | undefined)[] {
  return [...(pod.initContainers ?? []), ...pod.containers].flatMap((c: any) => (c.env ?? []).filter((e: any) => e.name === name).map((e: any) => e.value));
}

const matchesSelector = (labels: Record<string, string>) => selector.split(",").every((kv) => labels[kv.split("=")[0]] === kv.split("=")[1]);

test("a gold run: a valid Job, dated wherever the schedule's run reads its date, listed by watchJobs, owned by its CronJob", async () => {
  const cron = cronJobs["lakehouse-gold"];
  const job = jobForDay(cron, "2024-02-29", "lakehouse-gold-2024-02-29-abcde");
  await validateJob(job);
  const pod = job.spec.template.spec;
  assert.ok(envValues(pod, "LOGICAL_DATE").length >= 2, "the wait and dbt both read LOGICAL_DATE");
  assert.deepEqual([...new Set(envValues(pod, "LOGICAL_DATE"))], ["2024-02-29"]);
  assert.deepEqual(envValues(pod, "LAKEHOUSE_UPSTREAM_WAIT_SECONDS"), [], "the schedule's wait unless asked");
  assert.deepEqual(pod.containers.map((c: any) => c.command), cron.spec.jobTemplate.spec.template.spec.containers.map((c: any) => c.command));
  assert.ok(matchesSelector(job.metadata.labels), `labels ${JSON.stringify(job.metadata.labels)} vs selector ${selector}`);
  assert.equal(job.metadata.labels[LOGICAL_DATE_LABEL], "2024-02-29");
  assert.equal(job.spec.template.metadata.labels[LOGICAL_DATE_LABEL], "2024-02-29");
  assert.deepEqual(job.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid, o.controller]), [["CronJob", "lakehouse-gold", "uid-lakehouse-gold", false]]);
  const cronPod = cron.spec.jobTemplate.spec.template.spec;
  const dbt = [...cronPod.initContainers, ...cronPod.containers].find((c: any) => c.name === "gold");
  assert.equal(dbt.env.find((e: any) => e.name === "LOGICAL_DATE").value, "", "the CronJob itself is not changed");
});

test("the upstream timeout goes to the wait container only", () => {
  const job = jobForDay(cronJobs["lakehouse-gold"], "2024-03-01", "n", { upstreamTimeoutSeconds: 30 });
  const pod = job.spec.template.spec;
  const timeouts = [...pod.initContainers, ...pod.containers].map((c: any) => [c.name, c.env.find((e: any) => e.name === "LAKEHOUSE_UPSTREAM_WAIT_SECONDS")?.value]);
  assert.deepEqual(timeouts, [["wait-for-silver", "30"], ["gold", undefined], ["refresh-dashboards", undefined]]);
  assert.throws(() => jobForDay(cronJobs["lakehouse-gold"], "2024-03-01", "n", { upstreamTimeoutSeconds: -1 }), /seconds/);
});

test("every CronJob of the stack makes a valid dated Job (ingest has no upstream wait)", async () => {
  assert.deepEqual(Object.keys(cronJobs).sort(), ["lakehouse-gold", "lakehouse-ingest", "lakehouse-maintenance"]);
  for (const cron of Object.values(cronJobs)) {
    const job = jobForDay(cron, "2023-06-01", `${cron.metadata.name}-2023-06-01-x`);
    await validateJob(job);
    assert.deepEqual([...new Set(envValues(job.spec.template.spec, "LOGICAL_DATE"))], ["2023-06-01"], cron.metadata.name);
  }
  assert.equal(cronJobs["lakehouse-ingest"].spec.jobTemplate.spec.template.spec.initContainers, undefined);
});

test("a silver run: the template's --date and the driver's wait dated, a valid SparkApplication (the spark-operator's CRD)", async () => {
  const app = sparkAppForDay(scheduled, "2024-11-03", "lakehouse-silver-2024-11-03-abcde", { upstreamTimeoutSeconds: 60 });
  const errors = await crdErrors("SparkApplication", app);
  assert.equal(errors, null, `vs the spark-operator's SparkApplication CRD:\n  ${errors}`);
  assert.equal(app.kind, "SparkApplication");
  assert.deepEqual(app.spec.arguments.slice(0, 2), ["--date", "2024-11-03"]);
  assert.deepEqual(scheduled.spec.template.arguments.slice(0, 2), ["--date", "yesterday"], "the schedule itself is not changed");
  assert.deepEqual(app.spec.driver.initContainers.map((c: any) => c.env.find((e: any) => e.name === "LOGICAL_DATE").value), ["2024-11-03"]);
  assert.deepEqual(app.spec.driver.initContainers.map((c: any) => c.env.find((e: any) => e.name === "LAKEHOUSE_UPSTREAM_WAIT_SECONDS").value), ["60"]);
  assert.ok(matchesSelector(app.metadata.labels));
  assert.equal(app.spec.executor.labels[LOGICAL_DATE_LABEL], "2024-11-03");
  assert.deepEqual(app.metadata.ownerReferences.map((o: any) => [o.kind, o.uid, o.controller]), [["ScheduledSparkApplication", "uid-silver", false]]);
});

test("run names: readable and dated, a new one each second, short enough for the pods made from them", () => {
  const a = runName("lakehouse", "maintenance", "2023-06-01", Date.UTC(2026, 11, 3, 7, 0, 0));
  const b = runName("lakehouse", "maintenance", "2023-06-01", Date.UTC(2026, 11, 3, 7, 0, 1));
  assert.match(a, /^lakehouse-maintenance-2023-06-01-[a-z0-9]{5}$/);
  assert.notEqual(a, b);
  assert.throws(() => runName("lakehouse", "gold", "2023-02-30"), /not a calendar date/);
  assert.throws(() => runName("a-very-long-pipeline-name-indeed", "maintenance", "2023-06-01"), /52 characters/);
});

test("run states, from statuses as the API server reports them", () => {
  const waitingPod = { status: { phase: "Pending", initContainerStatuses: [{ name: "wait-for-silver", state: { running: { startedAt: "t" } } }] } };
  assert.deepEqual(jobState({ status: { active: 1 } }, waitingPod), { done: false, succeeded: false, phase: "waiting for silver (upstream)" });
  const pulling = { status: { phase: "Pending", containerStatuses: [{ name: "gold", state: { waiting: { reason: "ErrImageNeverPull" } } }] } };
  assert.equal(jobState({ status: {} }, pulling).phase, "gold: ErrImageNeverPull");
  const failed = { status: { failed: 3, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } };
  assert.deepEqual(jobState(failed), { done: true, succeeded: false, phase: "BackoffLimitExceeded: Job has reached the specified backoff limit" });
  assert.deepEqual(jobState({ status: { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] } }), { done: true, succeeded: true, phase: "Complete" });
  assert.equal(sparkAppState({ status: { applicationState: { state: "COMPLETED" } } }).succeeded, true);
  assert.deepEqual(sparkAppState({ status: { applicationState: { state: "FAILED", errorMessage: "driver container failed with ExitCode: 1" } } }), { done: true, succeeded: false, phase: "FAILED: driver container failed with ExitCode: 1" });
  assert.equal(sparkAppState({ status: { applicationState: { state: "RUNNING" } } }, { status: { phase: "Running" } }).phase, "running, driver running");
  assert.equal(sparkAppState({}).phase, "submitting");
});

test("a run's summary line is its main container's last JSON line, else its last; the wait's when the main one never ran", () => {
  assert.equal(summaryLine([{ container: "wait-for-bronze", text: "found s3://bronze/x" }, { container: "ingest", text: "logical date 2023-06-01\n{\"trips\":5703}\n\n" }]), '{"trips":5703}');
  assert.equal(summaryLine([{ container: "wait-for-silver", text: "waiting\ngave up: no s3://silver/_markers/trips/date=2023-06-02.json" }, { container: "gold", text: "" }]), "gave up: no s3://silver/_markers/trips/date=2023-06-02.json");
  assert.equal(summaryLine([]), "");
  // Gold: dbt in an init container after the wait, then the dashboards' cache refresh.
  assert.equal(
    summaryLine([{ container: "wait-for-silver", text: "found" }, { container: "gold", text: "1 of 2 OK\nDone. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2" }, { container: "refresh-dashboards", text: "refreshed: Revenue Trends (5 chart queries, 2.0s)\n" }]),
    "Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2 · refreshed: Revenue Trends (5 chart queries, 2.0s)",
  );
  // dbt failed: the refresh never ran.
  assert.equal(summaryLine([{ container: "wait-for-silver", text: "found" }, { container: "gold", text: "Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2" }, { container: "refresh-dashboards", text: "" }]), "Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2");
  // As kubectl showed an ingest run's log on the cluster: stderr's progress line after stdout's summary.
  assert.equal(summaryLine([{ container: "ingest", text: '{"ingested":[],"skipped":[]}\n[ingest    0.6s] trips 2023-06-01: 5703 records in 1 object(s), committed' }]), '{"ingested":[],"skipped":[]}');
  assert.equal(summaryLine([{ container: "gold", text: "08:32:53  Done. PASS=50 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=50\n" }]), "08:32:53  Done. PASS=50 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=50");
});
