/**
 * Every knob of the program, read once with typed defaults and validated up front.
 * Pulumi.yaml declares the same keys with the same defaults (a test keeps them equal).
 * Generated secrets are not knobs (./stackSecrets.ts), but are read here too, with the secrets
 * the user sets, so that index.ts reads its whole configuration in one call.
 *
 * Over 250 lines on purpose: every key's default, parsing and validation message in one place,
 * as Pulumi.yaml declares them (one reading, one list of errors naming every bad key).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CronExpressionParser } from "cron-parser";
import { DEFAULT_S3_REGION } from "../src/lib/connection";
import { VERSIONS } from "../src/lib/versions";
import { PROJECT_ROOT } from "./files";
import { configName, readStackSecrets, type StackSecretValues } from "./stackSecrets";
import { DATASETS_OF_SOURCE, isHttpUrl, SOURCES as INGEST_SOURCES, type SourceName } from "../src/ingest/endpoints";

/**
 * Resources of one container: requests = what the scheduler reserves; limits = the cap.
 * Kubernetes units (Mi, Gi), except sparkDriver/sparkExecutor: JVM sizes (m, g) for the operator.
 */
export interface Size {
  cpu: string;
  cpuLimit: string;
  memory: string;
}

export type Workload =
  | "minio" | "postgres" | "metastore" | "trinoCoordinator" | "trinoWorker" | "superset"
  | "ingest" | "dbt" | "sparkDriver" | "sparkExecutor" | "maintenance" | "waiter" | "initJob";

/** Sizes per profile; `small` must let the dev stack fit a 16 GB laptop (summed in a test). */
export const SIZES: Record<"small" | "large", Record<Workload, Size>> = {
  small: {
    minio: { cpu: "100m", cpuLimit: "1", memory: "512Mi" },
    postgres: { cpu: "100m", cpuLimit: "1", memory: "384Mi" },
    metastore: { cpu: "100m", cpuLimit: "1", memory: "768Mi" },
    trinoCoordinator: { cpu: "250m", cpuLimit: "2", memory: "1536Mi" },
    trinoWorker: { cpu: "250m", cpuLimit: "2", memory: "1536Mi" },
    superset: { cpu: "100m", cpuLimit: "1", memory: "1Gi" },
    ingest: { cpu: "100m", cpuLimit: "1", memory: "512Mi" },
    dbt: { cpu: "100m", cpuLimit: "1", memory: "384Mi" },
    // Fractions of a core requested, one core each as the limit: both fit beside the stack on 2 cores.
    sparkDriver: { cpu: "250m", cpuLimit: "1", memory: "768m" },
    sparkExecutor: { cpu: "500m", cpuLimit: "1", memory: "768m" },
    maintenance: { cpu: "500m", cpuLimit: "2", memory: "1Gi" },
    waiter: { cpu: "10m", cpuLimit: "200m", memory: "128Mi" },
    initJob: { cpu: "100m", cpuLimit: "1", memory: "384Mi" },
  },
  large: {
    minio: { cpu: "1", cpuLimit: "4", memory: "4Gi" },
    postgres: { cpu: "500m", cpuLimit: "2", memory: "2Gi" },
    metastore: { cpu: "500m", cpuLimit: "2", memory: "2Gi" },
    trinoCoordinator: { cpu: "2", cpuLimit: "4", memory: "8Gi" },
    trinoWorker: { cpu: "4", cpuLimit: "8", memory: "16Gi" },
    superset: { cpu: "500m", cpuLimit: "2", memory: "2Gi" },
    ingest: { cpu: "500m", cpuLimit: "2", memory: "1Gi" },
    dbt: { cpu: "250m", cpuLimit: "1", memory: "512Mi" },
    sparkDriver: { cpu: "1", cpuLimit: "2", memory: "4g" },
    sparkExecutor: { cpu: "2", cpuLimit: "4", memory: "8g" },
    maintenance: { cpu: "2", cpuLimit: "4", memory: "8Gi" },
    waiter: { cpu: "10m", cpuLimit: "200m", memory: "128Mi" },
    initJob: { cpu: "250m", cpuLimit: "1", memory: "1Gi" },
  },
};

