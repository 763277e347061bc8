/** Pure rendering of Trino's files for the cluster, derived from the repository's trino/ files. */
import { getProperties } from "properties-file";
import { queryMemory } from "../src/lib/trinoServer";
import { quantity } from "./k8s";

// Trino's users and their password file are the same in every environment (src/lib/trinoServer.ts).
export { passwordFile, TRINO_USERS, type TrinoUser } from "../src/lib/trinoServer";

/** The share of a Trino container's memory given to the heap (the rest: native memory, metaspace, thread stacks). */
export const HEAP_SHARE = 0.7;

/** Repository files the coordinator mounts as-is (rules.json = file-based access rules). */
export const COORDINATOR_FILES = {
  "config.properties": "trino/etc/config.properties",
  "jvm.config": "trino/etc/jvm.config",
  "log.properties": "trino/etc/log.properties",
  "password-authenticator.properties": "trino/etc/password-authenticator.properties",
  "access-control.properties": "trino/etc/access-control.properties",
  "rules.json": "trino/rules.json",
} as const;
export const CATALOG_FILES = ["trino/catalog/iceberg.properties", "trino/catalog/hive.properties"] as const;
export const SCHEMAS_FILE = "trino/init/schemas.sql";

/**
 * A Java .properties text (Trino's files, Spark's spark-defaults.conf) as key -> value, read by
 * java.util.Properties' rules, as the JVMs read it: the key ends at the first `=`, `:` or whitespace,
 * so `key=value`, `key:value` and Spark's `key value` all work and a value keeps its own `=` and spaces
 * (`spark.driver.extraJavaOptions -Dfoo=bar` is that key with the value `-Dfoo=bar`). Values are
 * trimmed as Spark trims them after loading (Utils.getPropertiesFromFile): a trailing space in the
 * file is not part of a setting.
 */
export function parseProperties(text: string): Map<string, string> {
  return new Map(Object.entries(getProperties(text)).map(([key, value]): [string, string] => [key, value.trim()]));
}

export function renderProperties(props: Map<string, string>, header: string): string {
  return `# ${header}\n${[...props].map(([k, v]) => `${k}=${v}`).join("\n")}\n`;
}

/** Workers: the coordinator's file with coordinator=false and no user-facing HTTPS or authentication. */
export function workerConfig(coordinator: string): string {
  const props = parseProperties(coordinator);
  if (props.get("coordinator") !== "true") throw new Error("trino/etc/config.properties: expected coordinator=true");
  props.set("coordinator", "false");
  for (const k of [...props.keys()]) {
    if (k === "node-scheduler.include-coordinator" || k.startsWith("http-server.https.") || k === "http-server.authentication.type") props.delete(k);
  }
  return renderProperties(props, "Rendered by the Pulumi program from trino/etc/config.properties for workers.");
}

/** The repository's jvm.config plus a heap of HEAP_SHARE of the container memory. */
export function jvmConfig(base: string, memoryLimit: string): string {
  if (/^-Xmx/m.test(base)) throw new Error("trino/etc/jvm.config must not set -Xmx: the heap is set per environment");
  const heapMi = Math.floor((quantity(memoryLimit) * HEAP_SHARE) / 1024 ** 2);
  return `${base.trimEnd()}\n-Xmx${heapMi}M\n`;
}

/** node.properties is per environment (the local stack writes its own). */
export function nodeProperties(environment: string): string {
  return `node.environment=${environment.replace(/[^a-z0-9_]/g, "_")}\nnode.data-dir=/data/trino\n`;
}

/** Trino's query memory limits for a node of `memoryLimit` (its heap: HEAP_SHARE of it) among `workers` workers. */
export function clusterQueryMemory(memoryLimit: string, workers: number): { maxMemory: string; maxMemoryPerNode: string } {
  return queryMemory(quantity(memoryLimit) * HEAP_SHARE, workers);
}

export type TrinoRole = "coordinator" | "worker";
/** Files only the coordinator needs: it alone authenticates users and applies the access rules. */
const COORDINATOR_ONLY = ["password-authenticator.properties", "access-control.properties", "rules.json"];

/**
 * The etc ConfigMap of a role, from the repository's files (`files`: path -> text, as read by
 * readRepoFiles): the coordinator files as-is, jvm.config with the heap for `memoryLimit`,
 * node.properties for `environment`; workers get workerConfig and no user-facing files.
 */
export function etcData(role: TrinoRole, files: Record<string, string>, memoryLimit: string, environment: string): Record<string, string> {
  const data: Record<string, string> = Object.fromEntries(Object.entries(COORDINATOR_FILES).map(([k, rel]) => [k, files[rel]]));
  const missing = Object.keys(data).filter((k) => data[k] === undefined);
  if (missing.length) throw new Error(`etcData: no text for ${missing.map((k) => COORDINATOR_FILES[k as keyof typeof COORDINATOR_FILES]).join(", ")}`);
  data["jvm.config"] = jvmConfig(data["jvm.config"], memoryLimit);
  data["node.properties"] = nodeProperties(environment);
  if (role === "worker") {
    data["config.properties"] = workerConfig(data["config.properties"]);
    for (const k of COORDINATOR_ONLY) delete data[k];
  }
  return data;
}
