/**
 * The lakehouse on Kubernetes: read the stack's config once, compose one component per
 * concern, export what users need. `pulumi stack select dev|prod`; see docs/deploy.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { readConfig, SIZES } from "./components/config";
import { Dashboards } from "./components/dashboards";
import { Images, type ImageName } from "./components/images";
import { imageVersion } from "./components/labels";
import { Metastore } from "./components/metastore";
import { Namespace } from "./components/namespace";
import { MINIO_ROOT_USER, ObjectStore } from "./components/objectStore";
import { Pipeline, PIPELINE_NAME } from "./components/pipeline";
import { QueryEngine } from "./components/queryEngine";
import { SparkOperator } from "./components/sparkOperator";
import { TRINO_NAME } from "./components/stackSecrets";
import { YESTERDAY_SH } from "./src/lib/dates";

const stack = pulumi.getStack();
// Every key, plain and secret, read and validated here once. The generated secrets were made by
// `lakehouse deploy init` and are kept encrypted in the stack's config; one error names any missing.
const raw = new pulumi.Config("lakehouse");
const cfg = readConfig((k) => raw.get(k), { getSecret: (k) => raw.getSecret(k), stack });
const size = SIZES[cfg.size];
const secrets = cfg.secrets.generated;

const ns = new Namespace("lakehouse", { name: cfg.namespace, instance: stack });
const nsOpts = { dependsOn: [ns] };
// Each image is the project's (built from debian:bookworm-slim) unless the stack overrides it.
const overrides: Partial<Record<ImageName, string>> = {
  minio: cfg.objectStore.mode === "external" || cfg.objectStore.minioImage ? cfg.objectStore.mcImage : undefined,
  postgres: cfg.postgres.image, trino: cfg.trino.image, metastore: cfg.metastore.image, "spark-operator": cfg.spark.operatorImage,
};
const images = new Images("images", {
  registry: cfg.images.registry, tag: cfg.images.tag, build: cfg.images.build,
  skip: (Object.keys(overrides) as ImageName[]).filter((n) => overrides[n] !== undefined),
});
/** An image override (its tag as the version label), or the project's image of that name (the build's tag). */
const imageOf = (override: string | undefined, name: ImageName) =>
  override ? { image: override, version: imageVersion(override) } : { image: images.refs[name], version: cfg.images.tag };
const minio = imageOf(cfg.objectStore.minioImage, "minio");
const mc = imageOf(cfg.objectStore.mcImage, "minio");
const store = new ObjectStore("minio", {
  namespace: cfg.namespace, instance: stack, mode: cfg.objectStore.mode, image: minio.image, version: minio.version, mcImage: mc.image, mcVersion: mc.version,
  endpoint: cfg.objectStore.endpoint, region: cfg.objectStore.region, storageClass: cfg.storageClass, storageSize: cfg.objectStore.storageSize,
  size: size.minio, jobSize: size.initJob, identityKeys: secrets.s3SecretKeys,
  admin: cfg.secrets.s3Admin ?? { user: MINIO_ROOT_USER, password: secrets.minioRootPassword },
}, nsOpts);
const s3 = (identity: "metastore" | "trino") => ({ endpoint: store.endpoint, region: store.region, secretName: store.secretNames[identity] });
const metastore = new Metastore("hive-metastore", {
  namespace: cfg.namespace, instance: stack, ...imageOf(cfg.metastore.image, "metastore"), size: size.metastore,
  postgres: { ...imageOf(cfg.postgres.image, "postgres"), storageClass: cfg.storageClass, storageSize: cfg.postgres.storageSize, size: size.postgres, passwords: secrets.postgresPasswords },
  s3: s3("metastore"), dependsOn: [store.provisioned],
}, nsOpts);
const trino = new QueryEngine(TRINO_NAME, {
  namespace: cfg.namespace, instance: stack, ...imageOf(cfg.trino.image, "trino"), workers: cfg.trino.workers, nodePort: cfg.exposeNodePorts,
  coordinatorSize: size.trinoCoordinator, workerSize: size.trinoWorker, jobSize: size.initJob, s3: s3("trino"), metastoreUri: metastore.uri,
  secrets: secrets.trino, dependsOn: [metastore, store.provisioned],
}, nsOpts);
const spark = new SparkOperator("spark-operator", {
  operatorNamespace: `${cfg.namespace}-spark-operator`, jobNamespace: cfg.namespace, instance: stack,
  chartVersion: cfg.spark.operatorChartVersion, chart: cfg.spark.operatorChart, image: imageOf(cfg.spark.operatorImage, "spark-operator").image,
}, nsOpts);
const trinoRef = { host: trino.host, port: trino.port, usersSecretName: trino.usersSecretName, caConfigMapName: trino.caConfigMapName };
const dashboards = new Dashboards("superset", {
  namespace: cfg.namespace, instance: stack, image: images.refs.superset, cliImage: images.refs.ingest, version: cfg.images.tag, size: size.superset, jobSize: size.initJob,
  nodePort: cfg.exposeNodePorts, postgres: { host: metastore.postgresHost, password: metastore.supersetDbPassword }, trino: trinoRef,
  secrets: secrets.superset, dependsOn: [metastore, trino],
}, nsOpts);
const pipeline = new Pipeline(PIPELINE_NAME, {
  namespace: cfg.namespace, instance: stack, images: { ...images.refs, mc: mc.image }, version: cfg.images.tag, schedules: cfg.schedules, timeZone: cfg.timeZone,
  datasets: cfg.datasets, ingestSource: cfg.ingestSource, ingestUrls: cfg.ingestUrls, socrataAppToken: cfg.secrets.socrataAppToken, sizes: size, sparkVersion: cfg.spark.version, sparkExecutors: cfg.spark.executors, sparkRetryIntervalSeconds: cfg.spark.retryIntervalSeconds,
  sparkServiceAccount: spark.serviceAccount, s3: { endpoint: store.endpoint, region: store.region, secretNames: store.secretNames },
  metastoreUri: metastore.uri, trino: trinoRef, dashboardsCache: dashboards.cacheRefresh, dependsOn: [spark, trino, store.provisioned],
}, nsOpts);

export const namespace = cfg.namespace;
export const supersetUrl = dashboards.url;
export const supersetAdminPassword = pulumi.secret(dashboards.adminPassword);
export const trinoEndpoint = cfg.exposeNodePorts ? `https://localhost:30443` : `https://${trino.host}:${trino.port}`;
export const trinoAdminPassword = pulumi.secret(trino.adminPassword);
export const s3Endpoint = store.endpoint;
export const buckets = store.buckets;
export const watchJobs = `kubectl get cronjobs,jobs,scheduledsparkapplications,sparkapplications -n ${cfg.namespace} -l ${pipeline.selector}`;
export const runNow = Object.fromEntries(Object.entries(pipeline.names).map(([job, n]) => [job, `lakehouse deploy run ${job} --stack ${stack} --date ${YESTERDAY_SH}  # ${n}`]));