export interface LakehouseConfig {
  namespace: string;
  storageClass: string;
  size: "small" | "large";
  /**
   * Image overrides: each absent one is the project's image of that name (components/imageSpecs.ts,
   * built from debian:bookworm-slim), e.g. a user who prefers trinodb/trino:476 sets trinoImage.
   */
  objectStore: { mode: "minio" | "external"; minioImage?: string; mcImage?: string; storageSize: string; endpoint?: string; region: string };
  postgres: { image?: string; storageSize: string };
  metastore: { image?: string };
  trino: { image?: string; workers: number };
  spark: { operatorChart: ChartSource; operatorChartVersion: string; operatorImage?: string; version: string; executors: number; retryIntervalSeconds: number };
  images: { registry: string; tag: string; build: boolean };
  exposeNodePorts: boolean;
  schedules: Record<"ingest" | "silver" | "gold" | "maintenance", string>;
  timeZone: string;
  datasets: string[];
  ingestSource: string;
  /** The real sources' endpoints for the ingestion CronJob (empty: the public ones). */
  ingestUrls: { trips?: string; weather?: string };
}

/** Defaults, also declared in Pulumi.yaml. An empty image is the project's own (see LakehouseConfig). */
export const DEFAULTS: Record<string, string> = {
  namespace: "lakehouse",
  storageClass: "standard",
  size: "small",
  objectStoreMode: "minio",
  // The project's images (built from debian:bookworm-slim and the registries) unless set: MinIO's
  // community images stopped in 2025-10 and third-party catalogues vanish (docs/deploy.md).
  minioImage: "",
  metastoreImage: "",
  // The provisioning Job's and the marker waits' image: it needs /bin/sh and mc (the project's
  // MinIO image has both).
  mcImage: "",
  minioStorageSize: "20Gi",
  s3Region: DEFAULT_S3_REGION,
  // Set one to the Official Image's contract (POSTGRES_PASSWORD, POSTGRES_DB, initdb.d), e.g. postgres:15.
  postgresImage: "",
  postgresStorageSize: "5Gi",
  // trinodb/trino's layout, e.g. trinodb/trino:476 (the local stack's version).
  trinoImage: "",
  trinoWorkers: "1",
  // kubeflow/spark-operator tag v2.5.2 (Chart.yaml version 2.5.2); the v1beta2 CRDs the tests validate
  // against. The project's controller image is built from the same module version.
  sparkOperatorChartVersion: VERSIONS.sparkOperator,
  // The controller and webhook image; e.g. ghcr.io/kubeflow/spark-operator/controller:2.5.2, the chart's own.
  sparkOperatorImage: "",
  // From kubeflow's Helm repository (as users get it), or a chart directory where that is unreachable.
  sparkOperatorChart: "https://kubeflow.github.io/spark-operator/spark-operator",
  sparkVersion: "4.1.3",
  sparkExecutors: "1",
  sparkRetryIntervalSeconds: "300",
  imageRegistry: "localhost:5001",
  imageTag: "dev",
  buildImages: "true",
  exposeNodePorts: "true",
  ingestSchedule: "15 1 * * *",
  silverSchedule: "0 2 * * *",
  goldSchedule: "0 3 * * *",
  maintenanceSchedule: "0 4 * * 0",
  timeZone: "Etc/UTC",
  datasets: "trips,weather",
  ingestSource: "synthetic",
  // A mirror, a proxy or a newer dataset id for the trips source (chicago or nyc) and for
  // Open-Meteo; empty = the public endpoints. The Socrata app token is a secret:
  // pulumi config set --secret lakehouse:socrataAppToken <token>.
  ingestSourceUrl: "",
  ingestWeatherUrl: "",
};

/** Where a Helm chart comes from: a repository and the chart's name in it, or a chart directory on this machine. */
export type ChartSource = { repo: string; chart: string } | { path: string };

/**
 * `https://<repository URL>/<chart name>` (the Helm repository, then the chart in it), or a chart
 * directory (absolute, `~/…`, or relative to the project root) whose Chart.yaml must name
 * `chart` at `version`: Helm ignores the version of a local chart, so it is checked here.
 */
export function chartSource(value: string, chart: string, version: string, field: string, errors: string[], root: string = PROJECT_ROOT): ChartSource {
  const url = /^(https?:\/\/[^/]+(?:\/[^/]+)*)\/([a-z0-9][-a-z0-9]*)\/?$/.exec(value);
  if (url) return { repo: url[1], chart: url[2] };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    errors.push(`${field} must be https://<repository URL>/<chart> or a chart directory (got "${value}")`);
    return { path: value };
  }
  const dir = path.resolve(root, value.startsWith("~/") ? path.join(os.homedir(), value.slice(2)) : value);
  const chartYaml = path.join(dir, "Chart.yaml");
  if (!value || !fs.existsSync(chartYaml)) {
    errors.push(`${field}: ${dir} is not a chart directory (no Chart.yaml); give https://<repository URL>/<chart> or the chart's folder`);
    return { path: dir };
  }
  const text = fs.readFileSync(chartYaml, "utf8");
  const top = (k: string) => new RegExp(`^${k}:\\s*["']?([^"'\\s#]+)`, "m").exec(text)?.[1];
  if (top("name") !== chart) errors.push(`${field}: ${chartYaml} is chart "${top("name")}", not ${chart}`);
  if (top("version") !== version) errors.push(`${field}: ${chartYaml} is version ${top("version")}, but the pinned version is ${version} (sparkOperatorChartVersion)`);
  return { path: dir };
}

