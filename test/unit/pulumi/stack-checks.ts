/**
 * Assertions shared by the dev and prod stack tests: every Kubernetes object validated against
 * the Kubernetes OpenAPI schema (kubernetes-models) and the spark-operator's CRD (the pinned
 * chart's, test/support/spark-operator-crd.ts), labels, secrets, job hygiene, network policies,
 * and one source of truth with the repository's files.
 */
import assert from "node:assert/strict";
import { quantity } from "../../../components/k8s";
import { operatorValues } from "../../../components/sparkOperator";
import { crdErrors } from "../../support/spark-operator-crd";
import { type Captured } from "./harness";

export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG = "4dabf18193072939515e22adb298388d";

export function isSecretValue(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/** Replaces Pulumi's secret wrappers with their values. */
export function unwrap(v: any): any {
  if (isSecretValue(v)) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  return v;
}

/** `v` with every secret-wrapped value removed: what would stand in plain text. */
export function withoutSecrets(v: any): any {
  if (isSecretValue(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSecrets(x)]));
  return v;
}

export const k8sObjects = (rs: Captured[]) => rs.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh") && r.type !== "pulumi:providers:kubernetes");

/** "kubernetes:apps/v1:Deployment" -> "kubernetes-models/apps/v1/Deployment" ("core/v1" -> "v1"). */
export function modelPath(type: string): string {
  const [, gv, kind] = type.split(":");
  return `kubernetes-models/${gv.replace(/^core\//, "")}/${kind}`;
}

export async function validateWithKubernetesModels(r: Captured): Promise<void> {
  const mod = await import(modelPath(r.type));
  const Model = mod[r.type.split(":")[2]];
  new Model(unwrap(r.inputs)).validate();
}

export async function validateK8sPart(schema: string, value: unknown, where: string): Promise<void> {
  const { validate } = await import(`kubernetes-models/_schemas/${schema}`);
  assert.ok(validate(value), `${where}: ${JSON.stringify(validate.errors)}`);
}

export async function validateScheduledSparkApplication(r: Captured): Promise<void> {
  const obj: any = unwrap(r.inputs);
  const errors = await crdErrors("ScheduledSparkApplication", obj);
  assert.equal(errors, null, `${r.name} vs the spark-operator's ScheduledSparkApplication CRD:\n  ${errors}`);
  for (const role of ["driver", "executor"] as const) {
    const part = obj.spec.template[role];
    for (const [i, e] of part.env.entries()) await validateK8sPart("IoK8sApiCoreV1EnvVar", e, `${role}.env[${i}]`);
    await validateK8sPart("IoK8sApiCoreV1SecurityContext", part.securityContext, `${role}.securityContext`);
    await validateK8sPart("IoK8sApiCoreV1PodSecurityContext", part.podSecurityContext, `${role}.podSecurityContext`);
    for (const c of part.initContainers ?? []) await validateK8sPart("IoK8sApiCoreV1Container", c, `${role}.initContainers`);
  }
}

/** Every pod template in the program, with where it came from and how many replicas run. */
export function podTemplates(rs: Captured[]): { owner: Captured; spec: any; labels: Record<string, string>; annotations: Record<string, string>; replicas: number }[] {
  const out = [];
  for (const r of k8sObjects(rs).map((x) => ({ ...x, inputs: unwrap(x.inputs) }))) {
    const s = r.inputs.spec;
    const of = (t: any, replicas: number) => ({ owner: r, spec: t.spec, labels: t.metadata.labels, annotations: t.metadata.annotations ?? {}, replicas });
    if (/Deployment|StatefulSet/.test(r.type)) out.push(of(s.template, s.replicas ?? 1));
    if (r.type.endsWith(":Job")) out.push(of(s.template, 1));
    if (r.type.endsWith(":CronJob")) out.push(of(s.jobTemplate.spec.template, 1));
  }
  return out;
}

/**
 * A pod template's own container: the one `kubectl logs` shows, named by its default-container
 * annotation (gold's dbt, an init container with a step after it), else the first container.
 */
export function ownContainer(template: { metadata?: { annotations?: Record<string, string> }; spec: any }): any {
  const name = template.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
  if (!name) return template.spec.containers[0];
  const found = [...(template.spec.initContainers ?? []), ...template.spec.containers].find((c: any) => c.name === name);
  assert.ok(found, `the default-container annotation names ${name}, which the pod does not have`);
  return found;
}

/**
 * Memory limits of everything that can run at once, Spark included (driver + executors + JVM
 * overhead). Two phases, the larger counts: at `pulumi up` the services start beside the init
 * Jobs; afterwards the services run beside the scheduled jobs and Spark. An init Job finishes
 * before the first schedule can fire, so the two never add up.
 */
