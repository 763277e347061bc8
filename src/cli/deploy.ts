/**
 * `lakehouse deploy …`: the Pulumi program run by the real engine through the Automation API,
 * for users who have no Pulumi CLI (it is built from the Go module proxy when missing) or want
 * the stack's secrets generated for them. With the Pulumi CLI, `pulumi up` in the repository does
 * the same once `lakehouse deploy init` has set the secrets (docs/deploy.md).
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { daysBetween, parseDay } from "../lib/dates";
import { run } from "../lib/exec";
import { silentLogger, type Logger } from "../lib/log";
import { clusterContext, clusterState } from "../cluster/cluster";
import { ensurePulumi, onPath } from "../cluster/toolchain";
import { PIPELINE_JOBS, startRun, waitForRuns, type FinishedRun, type Kubectl, type PipelineJob, type RunTarget } from "../deploy/runs";
import { committedConfig, deployDir, ensureSecrets, offlineOverrides, openStack, previewedObjects } from "../deploy/workspace";
import { DEFAULTS } from "../../components/config";
import { PIPELINE_NAME } from "../../components/pipeline";

interface DeployOptions {
  stack: string;
  offline?: boolean;
  projectDir?: string;
  kubeconfig?: string;
  set?: string[];
  verbose?: boolean;
}

function parseSets(sets: string[] = []): Record<string, string> {
  return Object.fromEntries(sets.map((kv) => {
    const i = kv.indexOf("=");
    if (i <= 0) throw new Error(`--set takes key=value (got "${kv}")`);
    const key = kv.slice(0, i);
    return [key.includes(":") ? key : `lakehouse:${key}`, kv.slice(i + 1)];
  }));
}

/** The kubeconfig: --kubeconfig, "local" for this machine's `lakehouse cluster`, else KUBECONFIG/~/.kube/config. */
function kubeconfigFor(opt?: string): string | undefined {
  if (opt === "local") {
    const file = path.join(clusterState(), "kubeconfig");
    if (!fs.existsSync(file)) throw new Error(`no local cluster kubeconfig at ${file}: run 'lakehouse cluster up' first`);
    return file;
  }
  return opt ? path.resolve(opt) : undefined;
}

/** The stack, its missing secrets generated. The Pulumi CLI is the toolchain's (built once), or, for --project-dir, yours if on PATH. */
async function stackFor(opts: DeployOptions, log: Logger): Promise<{ stack: Stack; generated: string[] }> {
  const pulumiBin = opts.projectDir && onPath("pulumi") ? undefined : (await ensurePulumi(log)).bin;
  const overrides = { ...(opts.offline ? await offlineOverrides() : {}), ...parseSets(opts.set) };
  const stack = await openStack({ stack: opts.stack, pulumiBin, kubeconfig: kubeconfigFor(opts.kubeconfig), overrides, projectDir: opts.projectDir });
  return { stack, generated: await ensureSecrets(stack, log) };
}

