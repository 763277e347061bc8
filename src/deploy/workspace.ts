/**
 * The Pulumi program (index.ts) run by the real Pulumi engine through the Automation API: an
 * inline program that loads index.ts in this process, as Pulumi's Node.js language host would,
 * so only the `pulumi` CLI and the kubernetes provider plugin are needed (the language host
 * binary is not on any registry here). `lakehouse deploy` is built on it, and so are the cluster
 * tests: the same path a user takes.
 *
 * The workspace lives in <LAKEHOUSE_HOME>/deploy (git-ignored): Pulumi.yaml's settings, and per
 * stack a Pulumi.<stack>.yaml holding the committed stack file's values plus the generated
 * secrets, encrypted with the stack's passphrase. The committed stack files are never written.
 * State is a file backend in the same directory, unless PULUMI_BACKEND_URL says otherwise.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import yaml from "js-yaml";
import type { Logger } from "../lib/log";
import { repoRoot, stackPaths } from "../local/paths";
import { DEFAULTS } from "../../components/config";
import { generateStackSecrets } from "../../components/stackSecrets";
import { LOCAL_REGISTRY } from "../cluster/images";
import { sparkOperatorChart } from "../cluster/toolchain";

export interface DeployTarget {
  /** Stack name: its settings come from Pulumi.<stack>.yaml in the repository. */
  stack: string;
  /** Directory with the `pulumi` CLI and pulumi-resource-kubernetes (the toolchain's; default: PATH). */
  pulumiBin?: string;
  /** kubeconfig of the target cluster (default: KUBECONFIG / ~/.kube/config, as kubectl). */
  kubeconfig?: string;
  /** Values set on top of the committed stack file, e.g. { "lakehouse:buildImages": "false" }. */
  overrides?: Record<string, string>;
  /** The program to run; default index.ts with Pulumi.<stack>.yaml (tests pass a small one of their own, with no stack file). */
  program?: string;
  /** Project name; default Pulumi.yaml's. */
  project?: string;
  /**
   * Use this project directory (its Pulumi.yaml and Pulumi.<stack>.yaml, the user's `pulumi login`
   * and passphrase) instead of the managed workspace: for `init` before a `pulumi up` with the CLI.
   * The stack file's values are left as they are; only missing secrets are added.
   */
  projectDir?: string;
}

/**
 * The settings for a machine that reaches no Helm repository and has no image builder (this
 * project's CI, an air-gapped host): the spark-operator chart from its Go module (same release as
 * the Helm repository's), and no image builds (@pulumi/docker-build's plugin and BuildKit are not
 * to be had): the images are the ones `lakehouse cluster images` built and loaded into the
 * node's containerd, under LOCAL_REGISTRY (pods use them without pulling: IfNotPresent).
 * `--set imageRegistry=…` names another place they were pushed to.
 */
export async function offlineOverrides(): Promise<Record<string, string>> {
  return {
    "lakehouse:buildImages": "false",
    "lakehouse:imageRegistry": LOCAL_REGISTRY,
    "lakehouse:sparkOperatorChart": await sparkOperatorChart(DEFAULTS.sparkOperatorChartVersion),
  };
}

export function deployDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).state, "deploy");
}

/** The passphrase that encrypts the stack's secrets: PULUMI_CONFIG_PASSPHRASE(_FILE), else one made here (0600). */
function passphraseEnv(dir: string): Record<string, string> {
  if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined) return { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE };
  if (process.env.PULUMI_CONFIG_PASSPHRASE_FILE) return { PULUMI_CONFIG_PASSPHRASE_FILE: process.env.PULUMI_CONFIG_PASSPHRASE_FILE };
  const file = path.join(dir, "passphrase");
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(24).toString("base64url"), { mode: 0o600 });
  return { PULUMI_CONFIG_PASSPHRASE_FILE: file };
}

