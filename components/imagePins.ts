/**
 * Every third-party image and chart a deployment pulls, read from where it is pinned: the
 * config defaults, the pipeline's waiter, the kind script, the Dockerfiles' FROM lines and the
 * spark-operator chart (with the controller image it brings). scripts/verify-images.sh pulls
 * them; a test keeps docs/deploy.md's table of pins and evidence complete.
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULTS } from "./config";
import { PROJECT_ROOT } from "./files";
import { IMAGE_NAMES, IMAGE_SPECS } from "./images";
import { WAITER_IMAGE } from "./pipeline";
import { CHART_NAME, CHART_REPO } from "./sparkOperator";

export interface ImagePin {
  /** Image reference as pulled (registry/name:tag[@digest]). */
  ref: string;
  /** Where the pin is written. */
  source: string;
}

/** The controller image a spark-operator chart version runs (values.yaml: ghcr.io/kubeflow/spark-operator/controller, tag = appVersion). */
export function sparkOperatorImage(chartVersion: string): string {
  return `ghcr.io/kubeflow/spark-operator/controller:${chartVersion}`;
}

/** FROM images of a Dockerfile, without references to its own build stages. */
export function dockerfileBases(text: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const m of text.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
    if (!stages.has(m[1].toLowerCase())) bases.push(m[1]);
    if (m[2]) stages.add(m[2].toLowerCase());
  }
  return bases;
}

/** A `VAR="${ENV:-default}"` default from a shell script. */
export function shellDefault(script: string, variable: string): string {
  const m = new RegExp(`^${variable}="\\$\\{[A-Z_]+:-([^}]+)\\}"`, "m").exec(script);
  if (!m) throw new Error(`no default for ${variable}`);
  return m[1];
}

export function imagePins(root: string = PROJECT_ROOT): ImagePin[] {
  const kind = fs.readFileSync(path.join(root, "scripts/kind-create.sh"), "utf8");
  const pins: ImagePin[] = [
    { ref: DEFAULTS.minioImage, source: "components/config.ts minioImage (Pulumi.yaml)" },
    { ref: DEFAULTS.mcImage, source: "components/config.ts mcImage (Pulumi.yaml)" },
    { ref: DEFAULTS.postgresImage, source: "components/config.ts postgresImage (Pulumi.yaml)" },
    { ref: DEFAULTS.trinoImage, source: "components/config.ts trinoImage (Pulumi.yaml)" },
    { ref: WAITER_IMAGE, source: "components/pipeline.ts WAITER_IMAGE" },
    { ref: sparkOperatorImage(DEFAULTS.sparkOperatorChartVersion), source: `spark-operator chart ${DEFAULTS.sparkOperatorChartVersion} (${CHART_REPO})` },
    { ref: shellDefault(kind, "REG_IMAGE"), source: "scripts/kind-create.sh REG_IMAGE" },
    { ref: shellDefault(kind, "NODE_IMAGE"), source: "scripts/kind-create.sh NODE_IMAGE" },
  ];
  for (const name of IMAGE_NAMES) {
    const file = IMAGE_SPECS[name].dockerfile;
    for (const ref of dockerfileBases(fs.readFileSync(path.join(root, file), "utf8"))) pins.push({ ref, source: file });
  }
  return pins;
}

/** The chart pin, for `helm pull`. */
export function chartPin(): { repo: string; chart: string; version: string } {
  return { repo: CHART_REPO, chart: CHART_NAME, version: DEFAULTS.sparkOperatorChartVersion };
}