/** The engine's output goes to a log file; the terminal gets one line per finished resource. */
function progress(log: Logger, opts: DeployOptions, operation: string) {
  const logFile = path.join(deployDir(), `${opts.stack}-${operation}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.createWriteStream(logFile, { flags: "w" });
  log.step(`${operation} of stack ${opts.stack} (engine output: ${logFile})`);
  return {
    logFile,
    onOutput: (s: string) => {
      out.write(s);
      if (opts.verbose) process.stderr.write(s);
    },
    onEvent: (e: any) => {
      const done = e.resOutputsEvent?.metadata;
      if (done && done.op !== "same" && done.type !== "pulumi:pulumi:Stack") log.info(`  ${done.op} ${done.type} ${done.urn.split("::").pop()}`);
      const failed = e.diagnosticEvent;
      if (failed?.severity === "error" && !opts.verbose) log.info(`  error: ${failed.message.trim()}`);
    },
    close: () => out.end(),
  };
}

/**
 * kubectl for the stack's cluster: this machine's toolchain kubectl for --kubeconfig local, else
 * $KUBECTL or kubectl on PATH, with --kubeconfig when given (else KUBECONFIG, as kubectl).
 */
async function kubectlFor(opt?: string): Promise<Kubectl> {
  const kubeconfig = kubeconfigFor(opt);
  let bin = process.env.KUBECTL ?? "kubectl";
  if (opt === "local") {
    const ctx = await clusterContext(silentLogger, { installMissing: false });
    if (!ctx) throw new Error("the local cluster's tools are not installed: run 'lakehouse cluster up' first");
    bin = path.join(ctx.tools.kubeBin, "kubectl");
  } else if (!process.env.KUBECTL && !onPath("kubectl")) {
    throw new Error("kubectl is not on PATH: install it, or set KUBECTL to its path");
  }
  return (args, input) => run(bin, [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), ...args], { input });
}

interface RunCommandOptions {
  stack: string;
  kubeconfig?: string;
  namespace?: string;
  date?: string;
  from?: string;
  to?: string;
  wait: boolean;
  upstreamTimeout?: string;
}

/** One result line per finished run, its own summary under it; failures say where to look. */
function report(log: Logger, namespace: string, runs: FinishedRun[]): void {
  for (const r of runs) {
    log.info(`${r.state.succeeded ? "ok    " : "FAILED"} ${r.name} (${r.kind}, ${r.seconds.toFixed(0)} s): ${r.state.phase}`);
    if (r.summary) log.info(`       ${r.summary}`);
    if (!r.state.succeeded) {
      const resource = r.kind === "Job" ? `job/${r.name}` : `sparkapplication/${r.name}`;
      for (const l of r.logs.filter((x) => x.text.trim())) log.info(`       [${l.container}] ${l.text.split("\n").slice(-5).join("\n       ")}`);
      log.info(`       more: kubectl -n ${namespace} describe ${resource}; kubectl -n ${namespace} logs ${r.kind === "Job" ? resource : `${r.name}-driver`} --all-containers`);
    }
  }
}

export function registerDeployCommands(program: Command, log: Logger): void {
  /** One engine operation: its output logged to a file, a failure that names the file and the stack. */
  const operation = async (opts: DeployOptions, name: string, fn: (stack: Stack, p: ReturnType<typeof progress>) => Promise<void>) => {
    const { stack } = await stackFor(opts, log);
    const p = progress(log, opts, name);
    try {
      await fn(stack, p);
    } catch (e) {
      throw new Error(`${name} of stack ${opts.stack} failed; the engine's output is in ${p.logFile}\n${(e as Error).message.split("\n").slice(-15).join("\n")}`);
    } finally {
      p.close();
    }
  };

  const deploy = program
    .command("deploy")
    .description("run the Pulumi program (index.ts) with the real engine, no Pulumi CLI install needed")
    .addHelpText(
      "after",
      "\nThe stack's settings come from Pulumi.<stack>.yaml; --set overrides one (e.g. --set trinoWorkers=2).\n" +
        "Generated secrets (passwords, keys, Trino's certificate) are made once and kept encrypted in the stack's\n" +
        "config under .lakehouse/deploy (passphrase: PULUMI_CONFIG_PASSPHRASE, else .lakehouse/deploy/passphrase).\n" +
        "--kubeconfig local targets this machine's 'lakehouse cluster'.",
    );
  const common = (c: Command) =>
    c
      .option("-s, --stack <name>", "stack (Pulumi.<name>.yaml)", "dev")
      .option("--kubeconfig <file|local>", "the cluster to deploy to (default: KUBECONFIG, as kubectl)")
      .option("--set <key=value...>", "override a stack setting for this workspace")
      .option("--offline", "no Helm repository or image builder here: the spark-operator chart from its Go module, buildImages=false, the images 'lakehouse cluster images' loaded (imageRegistry=localhost)")
      .option("-v, --verbose", "print the engine's own output too");

  common(deploy.command("init").description("generate the stack's missing secrets (never rotates one that exists)"))
    .option("--project-dir <dir>", "write them into this project's Pulumi.<stack>.yaml, for `pulumi up` with your own CLI and login (e.g. --project-dir .)")
    .action(async (opts: DeployOptions) => {
      const { generated } = await stackFor(opts, log);
      log.step(generated.length ? `set ${generated.length} secret(s): ${generated.join(", ")}` : "every secret was already set");
    });

  common(deploy.command("preview").description("show what 'up' would change (server-side dry run against the cluster)")).action((opts: DeployOptions) =>
    operation(opts, "preview", async (stack, p) => {
      const events: EngineEvent[] = [];
      const result = await stack.preview({ onOutput: p.onOutput, onEvent: (e) => (events.push(e), p.onEvent(e)), diff: false });
      log.step(`changes: ${JSON.stringify(result.changeSummary)}`);
      const objects = previewedObjects(events);
      const skipped = objects.filter((o) => !o.uid);
      log.step(`${objects.length - skipped.length} of ${objects.length} Kubernetes objects admitted by the API server's dry run` +
        (skipped.length ? `; not checked by it (namespace not there yet, inputs known only at update, or a Helm release): ${skipped.map((o) => o.name).join(", ")}` : ""));
    }));

  common(deploy.command("up").description("create or update the stack's resources and wait for them to be ready"))
    .option("--refresh", "read the cluster's objects first (e.g. after 'kubectl delete job' of a failed init Job, so up makes it again)")
    .action((opts: DeployOptions & { refresh?: boolean }) =>
    operation(opts, "up", async (stack, p) => {
      const result = await stack.up({ onOutput: p.onOutput, onEvent: p.onEvent, refresh: opts.refresh === true });
      log.step(`${result.summary.result}: ${JSON.stringify(result.summary.resourceChanges)}`);
      for (const [k, v] of Object.entries(result.outputs)) if (!v.secret) process.stdout.write(`${k}: ${typeof v.value === "string" ? v.value : JSON.stringify(v.value)}\n`);
    }));

  common(deploy.command("destroy").description("delete every resource of the stack"))
    .option("--refresh", "read the cluster's objects first (e.g. when the cluster was made anew: a Helm release the state lists and the cluster no longer has fails a plain destroy)")
    .action((opts: DeployOptions & { refresh?: boolean }) =>
    operation(opts, "destroy", async (stack, p) => {
      const result = await stack.destroy({ onOutput: p.onOutput, onEvent: p.onEvent, refresh: opts.refresh === true });
      log.step(`${result.summary.result}: ${JSON.stringify(result.summary.resourceChanges)}`);
    }));

  deploy
    .command("run")
    .description("run pipeline jobs now for a day (or each day of a range), made from the deployed schedules, and wait for them")
    .argument("<job>", `${PIPELINE_JOBS.join(", ")}, or all (the four in order; with --no-wait started together, each waiting for its upstream's marker)`)
    .option("-s, --stack <name>", "stack (Pulumi.<name>.yaml): its namespace", "dev")
    .option("--kubeconfig <file|local>", "the cluster (default: KUBECONFIG, as kubectl)")
    .option("-n, --namespace <ns>", "the pipeline's namespace (default: the stack's lakehouse:namespace)")
    .option("-d, --date <YYYY-MM-DD>", "the logical date")
    .option("--from <YYYY-MM-DD>", "first day of a range (one day after another)")
    .option("--to <YYYY-MM-DD>", "last day of the range")
    .option("--upstream-timeout <seconds>", "how long a run waits for its upstream's commit marker (default: the schedule's, hours)")
    .option("--no-wait", "start the runs and return (watch them with the stack's watchJobs command)")
    .addHelpText("after", "\nEach run is named <job>-<date>-<suffix> and labelled lakehouse.io/logical-date=<date>:\n" +
      "  kubectl -n lakehouse get jobs,sparkapplications -l lakehouse.io/logical-date=2024-01-15\n" +
      "Exits non-zero if a run failed, with its reason and the end of its log.")
    .action(async (job: string, opts: RunCommandOptions) => {
      if (job !== "all" && !(PIPELINE_JOBS as readonly string[]).includes(job)) throw new Error(`unknown job '${job}': ${PIPELINE_JOBS.join(", ")}, or all`);
      if (opts.date && (opts.from || opts.to)) throw new Error("give --date, or --from and --to, not both");
      const days = opts.date ? [parseDay(opts.date)] : opts.from && opts.to ? daysBetween(opts.from, opts.to) : undefined;
      if (!days) throw new Error("which day? --date YYYY-MM-DD, or --from and --to");
      const upstreamTimeoutSeconds = opts.upstreamTimeout === undefined ? undefined : Number(opts.upstreamTimeout);
      if (upstreamTimeoutSeconds !== undefined && !(upstreamTimeoutSeconds >= 0)) throw new Error(`--upstream-timeout takes seconds (got "${opts.upstreamTimeout}")`);
      const namespace = opts.namespace ?? committedConfig(opts.stack)["lakehouse:namespace"] ?? DEFAULTS.namespace;
      const target: RunTarget = { kubectl: await kubectlFor(opts.kubeconfig), namespace, prefix: PIPELINE_NAME };
      const jobs: PipelineJob[] = job === "all" ? [...PIPELINE_JOBS] : [job as PipelineJob];
      const failed: string[] = [];
      for (const day of days) {
        if (!opts.wait) {
          // Started together, each waits for its upstream's marker, as the schedule's runs do.
          const started = [];
          for (const j of jobs) started.push(await startRun(target, j, day, { upstreamTimeoutSeconds }));
          log.step(`${day}: started ${started.map((r) => r.name).join(", ")}`);
          continue;
        }
        // One after another: a run waiting for its upstream holds its pod's CPU request, and on a
        // small node the waiting gold and maintenance pods left the silver executor unschedulable.
        for (const j of jobs) {
          const run = await startRun(target, j, day, { upstreamTimeoutSeconds });
          log.step(`${day}: started ${run.name}`);
          const finished = await waitForRuns(target, [run], log);
          report(log, namespace, finished);
          failed.push(...finished.filter((r) => !r.state.succeeded).map((r) => r.name));
          if (failed.length) break;
        }
        // A failed day stops a range: the next day's gold would build on a gap.
        if (failed.length) break;
      }
      if (failed.length) throw new Error(`${failed.length} run(s) failed: ${failed.join(", ")} (reasons above)`);
    });

  common(deploy.command("outputs").description("the stack's outputs (secrets with --show-secrets)"))
    .option("--show-secrets", "print secret outputs too")
    .action(async (opts: DeployOptions & { showSecrets?: boolean }) => {
      const { stack } = await stackFor(opts, log);
      const outputs = await stack.outputs();
      const shown = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret && !opts.showSecrets ? "[secret]" : v.value]));
      process.stdout.write(JSON.stringify(shown, null, 2) + "\n");
    });
}
