/**
 * SparkOperator: the kubeflow spark-operator Helm chart (sparkoperator.k8s.io/v1beta2),
 * watching the lakehouse namespace, with the service account the Spark drivers run as.
 * The chart comes from kubeflow's Helm repository or, where that is unreachable, from a chart
 * directory (e.g. charts/spark-operator-chart of the Go module github.com/kubeflow/spark-operator/v2
 * at the same version): one Release either way.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "./config";
import { labels } from "./labels";

export const CHART_REPO = "https://kubeflow.github.io/spark-operator";
export const CHART_NAME = "spark-operator";
/** The driver's service account, created by the chart in each job namespace (with its Role). */
export const SPARK_SERVICE_ACCOUNT = "lakehouse-spark";

export interface SparkOperatorArgs {
  /** Namespace of the operator itself. */
  operatorNamespace: string;
  /** Namespace where the SparkApplications run (the chart creates the service account there). */
  jobNamespace: pulumi.Input<string>;
  /** app.kubernetes.io/instance (the stack). */
  instance: string;
  /** Chart version, pinned (2.5.x: the v1beta2 CRDs this program is validated against). */
  chartVersion: string;
  /** Where the chart comes from: `{ repo, chart }` (default: CHART_REPO, CHART_NAME) or `{ path }` of a chart directory (config.ts checks its version). */
  chart?: ChartSource;
}

/** The Release's chart fields for a source: a repository's chart by name, or a directory (no repository). */
export function chartArgs(source: ChartSource, version: string): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return "path" in source ? { chart: source.path, version } : { chart: source.chart, version, repositoryOpts: { repo: source.repo } };
}

/** Chart values: the webhook is needed for the driver's env, volumes, init containers and securityContext. */
export function operatorValues(jobNamespace: pulumi.Input<string>): Record<string, unknown> {
  return {
    spark: {
      jobNamespaces: [jobNamespace],
      serviceAccount: { create: true, name: SPARK_SERVICE_ACCOUNT },
      rbac: { create: true },
    },
    webhook: { enable: true },
    controller: { resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } } },
    prometheus: { metrics: { enable: false } },
  };
}

export class SparkOperator extends pulumi.ComponentResource {
  readonly serviceAccount = SPARK_SERVICE_ACCOUNT;
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:spark:SparkOperator", name, {}, opts);
    if (!/^2\.5\.\d+$/.test(args.chartVersion)) throw new Error(`SparkOperator: chartVersion must be 2.5.x, the CRD version the tests validate against (got "${args.chartVersion}")`);
    const ns = new k8s.core.v1.Namespace(args.operatorNamespace, {
      metadata: { name: args.operatorNamespace, labels: labels({ name: "spark-operator", instance: args.instance, component: "spark-operator", version: args.chartVersion }) },
    }, { parent: this });
    this.release = new k8s.helm.v3.Release(name, {
      name: "spark-operator",
      ...chartArgs(args.chart ?? { repo: CHART_REPO, chart: CHART_NAME }, args.chartVersion),
      namespace: ns.metadata.name,
      values: operatorValues(args.jobNamespace),
      atomic: true,
      waitForJobs: true,
    }, { parent: this });
    this.registerOutputs({ serviceAccount: this.serviceAccount });
  }
}