/** The macros a Kubernetes CronJob's schedule may be instead of five fields (robfig/cron's descriptors). */
const CRONJOB_MACROS: readonly string[] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/**
 * Whether `expr` is a schedule a Kubernetes CronJob accepts: one of CRONJOB_MACROS, or standard
 * cron's five fields (minute hour day-of-month month day-of-week; names such as MON and JAN allowed)
 * that cron-parser can schedule. The field count is checked here, not left to cron-parser: it also
 * takes a leading seconds field, which Kubernetes refuses, and fills in missing fields (even for "").
 * The macros are matched here too: cron-parser does not know @midnight.
 */
export function validCron(expr: string): boolean {
  if (CRONJOB_MACROS.includes(expr)) return true;
  if (expr.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(expr);
    return true;
  } catch {
    return false;
  }
}

const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Where readConfig reads the secret keys (Pulumi: `Config.getSecret`), and the stack they belong to. */
export interface SecretSource<S> {
  /** A secret key's value by its name without the `lakehouse:` namespace (as `get` takes them), or undefined. */
  getSecret: (key: string) => S | undefined;
  /** The stack's name: the error for missing generated secrets names the command that makes them for it. */
  stack: string;
}

/** The secrets of a stack (S: pulumi.Output<string> in the program, string in tests). */
export interface LakehouseSecrets<S> {
  /** Every generated secret (`lakehouse deploy init`: ./stackSecrets.ts STACK_SECRETS). */
  generated: StackSecretValues<S>;
  /** The external store's admin login (s3AdminUser, s3AdminPassword): objectStoreMode external only, where it is required. */
  s3Admin?: { user: S; password: S };
  /** The Socrata app token of the chicago source (socrataAppToken), when set. */
  socrataAppToken?: S;
}

/**
 * Reads and validates every key; throws one error naming every bad field. With `secrets`, it also
 * reads the stack's secrets (an external store without its admin login is one of those errors;
 * missing generated secrets get readStackSecrets' own error, which names `lakehouse deploy init`).
 */
