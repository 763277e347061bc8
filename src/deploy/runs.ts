/**
 * Runs of the deployed pipeline for a chosen day, made from the deployed schedules themselves:
 * a Job from a CronJob's job template, a SparkApplication from the ScheduledSparkApplication's
 * template, with the logical date set. So a run now is exactly a scheduled run (same image,
 * identity, limits, upstream wait), only dated. `lakehouse deploy run` is built on it, and the
 * deployment tests use it: the path a user takes to backfill or rerun a day.
 *
 * The builders are pure (object in, object out); the I/O is kubectl's, as a user's would be.
 */
import { parseDay } from "../lib/dates";
import type { Logger } from "../lib/log";

export const PIPELINE_JOBS = ["ingest", "silver", "gold", "maintenance"] as const;
export type PipelineJob = (typeof PIPELINE_JOBS)[number];

/** The label every run made here carries: `kubectl get jobs,sparkapplications -l lakehouse.io/logical-date=D`. */
export const LOGICAL_DATE_LABEL = "lakehouse.io/logical-date";

/** kubectl with the target cluster's kubeconfig: args in, stdout out; rejects on a non-zero exit. */
export type Kubectl = (args: string[], input?: string) => Promise<string>;

export interface RunTarget {
  kubectl: Kubectl;
  namespace: string;
  /** The pipeline component's name (index.ts: "lakehouse"): the schedules are <prefix>-<job>. */
  prefix: string;
}

export interface RunOptions {
  /** Seconds the run waits for its upstream's commit marker (default: the schedule's, hours). */
  upstreamTimeoutSeconds?: number;
}

export interface StartedRun {
  job: PipelineJob;
  day: string;
  kind: "Job" | "SparkApplication";
  name: string;
}

const checkDay = (day: string) => parseDay(day, "the logical date");

/**
 * A run's name: the schedule's, the day, and a short suffix from the clock, so `kubectl get jobs`
 * reads as a list of dated runs and a rerun of the same day gets a name of its own.
 */
export function runName(prefix: string, job: PipelineJob, day: string, nowMs = Date.now()): string {
  checkDay(day);
  const suffix = Math.floor(nowMs / 1000).toString(36).slice(-5);
  const name = `${prefix}-${job}-${day}-${suffix}`;
  // Pods of a Job add 6 characters, the Spark driver "-driver": both must stay a DNS label (63).
  if (name.length > 52) throw new Error(`run name ${name} is longer than 52 characters: shorten the pipeline's name`);
  return name;
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };
type Container = { name: string; env?: EnvVar[] };

/** Sets LOGICAL_DATE where a container reads it (and the upstream wait where one waits). */
function dated(c: Container, day: string, opts: RunOptions): Container {
  const env = (c.env ?? []).map((e) => (e.name === "LOGICAL_DATE" ? { name: e.name, value: day } : e));
  const waits = c.name.startsWith("wait-for-");
  if (waits && opts.upstreamTimeoutSeconds !== undefined) {
    if (!(opts.upstreamTimeoutSeconds >= 0)) throw new Error(`the upstream timeout is a number of seconds (got ${opts.upstreamTimeoutSeconds})`);
    env.push({ name: "LAKEHOUSE_UPSTREAM_WAIT_SECONDS", value: String(Math.floor(opts.upstreamTimeoutSeconds)) });
  }
  return { ...c, env };
}

function ownerOf(o: any, controller: boolean) {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller, blockOwnerDeletion: controller };
}

/**
 * A Job for `day` from a CronJob, as `kubectl create job --from=cronjob/…` makes one, with
 * LOGICAL_DATE set in every container that reads it and the run's label added. Owned by the
 * CronJob, so a `pulumi destroy` removes it, but not as its controller: the CronJob controller
 * warns of a controlled Job it did not start ("UnexpectedJob"); the template's
 * ttlSecondsAfterFinished removes a finished run.
 */
export function jobForDay(cronJob: any, day: string, name: string, opts: RunOptions = {}): any {
  checkDay(day);
  const template = structuredClone(cronJob.spec.jobTemplate);
  const pod = template.spec.template.spec;
  pod.containers = pod.containers.map((c: Container) => dated(c, day, opts));
  if (pod.initContainers) pod.initContainers = pod.initContainers.map((c: Container) => dated(c, day, opts));
  template.spec.template.metadata = { ...template.spec.template.metadata, labels: { ...template.spec.template.metadata?.labels, [LOGICAL_DATE_LABEL]: day } };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: cronJob.metadata.namespace,
      labels: { ...template.metadata?.labels, [LOGICAL_DATE_LABEL]: day },
      annotations: { ...template.metadata?.annotations, "cronjob.kubernetes.io/instantiate": "manual" },
      ownerReferences: [ownerOf(cronJob, false)],
    },
    spec: template.spec,
  };
}

