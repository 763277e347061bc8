/**
 * The test runner behind `npm test` (all), `npm run test:unit` and `npm run test:integration`.
 *
 * unit: the checks (`tsc --noEmit -p .`, `eslint .`, `sqlfluff lint dbt/`, `ruff check spark/`; each counted as one test), Node
 *   tests in test/unit and pytest tests in spark/tests not marked `integration`; needs no service
 *   (only the Python environment, installed if missing, and the spark-operator's Go module for its
 *   CRDs, downloaded from the Go module proxy if missing).
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
 * Counts come from the runners' JUnit reports (test-results/reports/, kept for CI), not from
 * their terminal output, which is echoed as it comes. After the last run: one line per run with
 * its counts and time, the failing tests with their errors' first lines, and last one line
 * "total: N passed, N failed, N skipped"; a non-zero exit on failure.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { consoleLogger } from "../src/lib/log";
import { add, countCheck, countRun, type Counts, NO_COUNTS, nodeTestName, pytestName } from "./failures";
import { buildSparkFunctions, installPython } from "../src/local/install";
import { stackPaths, repoRoot } from "../src/local/paths";
import { down, services, stackContext, up } from "../src/local/stack";
import { clusterDown, clusterStatus, clusterUp } from "../src/cluster/cluster";
import { cacheRoot, SPARK_OPERATOR_MODULE } from "../src/cluster/toolchain";
import { DEFAULTS } from "../components/config";
import { sparkOperatorCrds } from "./support/spark-operator-crd";
import { BACKGROUND_IMAGE_TAG, IMAGES_BUILT_ENV } from "./deploy/images";

const log = consoleLogger("test");

/** Where the runs' machine-readable reports go (git-ignored; CI can keep them). */
const REPORTS = path.join(repoRoot, "test-results", "reports");

/** A report's path for the run named `label`, with the previous run's report removed: a run that crashes must not be counted from it. */
function reportFile(label: string, ext: string): string {
  fs.mkdirSync(REPORTS, { recursive: true });
  const file = path.join(REPORTS, `${label.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}.${ext}`);
  fs.rmSync(file, { force: true });
  return file;
}

const secondsSince = (start: number) => Math.round((Date.now() - start) / 1000);

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

