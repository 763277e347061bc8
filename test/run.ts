/**
 * The test runner behind `npm test` (all), `npm run test:unit` and `npm run test:integration`.
 *
 * unit: Node tests in test/unit and pytest tests in spark/tests not marked `integration`;
 *   needs no service (only the Python environment, installed if missing).
 * integration: installs what is missing, brings the local stack up (or reuses a running
 *   one), runs test/integration and pytest's `integration` tests, then stops the stack if
 *   it started it (LAKEHOUSE_KEEP_STACK=1 keeps it).
 * cluster: builds what is missing (Kubernetes, the Pulumi CLI and its kubernetes provider, from
 *   the Go module proxy; cached), brings the one-node cluster up (or reuses a running one), runs
 *   test/cluster and then test/deploy (below), then stops the cluster if it started it
 *   (LAKEHOUSE_KEEP_CLUSTER=1 keeps it). `all` runs it after the integration tests, once the
 *   local stack is down; its builds (and the images') start in the background as `all` begins
 *   (startClusterBuilds).
 * deploy: test/deploy alone (`npm run test:deploy`), the lakehouse deployed for real on the same cluster:
 *   the project's nine images built with podman from the Debian base (cached) and each one's
 *   check run as a pod, then the dev stack's `pulumi up`, a day through every layer, a failed
 *   run, least privilege, a config change and the destroy; the cluster tier and `all` run it after
 *   test/cluster, on one start of the cluster.
 * Ends with one line "total: N passed, N failed, N skipped" and a non-zero exit on failure.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { consoleLogger } from "../src/lib/log";
import { failingTests } from "./failures";
import { buildSparkFunctions, installPython } from "../src/local/install";
import { stackPaths, repoRoot } from "../src/local/paths";
import { down, services, stackContext, up } from "../src/local/stack";
import { clusterDown, clusterStatus, clusterUp } from "../src/cluster/cluster";
import { cacheRoot } from "../src/cluster/toolchain";
import { BACKGROUND_IMAGE_TAG, IMAGES_BUILT_ENV } from "./deploy/images";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** The failing tests' lines, repeated after the total: CI shows only the end of a long log. */
  failures: string[];
}

const log = consoleLogger("test");

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