/**
 * A SparkApplication for `day` from the ScheduledSparkApplication's template: its `--date`
 * argument and the driver's upstream wait dated. Owned by the schedule (not as its controller:
 * the operator keeps its own runs' history), so a `pulumi destroy` removes it too.
 */
export function sparkAppForDay(scheduled: any, day: string, name: string, opts: RunOptions = {}): any {
  checkDay(day);
  const spec = structuredClone(scheduled.spec.template);
  const i = spec.arguments.indexOf("--date");
  if (i < 0) throw new Error(`${scheduled.metadata.name}: the template has no --date argument to set`);
  spec.arguments[i + 1] = day;
  if (spec.driver.initContainers) spec.driver.initContainers = spec.driver.initContainers.map((c: Container) => dated(c, day, opts));
  for (const role of ["driver", "executor"]) spec[role].labels = { ...spec[role].labels, [LOGICAL_DATE_LABEL]: day };
  return {
    apiVersion: scheduled.apiVersion,
    kind: "SparkApplication",
    metadata: { name, namespace: scheduled.metadata.namespace, labels: { ...scheduled.metadata.labels, [LOGICAL_DATE_LABEL]: day }, ownerReferences: [ownerOf(scheduled, false)] },
    spec,
  };
}

/** Starts one run of `job` for `day` from its deployed schedule. */
export async function startRun(t: RunTarget, job: PipelineJob, day: string, opts: RunOptions = {}, nowMs = Date.now()): Promise<StartedRun> {
  const name = runName(t.prefix, job, day, nowMs);
  const schedule = `${t.prefix}-${job}`;
  const kind = job === "silver" ? "scheduledsparkapplication" : "cronjob";
  let source: any;
  try {
    source = JSON.parse(await t.kubectl(["-n", t.namespace, "get", kind, schedule, "-o", "json"]));
  } catch (e) {
    throw new Error(`no ${kind} ${t.namespace}/${schedule} to run ${job} from: is the stack deployed ('lakehouse deploy up')? (${(e as Error).message.split("\n")[0]})`);
  }
  const run = job === "silver" ? sparkAppForDay(source, day, name, opts) : jobForDay(source, day, name, opts);
  await t.kubectl(["create", "-f", "-"], JSON.stringify(run));
  return { job, day, kind: run.kind, name };
}

/** Where a run is: still going (with what it is doing), or finished, and why it failed. */
export interface RunState {
  done: boolean;
  succeeded: boolean;
  /** One phrase for the progress line: "waiting for upstream", "running", "COMPLETED", "BackoffLimitExceeded: …". */
  phase: string;
}

/** A Job's state from its status and its newest pod (pure). */
export function jobState(job: any, pod?: any): RunState {
  const conditions: { type: string; status: string; reason?: string; message?: string }[] = job.status?.conditions ?? [];
  const failed = conditions.find((c) => (c.type === "Failed" || c.type === "FailureTarget") && c.status === "True");
  if (failed) return { done: true, succeeded: false, phase: `${failed.reason ?? "Failed"}: ${failed.message ?? ""}`.trim() };
  if ((job.status?.succeeded ?? 0) > 0 || conditions.some((c) => c.type === "Complete" && c.status === "True")) return { done: true, succeeded: true, phase: "Complete" };
  return { done: false, succeeded: false, phase: podPhase(pod) };
}

/** A SparkApplication's state from its status and its driver pod (pure). */
export function sparkAppState(app: any, driver?: any): RunState {
  const state: string | undefined = app.status?.applicationState?.state;
  if (state === "COMPLETED") return { done: true, succeeded: true, phase: state };
  if (state === "FAILED" || state === "SUBMISSION_FAILED") {
    return { done: true, succeeded: false, phase: `${state}: ${app.status.applicationState.errorMessage ?? "see the driver's log"}`.trim() };
  }
  const pod = podPhase(driver);
  return { done: false, succeeded: false, phase: state ? `${state.toLowerCase()}${driver ? `, driver ${pod}` : ""}` : "submitting" };
}

