/**
 * SparkOperator: the kubeflow spark-operator Helm chart (sparkoperator.k8s.io/v1beta2),
 * watching the lakehouse namespace, with the service account the Spark drivers run as.
 * The chart comes from kubeflow's Helm repository or, where that is unreachable, from a chart
 * directory (e.g. charts/spark-operator-chart of the Go module github.com/kubeflow/spark-operator/v2
 * at the same version): one Release either way.
 *
 * CRDs: Helm installs a chart's crds/ on the first install only and never upgrades them (Helm 3),
 * and the chart's own upgrade hook runs a kubectl image from ghcr.io. So from a chart directory
 * the program applies crds/ itself (server-side, before the Release, updated with the chart) and
 * Helm skips them; from a repository Helm installs them, on the first install only.
 * The webhook makes its own serving certificate (a Secret it creates, the caBundle it keeps
 * patched): no cert-manager.
 */
import fs from "node:fs";
import path from "node:path";
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
  /**
   * The controller and webhook image, `registry/repository:tag[@digest]` (the project's, built from
   * images/spark-operator.Dockerfile). Default: the chart's own, ghcr.io/kubeflow/spark-operator/controller:<appVersion>.
   */
  image?: pulumi.Input<string>;
}

/** The Release's chart fields for a source: a repository's chart by name, or a directory (no repository). */
export function chartArgs(source: ChartSource, version: string): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return "path" in source ? { chart: source.path, version } : { chart: source.chart, version, repositoryOpts: { repo: source.repo } };
}

/** The chart directory's CRD manifests (crds/*.yaml), sorted; throws if there are none. */
export function crdFiles(chartDir: string): string[] {
  const dir = path.join(chartDir, "crds");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (!files.length) throw new Error(`SparkOperator: chart ${chartDir} has no CRDs in crds/ (is it the spark-operator chart?)`);
  return files.map((f) => path.join(dir, f));
}

export interface ImageValues {
  registry: string;
  repository: string;
  tag: string;
}

/**
 * The chart's image fields for a reference: the chart joins them as `registry/repository:tag`,
 * so a digest rides on the tag and a reference needs a registry part and a tag.
 */
export function imageValues(ref: string): ImageValues {
  const m = /^([^/@]+)\/([a-z0-9][a-z0-9._/-]*):([\w][\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?)$/.exec(ref);
  if (!m) throw new Error(`SparkOperator: image must be registry/repository:tag[@sha256:…] (got "${ref}")`);
  return { registry: m[1], repository: m[2], tag: m[3] };
}

/** Chart values: the webhook is needed for the driver's env, volumes, init containers and securityContext. */
export function operatorValues(jobNamespace: pulumi.Input<string>, image?: pulumi.Input<string>): Record<string, unknown> {
  return {
    // A node that has the image (loaded, not pulled) uses it; the chart's default too, stated here.
    image: image === undefined ? { pullPolicy: "IfNotPresent" } : pulumi.output(image).apply((ref) => ({ ...imageValues(ref), pullPolicy: "IfNotPresent" })),
    // The CRD upgrade hook's kubectl image is ghcr.io's; CRDs are handled as the header says.
    hook: { upgradeCrd: false },
    spark: {
      jobNamespaces: [jobNamespace],
      serviceAccount: { create: true, name: SPARK_SERVICE_ACCOUNT },
      rbac: { create: true },
    },
    webhook: { enable: true },
    // The controller runs spark-submit (a JVM, ~250 MB resident) for every SparkApplication it
    // starts: at 256Mi the JVM sat at the limit paging its jars in and out, and the silver run on
    // the one-node cluster never got past submission (seen 2026-12-02). 1Gi holds a few at once.
    controller: { resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
    prometheus: { metrics: { enable: false } },
  };
}

export class SparkOperator extends pulumi.ComponentResource {
  readonly serviceAccount = SPARK_SERVICE_ACCOUNT;
  readonly release: k8s.helm.v3.Release;
  /** The CRDs the program applies (chart directory only; from a repository Helm installs them). */
  readonly crds?: k8s.yaml.v2.ConfigGroup;

  constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:spark:SparkOperator", name, {}, opts);
    if (!/^2\.5\.\d+$/.test(args.chartVersion)) throw new Error(`SparkOperator: chartVersion must be 2.5.x, the CRD version the tests validate against (got "${args.chartVersion}")`);
    const source = args.chart ?? { repo: CHART_REPO, chart: CHART_NAME };
    const ns = new k8s.core.v1.Namespace(args.operatorNamespace, {
      metadata: { name: args.operatorNamespace, labels: labels({ name: "spark-operator", instance: args.instance, component: "spark-operator", version: args.chartVersion }) },
    }, { parent: this });
    if ("path" in source) this.crds = new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { files: crdFiles(source.path) }, { parent: this });
    this.release = new k8s.helm.v3.Release(name, {
      name: "spark-operator",
      ...chartArgs(source, args.chartVersion),
      namespace: ns.metadata.name,
      values: operatorValues(args.jobNamespace, args.image),
      skipCrds: this.crds !== undefined,
      atomic: true,
      waitForJobs: true,
    }, { parent: this, dependsOn: this.crds ? [this.crds] : [] });
    this.registerOutputs({ serviceAccount: this.serviceAccount });
  }
}