export function readConfig(get: (key: string) => string | undefined): LakehouseConfig;
export function readConfig<S>(get: (key: string) => string | undefined, secrets: SecretSource<S>): LakehouseConfig & { secrets: LakehouseSecrets<S> };
export function readConfig<S>(get: (key: string) => string | undefined, secrets?: SecretSource<S>): LakehouseConfig & { secrets?: LakehouseSecrets<S> } {
  const errors: string[] = [];
  const s = (k: string): string => get(k) ?? DEFAULTS[k] ?? "";
  const int = (k: string, min: number): number => {
    const n = Number(s(k));
    if (!Number.isInteger(n) || n < min) errors.push(`${k} must be an integer >= ${min} (got "${s(k)}")`);
    return n;
  };
  const bool = (k: string): boolean => {
    if (!["true", "false"].includes(s(k))) errors.push(`${k} must be true or false (got "${s(k)}")`);
    return s(k) === "true";
  };
  const oneOf = <T extends string>(k: string, allowed: readonly T[]): T => {
    if (!allowed.includes(s(k) as T)) errors.push(`${k} must be one of ${allowed.join(", ")} (got "${s(k)}")`);
    return s(k) as T;
  };
  const qty = (k: string): string => {
    if (!QUANTITY.test(s(k))) errors.push(`${k} must be a Kubernetes quantity such as 20Gi (got "${s(k)}")`);
    return s(k);
  };
  /** An image override: absent or empty is the project's image; a set one must be pinned. */
  const image = (k: string): string | undefined => {
    const ref = s(k);
    if (!ref) return undefined;
    if (!/:[\w][\w.-]*$|@sha256:[0-9a-f]{64}$/.test(ref)) errors.push(`${k} "${ref}" must be pinned with a tag or digest`);
    if (/:latest$/.test(ref)) errors.push(`${k} "${ref}" must not use the latest tag`);
    return ref;
  };
  const mode = oneOf("objectStoreMode", ["minio", "external"] as const);
  const endpoint = get("s3Endpoint") || undefined;
  if (mode === "external" && !endpoint) errors.push("s3Endpoint is required when objectStoreMode is external");
  if (mode === "minio" && endpoint) errors.push("s3Endpoint is set but objectStoreMode is minio: the in-cluster MinIO is the endpoint; remove one");
  if (endpoint && !/^https?:\/\/[^/]+$/.test(endpoint)) errors.push(`s3Endpoint must be scheme://host[:port] (got "${endpoint}")`);
  if (!DNS_LABEL.test(s("namespace"))) errors.push(`namespace must be a DNS label (got "${s("namespace")}")`);
  const schedules = {
    ingest: s("ingestSchedule"), silver: s("silverSchedule"), gold: s("goldSchedule"), maintenance: s("maintenanceSchedule"),
  };
  for (const [job, cron] of Object.entries(schedules)) if (!validCron(cron)) errors.push(`${job}Schedule must be a Kubernetes CronJob schedule: 5 cron fields (minute hour day-of-month month day-of-week) or one of ${CRONJOB_MACROS.join(", ")} (got "${cron}")`);
  const datasets = s("datasets").split(",").map((d) => d.trim()).filter(Boolean);
  // Names as the markers spell them (components/jobs.ts markerKey), e.g. nyc_yellow_trips.
  if (datasets.length === 0 || !datasets.every((d) => /^[a-z0-9_]+$/.test(d))) errors.push(`datasets must be a comma-separated list of names (got "${s("datasets")}")`);
  if (!(INGEST_SOURCES as readonly string[]).includes(s("ingestSource"))) errors.push(`ingestSource must be one of ${INGEST_SOURCES.join(", ")} (got "${s("ingestSource")}")`);
  else {
    // The jobs wait for, clean and build the datasets the source fills: a stack must name them.
    const fills = DATASETS_OF_SOURCE[s("ingestSource") as SourceName];
    if (fills.some((d) => !datasets.includes(d)) || datasets.some((d) => !fills.includes(d))) {
      errors.push(`ingestSource ${s("ingestSource")} fills the datasets ${fills.join(",")}: set lakehouse:datasets to that (got "${s("datasets")}")`);
    }
  }
  for (const key of ["ingestSourceUrl", "ingestWeatherUrl"]) {
    if (s(key) && !isHttpUrl(s(key))) errors.push(`${key} must be an http(s) URL (got "${s(key)}")`);
    if (s(key) && s("ingestSource") === "synthetic") errors.push(`${key} is set but ingestSource is synthetic, which reads no endpoint`);
  }
  const cfg: LakehouseConfig = {
    namespace: s("namespace"),
    storageClass: s("storageClass"),
    size: oneOf("size", ["small", "large"] as const),
    objectStore: { mode, minioImage: image("minioImage"), mcImage: image("mcImage"), storageSize: qty("minioStorageSize"), endpoint, region: s("s3Region") },
    postgres: { image: image("postgresImage"), storageSize: qty("postgresStorageSize") },
    metastore: { image: image("metastoreImage") },
    trino: { image: image("trinoImage"), workers: int("trinoWorkers", 0) },
    spark: {
      operatorChart: chartSource(s("sparkOperatorChart"), "spark-operator", s("sparkOperatorChartVersion"), "sparkOperatorChart", errors),
      operatorChartVersion: s("sparkOperatorChartVersion"), operatorImage: image("sparkOperatorImage"), version: s("sparkVersion"), executors: int("sparkExecutors", 1),
      retryIntervalSeconds: int("sparkRetryIntervalSeconds", 1),
    },
    images: { registry: s("imageRegistry"), tag: s("imageTag"), build: bool("buildImages") },
    exposeNodePorts: bool("exposeNodePorts"),
    schedules,
    timeZone: s("timeZone"),
    datasets,
    ingestSource: s("ingestSource"),
    ingestUrls: { trips: s("ingestSourceUrl") || undefined, weather: s("ingestWeatherUrl") || undefined },
  };
  let s3Admin: LakehouseSecrets<S>["s3Admin"];
  if (secrets && mode === "external") {
    const [user, password] = [secrets.getSecret("s3AdminUser"), secrets.getSecret("s3AdminPassword")];
    if (user === undefined || password === undefined) {
      errors.push("objectStoreMode external needs the store's admin login as secrets: pulumi config set --secret lakehouse:s3AdminUser <user>, and lakehouse:s3AdminPassword");
    } else s3Admin = { user, password };
  }
  if (errors.length) throw new Error(`invalid lakehouse config:\n  - ${errors.join("\n  - ")}`);
  if (!secrets) return cfg;
  const generated = readStackSecrets((key) => secrets.getSecret(configName(key)), secrets.stack);
  return { ...cfg, secrets: { generated, s3Admin, socrataAppToken: secrets.getSecret("socrataAppToken") } };
}