export function memoryLimitSum(rs: Captured[]): { total: number; rows: [string, number][] } {
  const atDeploy = phaseMemory(rs, "deploy");
  const atRun = phaseMemory(rs, "run");
  return atDeploy.total > atRun.total ? atDeploy : atRun;
}

function phaseMemory(rs: Captured[], phase: "deploy" | "run"): { total: number; rows: [string, number][] } {
  const rows: [string, number][] = [];
  const inPhase = (type: string) => /Deployment|StatefulSet/.test(type) || (phase === "deploy" ? /:Job$/.test(type) : /:CronJob$/.test(type));
  for (const p of podTemplates(rs).filter((x) => inPhase(x.owner.type))) {
    // Init containers run one at a time before the others: a pod needs the larger of its
    // largest init container and its containers together (Kubernetes' effective limit).
    const mem = Math.max(
      p.spec.containers.reduce((s: number, c: any) => s + quantity(c.resources.limits.memory), 0),
      ...(p.spec.initContainers ?? []).map((c: any) => quantity(c.resources.limits.memory)),
    );
    rows.push([p.owner.name, mem * p.replicas]);
  }
  for (const r of rs.filter((x) => phase === "run" && x.type.endsWith(":ScheduledSparkApplication"))) {
    const t = unwrap(r.inputs).spec.template;
    const withOverhead = (m: string) => Math.max(quantity(m, true) * 1.1, quantity(m, true) + 384 * 1024 ** 2);
    rows.push([`${r.name} (driver + ${t.executor.instances} executors)`, withOverhead(t.driver.memory) + t.executor.instances * withOverhead(t.executor.memory)]);
  }
  const controller = (operatorValues("ns").controller as { resources: { requests: { cpu: string }; limits: { memory: string } } }).resources;
  rows.push(["spark-operator controller (program's chart values) + webhook (chart default, ~256Mi)", quantity(controller.limits.memory) + 256 * 1024 ** 2]);
  return { total: rows.reduce((s, [, m]) => s + m, 0), rows };
}

/**
 * CPU requests of what runs while silver runs: the services (Deployments, StatefulSets), the
 * Spark driver and executors (their coreRequest, which the scheduler reserves) and the
 * operator's controller. Jobs are left out: the daily run's jobs run one after another.
 */
export function cpuRequestSum(rs: Captured[]): { total: number; rows: [string, number][] } {
  const rows: [string, number][] = [];
  for (const p of podTemplates(rs).filter((x) => /Deployment|StatefulSet/.test(x.owner.type))) {
    rows.push([p.owner.name, p.replicas * p.spec.containers.reduce((s: number, c: any) => s + quantity(c.resources.requests.cpu), 0)]);
  }
  for (const r of rs.filter((x) => x.type.endsWith(":ScheduledSparkApplication"))) {
    const t = unwrap(r.inputs).spec.template;
    assert.ok(t.driver.coreRequest && t.executor.coreRequest, `${r.name}: coreRequest set (else the pod requests ${t.driver.cores} whole core(s))`);
    rows.push([`${r.name} (driver + ${t.executor.instances} executors)`, quantity(t.driver.coreRequest) + t.executor.instances * quantity(t.executor.coreRequest)]);
  }
  const controller = (operatorValues("ns").controller as { resources: { requests: { cpu: string } } }).resources;
  rows.push(["spark-operator controller", quantity(controller.requests.cpu)]);
  return { total: rows.reduce((s, [, m]) => s + m, 0), rows };
}

/** Every ${ENV:NAME} in a Trino file / env_var('NAME') in the dbt profile. */
export function envRefs(text: string): string[] {
  text = text.replace(/<!--[\s\S]*?-->/g, "").replace(/^\s*#.*$/gm, "");
  return [...new Set([...text.matchAll(/\$\{ENV:([A-Z0-9_]+)\}|env_var\('([A-Z0-9_]+)'\)|\$\{env\.([A-Z0-9_]+)\}/g)].map((m) => m[1] ?? m[2] ?? m[3]))];
}

/** Names of a container's env vars, envFrom secrets expanded to the S3 keys they hold. */
export function envNames(c: any): string[] {
  const names = (c.env ?? []).map((e: any) => e.name);
  if ((c.envFrom ?? []).some((e: any) => /-s3-/.test(e.secretRef?.name ?? ""))) names.push("LAKEHOUSE_S3_ACCESS_KEY", "LAKEHOUSE_S3_SECRET_KEY");
  return names;
}
