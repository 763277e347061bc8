/**
 * SparkOperator: the kubeflow spark-operator Helm chart (sparkoperator.k8s.io/v1beta2),
 * watching the lakehouse namespace, with the service account the Spark drivers run as.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "./labels";

export const CHART_REPO = "https://kubeflow.github.io/spark-operator";
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
      chart: "spark-operator",
      version: args.chartVersion,
      repositoryOpts: { repo: CHART_REPO },
      namespace: ns.metadata.name,
      values: operatorValues(args.jobNamespace),
      atomic: true,
      waitForJobs: true,
    }, { parent: this });
    this.registerOutputs({ serviceAccount: this.serviceAccount });
  }
}
