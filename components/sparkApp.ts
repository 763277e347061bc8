/** The SparkApplication spec (sparkoperator.k8s.io/v1beta2) of the silver job, as a pure function. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { YESTERDAY } from "../src/lib/dates";
import type { Size } from "./config";
import { podSecurity, restricted } from "./k8s";

/**
 * The Spark image (images/python.Dockerfile, target spark) runs as `spark`, uid 185 (the uid of
 * Apache Spark's own images); its entrypoint (spark/entrypoint.sh) takes the `driver` and
 * `executor` arguments the operator's pods start with.
 */
export const SPARK_UID = 185;
/** Where the image puts spark/ (PYTHONPATH): spark/lakehouse is /opt/lakehouse/spark/lakehouse. */
export const SPARK_CODE_DIR = "/opt/lakehouse/spark";
export const SILVER_APP = `local://${SPARK_CODE_DIR}/lakehouse/silver/job.py`;

export interface SparkAppArgs {
  /** The Spark image (images/python.Dockerfile, target spark): driver and executors. */
  image: pulumi.Input<string>;
  /** Spark version of the image (the operator's sparkVersion). */
  sparkVersion: string;
  /** Executor instances (>= 1). */
  executors: number;
  /** Seconds the operator waits before it runs a failed application again (onFailureRetryInterval). */
  retryIntervalSeconds: number;
  /** The driver's service account (it creates the executor pods). */
  serviceAccount: string;
  /** The driver's resources; memory a JVM size (768m, 4g), not a Kubernetes quantity. */
  driver: Size;
  /** Each executor's resources; memory a JVM size (768m, 4g). */
  executor: Size;
  /** --date argument: YYYY-MM-DD for a backfill, "yesterday" for the schedule. */
  date: string;
  /** --dataset argument: the silver datasets the source fills (e.g. nyc_weather, nyc_yellow_trips); none: all (weather and trips). */
  datasets?: readonly string[];
  /** Labels of the driver and executor pods (the S3 and metastore client labels among them). */
  labels: Record<string, string>;
  /** Environment of the driver and executors (the connection contract: S3, metastore). */
  env: k8s.types.input.core.v1.EnvVar[];
  /** The driver's init container that waits for bronze's markers; none: the driver starts at once. */
  wait?: k8s.types.input.core.v1.Container;
  /** The properties of spark/conf/spark-defaults.conf, the ones the local jobs start with. */
  sparkConf: Record<string, string>;
}

/**
 * Spark wants whole cores as an integer (its task slots, and by default the pod's CPU request),
 * and limits as a quantity string. The request is the size's own, which may be a fraction of a
 * core: two pods each requesting a whole core do not fit beside the stack on a 2-core node
 * (the executor stayed Pending on the one-node cluster, "Insufficient cpu").
 */
function cores(s: Size): { cores: number; coreRequest: string; coreLimit: string } {
  const n = Math.max(1, Math.ceil(Number(s.cpu.replace(/m$/, "")) / (s.cpu.endsWith("m") ? 1000 : 1)));
  return { cores: n, coreRequest: s.cpu, coreLimit: s.cpuLimit };
}

export function sparkApplicationSpec(a: SparkAppArgs) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(a.date) && a.date !== YESTERDAY) throw new Error(`sparkApplicationSpec: date must be YYYY-MM-DD or "${YESTERDAY}" (got "${a.date}")`);
  if (!/^\d+g$|^\d+m$/.test(a.driver.memory) || !/^\d+g$|^\d+m$/.test(a.executor.memory)) {
    throw new Error(`sparkApplicationSpec: driver/executor memory must be a JVM size like 768m or 4g (got ${a.driver.memory}, ${a.executor.memory})`);
  }
  const pod = { labels: a.labels, env: a.env, podSecurityContext: podSecurity(SPARK_UID), securityContext: restricted(SPARK_UID) };
  return {
    type: "Python",
    pythonVersion: "3",
    mode: "cluster",
    image: a.image,
    imagePullPolicy: "IfNotPresent",
    mainApplicationFile: SILVER_APP,
    arguments: ["--date", a.date, "--dataset", a.datasets?.length ? a.datasets.join(",") : "all"],
    sparkVersion: a.sparkVersion,
    sparkConf: a.sparkConf,
    restartPolicy: { type: "OnFailure", onFailureRetries: 2, onFailureRetryInterval: a.retryIntervalSeconds, onSubmissionFailureRetries: 3, onSubmissionFailureRetryInterval: 60 },
    timeToLiveSeconds: 7 * 86400,
    driver: { ...pod, ...cores(a.driver), memory: a.driver.memory, serviceAccount: a.serviceAccount, ...(a.wait ? { initContainers: [a.wait] } : {}) },
    executor: { ...pod, ...cores(a.executor), memory: a.executor.memory, instances: a.executors, deleteOnTermination: true },
  };
}