/** Runs a command and returns its output and exit code; `echo` writes the output through as it comes. */
function runCommand(cmd: string, args: string[], { env = process.env, echo = true }: { env?: NodeJS.ProcessEnv; echo?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (d: Buffer) => {
      output += d.toString();
      if (echo) process.stdout.write(d);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (e) => resolve({ code: 127, output: `${output}${e.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function nodeTests(label: string, files: string[], concurrency: number, env: NodeJS.ProcessEnv = process.env): Promise<Counts> {
  if (files.length === 0) return NO_COUNTS;
  const report = reportFile(label, "xml");
  const started = Date.now();
  const { code } = await runCommand(process.execPath, ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`,
    "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=junit", `--test-reporter-destination=${report}`, ...files], { env });
  return countRun({ label, code, report, nameOf: nodeTestName(repoRoot), seconds: secondsSince(started) });
}

async function pytest(marker: string, env: NodeJS.ProcessEnv = process.env): Promise<Counts> {
  const label = `pytest -m "${marker}" spark/tests`;
  const report = reportFile(label, "xml");
  const python = path.join(stackPaths().venv, "bin", "python");
  const started = Date.now();
  const { code } = await runCommand(python, ["-m", "pytest", "-m", marker, "-p", "no:cacheprovider", `--junitxml=${report}`, "spark/tests"], { env });
  // pytest exits 5 when no test was collected for this marker: not a failure.
  return countRun({ label, code, report, nameOf: pytestName, okCodes: [5], seconds: secondsSince(started) });
}

/**
 * A check that is not a test runner, counted as one test. Not echoed as it runs (the checks run
 * side by side): its result line, then its output whole. `describe` gives a failed check's line
 * after the total, and any lines to print below its output.
 */
async function check(label: string, cmd: string, args: string[], describe: (code: number, output: string) => { failure: string; details?: string[] }): Promise<Counts> {
  const started = Date.now();
  const { code, output } = await runCommand(cmd, args, { echo: false });
  const { failure, details = [] } = describe(code, output);
  const counts = countCheck(label, code, failure, secondsSince(started));
  log.step(counts.parts[0]);
  const text = [output.trim(), ...details].filter(Boolean).join("\n");
  if (text) process.stdout.write(`${text}\n`);
  return counts;
}

const firstLine = (output: string) => output.trim().split("\n")[0] ?? "";

/** The type check: tsx runs the TypeScript with its types stripped, unchecked. */
function typecheck(): Promise<Counts> {
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  return check("tsc --noEmit -p .", process.execPath, [tsc, "--noEmit", "-p", ".", "--pretty", "false"], (code, output) => {
    // tsc has no machine-readable output; its errors are a line each ("file(line,col): error TSnnnn: ...").
    const errors = output.split("\n").filter((l) => /: error TS\d+:/.test(l));
    return { failure: errors.length ? `${errors.length} error(s), the first: ${errors[0]}` : `exited ${code}: ${firstLine(output)}` };
  });
}

interface SqlfluffFile { filepath: string; violations: { start_line_no: number; start_line_pos: number; code: string; description: string; warning?: boolean }[] }

/** The dbt project's SQL lint (configured in .sqlfluff), read from its JSON report. */
function sqlLint(): Promise<Counts> {
  const report = reportFile("sqlfluff", "json");
  const sqlfluff = path.join(stackPaths().venv, "bin", "sqlfluff");
  return check("sqlfluff lint dbt/", sqlfluff, ["lint", "dbt/", "--format", "json", "--write-output", report, "--nocolor"], (code, output) => {
    let violations: string[] = [];
    try {
      const files = JSON.parse(fs.readFileSync(report, "utf8")) as SqlfluffFile[];
      violations = files.flatMap((f) => f.violations.filter((v) => !v.warning).map((v) => `${f.filepath}:${v.start_line_no}:${v.start_line_pos}: ${v.code} ${v.description}`));
    } catch {
      // No report: sqlfluff stopped before linting, and its output says why.
    }
    return { failure: violations.length ? `${violations.length} violation(s), the first: ${violations[0]}` : `exited ${code}: ${firstLine(output)}`, details: violations };
  });
}

interface EslintFile { filePath: string; messages: { line: number; column: number; ruleId: string | null; message: string; severity: number }[] }

/** The TypeScript lint (configured in eslint.config.mjs), read from its JSON report. */
function typescriptLint(): Promise<Counts> {
  const report = reportFile("eslint", "json");
  const eslint = path.join(repoRoot, "node_modules", "eslint", "bin", "eslint.js");
  return check("eslint .", process.execPath, [eslint, ".", "--format", "json", "--output-file", report, "--no-color"], (code, output) => {
    let problems: string[] = [];
    try {
      const files = JSON.parse(fs.readFileSync(report, "utf8")) as EslintFile[];
      problems = files.flatMap((f) => f.messages.map((m) => `${path.relative(repoRoot, f.filePath)}:${m.line}:${m.column}: ${m.ruleId ?? "error"} ${m.message}`));
    } catch {
      // No report: eslint stopped before linting, and its output says why.
    }
    return { failure: problems.length ? `${problems.length} problem(s), the first: ${problems[0]}` : `exited ${code}: ${firstLine(output)}`, details: problems };
  });
}

/** The Python lint (configured in ruff.toml): its concise output is a line per violation ("file:row:col: CODE message"). */
function pythonLint(): Promise<Counts> {
  const ruff = path.join(stackPaths().venv, "bin", "ruff");
  return check("ruff check spark/", ruff, ["check", "spark/", "--output-format", "concise", "--no-cache", "--quiet"], (code, output) => {
    const violations = output.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
    return { failure: violations.length ? `${violations.length} violation(s), the first: ${violations[0]}` : `exited ${code}: ${firstLine(output)}` };
  });
}

async function unit(): Promise<Counts> {
  log.step("unit tests (no services)");
  await installPython(stackPaths(), log);
  // The pytest session loads the silver job's JVM functions; built (or found) once here.
  const functionsJar = await buildSparkFunctions(stackPaths(), log);
  // The stack tests validate the Spark objects against the spark-operator's CRDs, read from its Go
  // module (test/support/spark-operator-crd.ts): downloaded here on a fresh machine, not in a test.
  log.step(`the spark-operator's CRDs: ${SPARK_OPERATOR_MODULE}@v${DEFAULTS.sparkOperatorChartVersion} from Go's module cache, else the Go module proxy`);
  await sparkOperatorCrds();
  log.step("checks: tsc --noEmit -p ., eslint ., sqlfluff lint dbt/ and ruff check spark/, side by side");
  const checks = (await Promise.all([typecheck(), typescriptLint(), sqlLint(), pythonLint()])).reduce(add, NO_COUNTS);
  const node = await nodeTests("node --test test/unit", findTests(path.join(repoRoot, "test", "unit")), 2);
  return [checks, node, await pytest("not integration", { ...process.env, LAKEHOUSE_SPARK_FUNCTIONS_JAR: functionsJar })].reduce(add, NO_COUNTS);
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
    const node = add(await nodeTests("node --test test/integration", files.filter((f) => !isLifecycle(f)), 1, env),
      await nodeTests("node --test test/integration/lifecycle", files.filter(isLifecycle), 1, env));
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
    let counts = NO_COUNTS;
    for (const dir of dirs) counts = add(counts, await nodeTests(`node --test test/${dir}`, findTests(path.join(repoRoot, "test", dir)), 1, { ...process.env, LAKEHOUSE_CLUSTER_READY: "1" }));
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
  let total = NO_COUNTS;
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
  process.stdout.write(`\n${total.parts.join("\n")}\n`);
  if (total.failures.length) process.stdout.write(`\nfailed:\n${total.failures.map((f) => `  ✖ ${f}`).join("\n")}\n`);
  process.stdout.write(`\ntotal: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`test run failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
