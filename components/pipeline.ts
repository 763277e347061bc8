/**
 * Pipeline: ingestion (CronJob) -> silver (ScheduledSparkApplication) -> gold with dbt on Trino
 * (CronJob) -> table maintenance (CronJob, Spark in local mode). Every run has a logical date,
 * waits for its upstream commit marker, never overlaps itself and is bounded in time and retries.
 */
import { goldSourceVars, SCHEDULED_BUILD_EXCLUDES } from "../src/lib/gold-vars";
import type { CacheRefreshStep } from "./dashboards";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENV, S3_SDK_CHECKSUM_ENV } from "../src/lib/connection";
import { YESTERDAY } from "../src/lib/dates";
import { JOBS_TRINO_USER } from "../src/lib/trinoServer";
import type { Size, Workload } from "./config";
import { readRepoFile } from "./files";
import { cronJobSpec, waitForMarkersScript, withLogicalDate, type Layer } from "./jobs";
import { plainEnv, podSecurity, quantity, resources, restricted, secretEnv } from "./k8s";
import { labels } from "./labels";
import { METASTORE_CLIENT_LABEL } from "./metastore";
import { S3_CLIENT_LABEL } from "./objectStore";
import type { Identity } from "./policies";
import { sparkApplicationSpec, SPARK_UID } from "./sparkApp";
import { parseProperties } from "./trinoConfig";
import { DATASETS_OF_SOURCE, SOCRATA_APP_TOKEN_ENV, SOURCE_URL_ENV } from "../src/ingest/endpoints";

export const PROFILES_FILE = "dbt/profiles.yml";
/** The Spark properties the local jobs start with (src/local/jobs/spark.ts); the image carries the file too. */
export const SPARK_DEFAULTS_FILE = "spark/conf/spark-defaults.conf";
/** Spark in local mode: the heap is 70% of the container, the rest for off-heap and Python. */
export function heapOf(s: Size): string {
  return `${Math.floor((quantity(s.memory) * 0.7) / 1024 ** 2)}m`;
}
/** The pipeline component's name in index.ts: its schedules are <name>-ingest, <name>-silver, … */
export const PIPELINE_NAME = "lakehouse";

export const DEADLINES = { ingest: 2 * 3600, gold: 6 * 3600, maintenance: 4 * 3600, silverWait: 6 * 3600 };

export interface PipelineArgs {
  /** Namespace of the CronJobs, the ScheduledSparkApplication and their ConfigMaps (the SparkOperator's job namespace). */
  namespace: string;
  /** app.kubernetes.io/instance of its labels (the stack name). */
  instance: string;
  /** The jobs' images; `mc` runs the waits for upstream markers (MinIO's client and /bin/sh: the project's MinIO image). */
  images: { ingest: pulumi.Input<string>; spark: pulumi.Input<string>; dbt: pulumi.Input<string>; mc: pulumi.Input<string> };
  /** Version label of the jobs (the images' tag). */
  version: string;
  /** Each job's cron schedule (5 fields or a macro such as @daily; components/config.ts validCron). */
  schedules: Record<"ingest" | "silver" | "gold" | "maintenance", string>;
  /** IANA time zone of the schedules (e.g. Etc/UTC). */
  timeZone: string;
  /** Datasets whose commit markers the jobs wait for and silver cleans: exactly those ingestSource fills. */
  datasets: string[];
  /** What the ingestion CronJob reads: synthetic, chicago or nyc (src/ingest/endpoints.ts SOURCES). */
  ingestSource: string;
  /** The trips source's and Open-Meteo's endpoints (unset: the public ones) and the Socrata app token (a stack secret). */
  ingestUrls?: { trips?: string; weather?: string };
  /** Socrata's app token for the chicago source (stack secret socrataAppToken); unset: none (a lower rate limit). */
  socrataAppToken?: pulumi.Input<string>;
  /** Resources per workload (ingest, dbt, sparkDriver, sparkExecutor, maintenance, waiter are used here). */
  sizes: Record<Workload, Size>;
  /** Spark version of the jobs' image (the SparkApplication's sparkVersion). */
  sparkVersion: string;
  /** Executors of the silver application (>= 1). */
  sparkExecutors: number;
  /** Seconds before the operator runs a failed silver application again. */
  sparkRetryIntervalSeconds: number;
  /** Service account of the silver driver (the SparkOperator's, with its Role). */
  sparkServiceAccount: string;
  /** The object store: endpoint, signing region, and each identity's key Secret (each job gets its own identity's). */
  s3: { endpoint: pulumi.Input<string>; region: string; secretNames: Record<Identity, string> };
  /** thrift://host:9083 of the Metastore (silver and maintenance). */
  metastoreUri: pulumi.Input<string>;
  /** Trino for dbt: HTTPS host and port, the Secret with <user>-password keys, the ConfigMap with its CA (cert.pem). */
  trino: { host: string; port: number; usersSecretName: string; caConfigMapName: string };
  /**
   * The gold job's last step, after dbt: Superset's cache of the rebuilt dashboards dropped and
   * warmed (the Dashboards component's cacheRefresh). Unset: gold ends with dbt.
   */
  dashboardsCache?: CacheRefreshStep;
  /** Resources every job waits for (the SparkOperator, Trino, the object store's provisioning Job). None by default. */
  dependsOn?: pulumi.Resource[];
}