/** Runs a command, echoing its output, and returns the output and exit code. */
function runEcho(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function nodeTests(files: string[], concurrency: number, env: NodeJS.ProcessEnv = process.env): Promise<Counts> {
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, failures: [] };
  const { code, output } = await runEcho(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${concurrency}`, ...files], env);
  const num = (label: string) => Number(new RegExp(`^ℹ ${label} (\\d+)`, "m").exec(output)?.[1] ?? 0);
  const counts = { passed: num("pass"), failed: num("fail") + num("cancelled"), skipped: num("skipped") + num("todo"), failures: failingTests(output) };
  // A crash before any test reported still fails the run.
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(`node --test exited ${code} before any test failed (${files.length} files from ${path.relative(repoRoot, path.dirname(files[0]))})`);
  }
  return counts;
}

async function pytest(marker: string, env: NodeJS.ProcessEnv = process.env): Promise<Counts> {
  const python = path.join(stackPaths().venv, "bin", "python");
  const { code, output } = await runEcho(python, ["-m", "pytest", "-m", marker, "-p", "no:cacheprovider", "spark/tests"], env);
  const summary = output.trim().split("\n").pop() ?? "";
  const num = (label: string) => Number(new RegExp(`(\\d+) ${label}`).exec(summary)?.[1] ?? 0);
  const failures = output.split("\n").filter((l) => /^(FAILED|ERROR) /.test(l)).map((l) => `pytest: ${l}`);
  const counts = { passed: num("passed"), failed: num("failed") + num("error"), skipped: num("skipped") + num("deselected") * 0, failures };
  // pytest exits 5 when no test was collected for this marker: not a failure.
  if (code !== 0 && code !== 5 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(`pytest -m "${marker}" exited ${code} before any test failed`);
  }
  return counts;
}

const add = (a: Counts, b: Counts): Counts => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped, failures: [...a.failures, ...b.failures] });

async function unit(): Promise<Counts> {
  log.step("unit tests (no services)");
  await installPython(stackPaths(), log);
  // The pytest session loads the silver job's JVM functions; built (or found) once here.
  const functionsJar = await buildSparkFunctions(stackPaths(), log);
  const node = await nodeTests(findTests(path.join(repoRoot, "test", "unit")), 2);
  return add(node, await pytest("not integration", { ...process.env, LAKEHOUSE_SPARK_FUNCTIONS_JAR: functionsJar }));
}

async function integration(): Promise<Counts> {
  const existing = await stackContext(log, false);
  const alreadyUp = existing ? (await Promise.all(services(existing).map((s) => s.health()))).every(Boolean) : false;
  log.step(alreadyUp ? "integration tests on the running local stack" : "starting the local stack for the integration tests");
  await up(log);
  try {
    const env = { ...process.env, LAKEHOUSE_STACK_READY: "1" };
    // lifecycle/ stops and restarts services, so it runs after everything else, in its own
    // run (node's test runner orders the files it is given by name).
    const files = findTests(path.join(repoRoot, "test", "integration"));
    const isLifecycle = (f: string) => f.includes(`${path.sep}lifecycle${path.sep}`);
    const node = add(await nodeTests(files.filter((f) => !isLifecycle(f)), 1, env), await nodeTests(files.filter(isLifecycle), 1, env));
    return add(node, await pytest("integration", env));
  } finally {
    if (!alreadyUp && process.env.LAKEHOUSE_KEEP_STACK !== "1") await down(log);
  }
}

/**
 * The cluster tiers' run: brings the one-node cluster up (or reuses it), runs the test files of
 * `dirs` (in that order), and stops the cluster if it started it.
 */
async function onCluster(dirs: string[]): Promise<Counts> {
  const before = await clusterStatus(log);
  const alreadyUp = before.components.length > 0 && before.components.every((c) => c.healthy);
  log.step(alreadyUp ? "cluster tests on the running cluster" : "bringing the one-node cluster up for the cluster tests");
  await clusterUp(log, { pulumi: true });
  try {
    let counts: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
    for (const dir of dirs) counts = add(counts, await nodeTests(findTests(path.join(repoRoot, "test", dir)), 1, { ...process.env, LAKEHOUSE_CLUSTER_READY: "1" }));
    return counts;
  } finally {
    if (!alreadyUp && process.env.LAKEHOUSE_KEEP_CLUSTER !== "1") await clusterDown(log);
  }
}

/**
 * The cluster tiers' builds, started in the background as `all` begins: the toolchain
 * (`lakehouse cluster install`: Kubernetes, CoreDNS, the provisioner, the Pulumi CLI and its
 * provider), then the nine images (`lakehouse cluster images --no-load`). Cold they take about an
 * hour of both cores; at nice 19 they take only the CPU the unit and integration tiers leave idle
 * (Java servers starting, tests waiting on them), and the image builds reuse the Go caches the
 * local install fills (minio, mc). Warm, both find everything built. The cluster tier waits for
 * them; if they fail, it builds what is missing itself and reports that build's error.
 */
function startClusterBuilds(): Promise<void> | undefined {
  delete process.env[IMAGES_BUILT_ENV];
  if (process.getuid?.() !== 0) return undefined; // the cluster needs root: its tiers say so themselves
  const logFile = path.join(cacheRoot(), "logs", "background-builds.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const cli = path.join(repoRoot, "bin", "lakehouse.mjs");
  const script = `node ${JSON.stringify(cli)} cluster install && node ${JSON.stringify(cli)} cluster images --no-load --tag ${BACKGROUND_IMAGE_TAG}`;
  log.step(`building the cluster's toolchain and images in the background, at the lowest CPU priority (log: ${logFile})`);
  const started = Date.now();
  const out = fs.openSync(logFile, "w");
  const child = spawn("nice", ["-n", "19", "sh", "-c", script], { cwd: repoRoot, stdio: ["ignore", out, out] });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      fs.closeSync(out);
      const secs = Math.round((Date.now() - started) / 1000);
      if (code === 0) {
        log.step(`background builds done in ${secs} s`);
        // The deploy tier's files load these instead of asking podman to rebuild nine images from
        // its layer cache (~1 min each on a busy machine) twice more.
        process.env[IMAGES_BUILT_ENV] = BACKGROUND_IMAGE_TAG;
      }
      else log.warn(`background builds failed (exit ${code}) after ${secs} s: see ${logFile}; the cluster tier builds what is missing itself`);
      resolve();
    });
  });
}

const MODES = ["unit", "integration", "cluster", "deploy", "all"];

async function main(): Promise<void> {
  const mode = process.argv[2] ?? "all";
  if (!MODES.includes(mode)) throw new Error(`unknown test mode '${mode}' (${MODES.join(" | ")})`);
  let total: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const clusterBuilds = mode === "all" ? startClusterBuilds() : undefined;
  if (mode === "unit" || mode === "all") total = add(total, await unit());
  if (mode === "integration" || mode === "all") total = add(total, await integration());
  // The cluster tier is the cluster and engine tests and the lakehouse deployed on it; deploy alone skips the first.
  const clusterDirs = mode === "all" || mode === "cluster" ? ["cluster", "deploy"] : mode === "deploy" ? ["deploy"] : [];
  if (clusterBuilds) {
    log.step("waiting for the background builds of the cluster's toolchain and images");
    await clusterBuilds;
  }
  if (clusterDirs.length) total = add(total, await onCluster(clusterDirs));
  if (total.failures.length) process.stdout.write(`\nfailed:\n${total.failures.map((f) => `  ✖ ${f}`).join("\n")}\n`);
  process.stdout.write(`\ntotal: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`test run failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