/** The committed stack file's values, each as "ns:key" -> string. */
export function committedConfig(stack: string, root = repoRoot): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${file}: the stacks are ${fs.readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).join(", ")}`);
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Loads a program file fresh (a second operation in the same process must register its resources again). */
function inlineProgram(file: string): () => Promise<Record<string, unknown>> {
  return async () => {
    const dirs = [path.dirname(file), path.join(repoRoot, "components")];
    for (const key of Object.keys(require.cache)) if (dirs.some((d) => key.startsWith(d + path.sep)) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    return { ...exports };
  };
}

/** Opens (or creates) the stack, with the committed values and the overrides set; ensureSecrets adds the generated ones. */
export async function openStack(target: DeployTarget): Promise<Stack> {
  const dir = deployDir();
  const managed = !target.projectDir;
  const workDir = target.projectDir ? path.resolve(target.projectDir) : path.join(dir, "workspace");
  fs.mkdirSync(path.join(dir, "backend"), { recursive: true });
  fs.mkdirSync(workDir, { recursive: true });
  const project = yaml.load(fs.readFileSync(path.join(managed ? repoRoot : workDir, "Pulumi.yaml"), "utf8")) as Record<string, any>;
  const name = target.project ?? project.name;
  const envVars: Record<string, string> = {
    ...(managed ? { PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${path.join(dir, "backend")}`, ...passphraseEnv(dir) } : {}),
    // Offline by design: no update check, no plugin download; the plugins are the toolchain's, on PATH.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PATH: [target.pulumiBin, process.env.PATH].filter(Boolean).join(":"),
    ...(target.kubeconfig ? { KUBECONFIG: target.kubeconfig } : {}),
  };
  const pulumiCommand = target.pulumiBin ? await PulumiCommand.get({ root: path.dirname(target.pulumiBin), skipVersionCheck: true }) : undefined;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: target.stack, projectName: name, program: inlineProgram(target.program ?? path.join(repoRoot, "index.ts")) },
    { workDir, envVars, pulumiCommand, ...(managed ? { projectSettings: { name, runtime: "nodejs", description: project.description, config: target.program ? undefined : project.config } } : {}) },
  );
  if (!managed) return stack;
  const values: ConfigMap = {};
  const committed = target.program ? {} : committedConfig(target.stack);
  for (const [k, v] of Object.entries({ ...committed, ...(target.overrides ?? {}) })) values[k] = { value: v, secret: false };
  // An override of an earlier run that this one does not repeat goes, so the stack is the stack
  // file plus today's overrides; secrets stay.
  const stale = Object.entries(await stack.getAllConfig()).filter(([k, v]) => !v.secret && !(k in values)).map(([k]) => k);
  if (stale.length) await stack.removeAllConfig(stale);
  if (Object.keys(values).length) await stack.setAllConfig(values);
  return stack;
}

/**
 * Generates the secrets the program reads (passwords, keys, the Trino certificate) that the stack
 * does not have yet, and stores them as encrypted stack config. Never rotates an existing one.
 */
export async function ensureSecrets(stack: Stack, log: Logger): Promise<string[]> {
  const config = await stack.getAllConfig();
  const have = new Set(Object.keys(config));
  const namespace = config["lakehouse:namespace"]?.value ?? "lakehouse";
  const fresh = generateStackSecrets({ namespace }, have);
  const keys = Object.keys(fresh);
  if (keys.length === 0) return [];
  log.step(`generating ${keys.length} secret${keys.length === 1 ? "" : "s"} for stack ${stack.name} (kept encrypted in its config)`);
  await stack.setAllConfig(Object.fromEntries(keys.map((k) => [k, { value: fresh[k], secret: true }])));
  return keys;
}

/** A Kubernetes object of a preview, and whether the API server admitted its dry run. */
export interface PreviewedObject {
  type: string;
  name: string;
  /** Set when the API server answered the dry run (a server-assigned uid). */
  uid?: string;
}

/**
 * The Kubernetes objects of a preview's events. With server-side apply the provider dry-runs each
 * object, but quietly skips objects whose namespace does not exist yet or whose inputs are unknown
 * until the update (pulumi-kubernetes provider.go, Create): only an object that came back with a
 * uid was checked by the API server. Component resources of the provider (a yaml/v2 ConfigGroup,
 * a helm.sh/v4 Chart) are not API objects, only their children are, so they are left out.
 */
export function previewedObjects(events: EngineEvent[]): PreviewedObject[] {
  return events
    .map((e) => e.resOutputsEvent?.metadata)
    .filter((m): m is NonNullable<typeof m> => !!m && m.type.startsWith("kubernetes:") && (m.new ?? m.old)?.custom === true)
    .map((m) => ({ type: m.type, name: m.urn.split("::").pop()!, uid: (m.new?.outputs as { metadata?: { uid?: string } } | undefined)?.metadata?.uid }));
}