export class Pipeline extends pulumi.ComponentResource {
  /** Label selector matching every pipeline job and pod: kubectl get jobs,pods -l <it>. */
  readonly selector: string;
  readonly names: Record<"ingest" | "silver" | "gold" | "maintenance", string>;

  constructor(name: string, a: PipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:pipeline:Pipeline", name, {}, opts);
    const ns = a.namespace;
    const p = { parent: this, dependsOn: a.dependsOn };
    this.selector = `app.kubernetes.io/component=pipeline,app.kubernetes.io/instance=${a.instance}`;
    this.names = { ingest: `${name}-ingest`, silver: `${name}-silver`, gold: `${name}-gold`, maintenance: `${name}-maintenance` };
    const l = (job: string) => labels({ name: job, instance: a.instance, component: "pipeline", version: a.version });
    const s3Env = (identity: Identity) => [
      ...plainEnv({ [ENV.s3Region]: a.s3.region, ...S3_SDK_CHECKSUM_ENV }),
      { name: ENV.s3Endpoint, value: a.s3.endpoint },
      ...secretEnv(a.s3.secretNames[identity], { [ENV.s3AccessKey]: ENV.s3AccessKey, [ENV.s3SecretKey]: ENV.s3SecretKey }),
    ];
    const metastoreEnv = { name: ENV.metastoreUri, value: a.metastoreUri };
    const waiter = (layer: Layer, identity: Identity, deadline: number): k8s.types.input.core.v1.Container => ({
      name: `wait-for-${layer}`, image: a.images.mc, command: ["/bin/sh", "-c", waitForMarkersScript(layer, a.datasets, deadline)],
      env: [...s3Env(identity), { name: "HOME", value: "/tmp" }, { name: "LOGICAL_DATE", value: "" }],
      resources: resources(a.sizes.waiter), securityContext: restricted(1000),
    });
    const profiles = new k8s.core.v1.ConfigMap(`${name}-dbt-profiles`, {
      metadata: { name: `${name}-dbt-profiles`, namespace: ns, labels: l("gold") },
      data: { "profiles.yml": readRepoFile(PROFILES_FILE) },
    }, p);
    const cron = (job: "ingest" | "gold" | "maintenance", c: {
      image: pulumi.Input<string>; uid: number; identity: Identity; command: string; size: Size; deadline: number;
      wait?: k8s.types.input.core.v1.Container; env?: k8s.types.input.core.v1.EnvVar[]; metastore?: boolean;
      volumes?: k8s.types.input.core.v1.Volume[]; mounts?: k8s.types.input.core.v1.VolumeMount[];
      /** A step after the job's own container: the job's then runs as an init container, after the wait. */
      then?: CacheRefreshStep;
    }) => {
      const spec = cronJobSpec({ schedule: a.schedules[job], timeZone: a.timeZone, deadlineSeconds: c.deadline, backoffLimit: 2 });
      const podLabels = { ...l(job), ...S3_CLIENT_LABEL, ...(c.metastore ? METASTORE_CLIENT_LABEL : {}) };
      const own: k8s.types.input.core.v1.Container = {
        name: job, image: c.image, command: ["/bin/sh", "-c", withLogicalDate(c.command)],
        env: [...s3Env(c.identity), { name: "LOGICAL_DATE", value: "" }, ...(c.env ?? [])],
        resources: resources(c.size), securityContext: restricted(c.uid), volumeMounts: c.mounts ?? [],
      };
      // The upstream wait, then the job's own container when a step follows it.
      const init = [...(c.wait ? [c.wait] : []), ...(c.then ? [own] : [])];
      return new k8s.batch.v1.CronJob(this.names[job], {
        metadata: { name: this.names[job], namespace: ns, labels: l(job) },
        spec: {
          ...spec,
          jobTemplate: {
            metadata: { labels: l(job) },
            spec: {
              ...spec.jobSpec,
              template: {
                // `kubectl logs` shows the job's own container, also when a step follows it.
                metadata: { labels: podLabels, ...(c.then ? { annotations: { "kubectl.kubernetes.io/default-container": job } } : {}) },
                spec: {
                  restartPolicy: "Never", securityContext: podSecurity(c.uid),
                  ...(init.length ? { initContainers: init } : {}),
                  containers: [c.then ? c.then.container : own],
                  volumes: [...(c.volumes ?? []), ...(c.then ? [c.then.volume] : [])],
                },
              },
            },
          },
        },
      }, p);
    };
    // The endpoints as the environment the connectors read (src/ingest/endpoints.ts), the token from a Secret of its own.
    const urlEnv = ingestUrlEnv(a.ingestSource, a.ingestUrls ?? {});
    const tokenEnv: k8s.types.input.core.v1.EnvVar[] = [];
    if (a.socrataAppToken !== undefined) {
      const tokensName = `${name}-source-tokens`;
      new k8s.core.v1.Secret(tokensName, {
        metadata: { name: tokensName, namespace: ns, labels: l("ingest") },
        stringData: { [SOCRATA_APP_TOKEN_ENV]: a.socrataAppToken },
      }, p);
      tokenEnv.push(...secretEnv(tokensName, { [SOCRATA_APP_TOKEN_ENV]: SOCRATA_APP_TOKEN_ENV }));
    }
    cron("ingest", {
      image: a.images.ingest, uid: 1000, identity: "ingest", size: a.sizes.ingest, deadline: DEADLINES.ingest,
      command: `lakehouse-ingest --source ${a.ingestSource} --date "$D"`, env: [...plainEnv(urlEnv), ...tokenEnv],
    });
    cron("gold", {
      // dbt's SQL runs in Trino (Trino's S3 identity writes gold); the dbt keys only read silver's marker.
      image: a.images.dbt, uid: 1000, identity: "dbt", size: a.sizes.dbt, deadline: DEADLINES.gold,
      wait: waiter("silver", "dbt", DEADLINES.gold - 3600),
      // The models of the sources silver cleans here (goldSourceVars: docs/ingestion.md).
      command: `dbt build --project-dir /app/dbt --profiles-dir /app/lakehouse/profiles --target-path /tmp/dbt-target --log-path /tmp/dbt-logs --vars "{start_date: '$D', end_date: '$D', ${goldSourceVars(a.datasets)}}" ${SCHEDULED_BUILD_EXCLUDES.join(" ")}`,
      env: [
        ...plainEnv({ [ENV.trinoHost]: a.trino.host, [ENV.trinoPort]: String(a.trino.port), [ENV.trinoUser]: JOBS_TRINO_USER, [ENV.trinoCaFile]: "/app/lakehouse/trino-ca/cert.pem" }),
        ...secretEnv(a.trino.usersSecretName, { [ENV.trinoPassword]: `${JOBS_TRINO_USER}-password` }),
      ],
      volumes: [{ name: "profiles", configMap: { name: profiles.metadata.name } }, { name: "ca", configMap: { name: a.trino.caConfigMapName } }],
      mounts: [{ name: "profiles", mountPath: "/app/lakehouse/profiles", readOnly: true }, { name: "ca", mountPath: "/app/lakehouse/trino-ca", readOnly: true }],
      then: a.dashboardsCache,
    });
    cron("maintenance", {
      image: a.images.spark, uid: SPARK_UID, identity: "maintenance", size: a.sizes.maintenance, deadline: DEADLINES.maintenance, metastore: true,
      wait: waiter("silver", "maintenance", DEADLINES.maintenance - 1800),
      command: `/opt/spark/bin/spark-submit --master "local[2]" --driver-memory ${heapOf(a.sizes.maintenance)} /opt/lakehouse/spark/lakehouse/maintenance/job.py --date "$D"`,
      env: [metastoreEnv, { name: "PYTHONPATH", value: "/opt/lakehouse/spark" }],
    });
    new k8s.apiextensions.CustomResource(this.names.silver, {
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "ScheduledSparkApplication",
      metadata: { name: this.names.silver, namespace: ns, labels: l("silver") },
      spec: {
        schedule: a.schedules.silver, timeZone: a.timeZone, concurrencyPolicy: "Forbid", successfulRunHistoryLimit: 3, failedRunHistoryLimit: 3,
        template: sparkApplicationSpec({
          image: a.images.spark, sparkVersion: a.sparkVersion, executors: a.sparkExecutors, retryIntervalSeconds: a.sparkRetryIntervalSeconds, serviceAccount: a.sparkServiceAccount,
          driver: a.sizes.sparkDriver, executor: a.sizes.sparkExecutor, date: YESTERDAY,
          // The job's "all" is weather and trips; another source's datasets are named (NYC's: nyc_weather, nyc_yellow_trips).
          datasets: isDefaultDatasets(a.datasets) ? undefined : a.datasets,
          labels: { ...l("silver"), ...S3_CLIENT_LABEL, ...METASTORE_CLIENT_LABEL },
          env: [...s3Env("spark"), metastoreEnv, { name: "PYTHONPATH", value: "/opt/lakehouse/spark" }],
          wait: waiter("bronze", "spark", DEADLINES.silverWait),
          sparkConf: Object.fromEntries(parseProperties(readRepoFile(SPARK_DEFAULTS_FILE))),
        }),
      },
    }, p);
    this.registerOutputs({ selector: this.selector, names: this.names });
  }
}

/** The ingestion container's endpoint variables for its source (pure): none for the synthetic source. */
export function ingestUrlEnv(source: string, urls: { trips?: string; weather?: string }): Record<string, string> {
  const env: Record<string, string> = {};
  if (urls.trips && (source === "chicago" || source === "nyc")) env[SOURCE_URL_ENV[source]] = urls.trips;
  if (urls.weather && source !== "synthetic") env[SOURCE_URL_ENV.openMeteo] = urls.weather;
  return env;
}

/** The datasets the job's "all" means: the default source's. */
function isDefaultDatasets(datasets: readonly string[]): boolean {
  const all = DATASETS_OF_SOURCE.synthetic;
  return datasets.length === all.length && all.every((d) => datasets.includes(d));
}