/** What a pod is doing, in words: its upstream wait, a container's waiting reason, or its phase. */
function podPhase(pod?: any): string {
  if (!pod) return "pending";
  const init = (pod.status?.initContainerStatuses ?? []).find((s: any) => s.state?.running);
  if (init) return `${init.name.replace(/^wait-for-/, "waiting for ")} (upstream)`;
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s: any) => s.state?.waiting?.reason && s.state.waiting.reason !== "PodInitializing");
  if (waiting) return `${waiting.name}: ${waiting.state.waiting.reason}`;
  return (pod.status?.phase ?? "pending").toLowerCase();
}

async function getJson(t: RunTarget, args: string[]): Promise<any> {
  return JSON.parse(await t.kubectl(["-n", t.namespace, "get", ...args, "-o", "json"]));
}

/** The run's newest pod (the Job's, or the Spark driver). */
async function podOf(t: RunTarget, run: StartedRun): Promise<any | undefined> {
  if (run.kind === "SparkApplication") return getJson(t, ["pod", `${run.name}-driver`]).catch(() => undefined);
  const pods = (await getJson(t, ["pods", "-l", `job-name=${run.name}`])).items as any[];
  return pods.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp)).at(-1);
}

export async function runState(t: RunTarget, run: StartedRun): Promise<RunState> {
  const pod = await podOf(t, run);
  return run.kind === "Job" ? jobState(await getJson(t, ["job", run.name]), pod) : sparkAppState(await getJson(t, ["sparkapplication", run.name]), pod);
}

/** The run's log, per container of its newest pod, init containers (the upstream wait) first. */
export async function runLogs(t: RunTarget, run: StartedRun, tail = 200): Promise<{ container: string; text: string }[]> {
  const pod = await podOf(t, run);
  if (!pod) return [];
  const names: string[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c: Container) => c.name);
  const out = [];
  for (const container of names) out.push({ container, text: (await t.kubectl(["-n", t.namespace, "logs", pod.metadata.name, "-c", container, `--tail=${tail}`]).catch(() => "")).trimEnd() });
  return out;
}

/**
 * A run's summary: the main container's last JSON line (ingest, silver and maintenance each
 * print one, records in, out, rejected), else its last line (dbt's "Done. PASS=…"), each step's
 * when one follows it (gold's dbt, then the dashboards' cache refresh); for a run that failed
 * waiting upstream, the wait's last line. The last JSON line, not the last line:
 * kubectl merges stdout and stderr as containerd read them, so a progress line written to
 * stderr just before the summary on stdout can come after it.
 */
export function summaryLine(logs: { container: string; text: string }[]): string {
  const withText = logs.filter((l) => l.text.trim());
  const main = withText.filter((l) => !l.container.startsWith("wait-for-"));
  const last = (text: string) => {
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    return lines.filter((l) => l.startsWith("{")).at(-1) ?? lines.at(-1) ?? "";
  };
  // A job with a step after its own container (gold, then the dashboards' cache) shows both.
  return main.length ? main.map((l) => last(l.text)).join(" · ") : last(withText.at(-1)?.text ?? "");
}

export interface FinishedRun extends StartedRun {
  state: RunState;
  seconds: number;
  logs: { container: string; text: string }[];
  summary: string;
}

/**
 * Waits for runs to finish, polling; logs each run's phase when it changes (the progress a long
 * backfill needs). Resolves with every run's end state and log; throws only on a timeout.
 */
export async function waitForRuns(t: RunTarget, runs: StartedRun[], log: Logger, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<FinishedRun[]> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 6 * 3600_000);
  const finished = new Map<string, FinishedRun>();
  const last = new Map<string, string>();
  while (finished.size < runs.length) {
    for (const run of runs.filter((r) => !finished.has(r.name))) {
      const state = await runState(t, run).catch((e: Error) => ({ done: false, succeeded: false, phase: `unknown (${e.message.split("\n")[0]})` }));
      if (last.get(run.name) !== state.phase) log.info(`  ${run.name}: ${state.phase}`);
      last.set(run.name, state.phase);
      if (state.done) {
        const logs = await runLogs(t, run);
        finished.set(run.name, { ...run, state, seconds: (Date.now() - started) / 1000, logs, summary: summaryLine(logs) });
      }
    }
    if (finished.size === runs.length) break;
    if (Date.now() > deadline) throw new Error(`runs not finished within ${((deadline - started) / 1000).toFixed(0)} s: ${runs.filter((r) => !finished.has(r.name)).map((r) => `${r.name} (${last.get(r.name)})`).join(", ")}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 5000));
  }
  return runs.map((r) => finished.get(r.name)!);
}
