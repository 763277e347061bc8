/**
 * Every third-party image and chart a deployment pulls, read from where it is pinned: the
 * Dockerfiles' FROM lines (one base, debian:bookworm-slim), the kind script's node and registry
 * images, and the spark-operator chart of the default Helm repository. Every workload runs a
 * project image (components/imageSpecs.ts) unless the stack overrides it. scripts/verify-images.sh
 * pulls them; a test keeps docs/deploy.md's table of pins and evidence complete.
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULTS } from "./config";
import { PROJECT_ROOT } from "./files";
import { IMAGE_NAMES, IMAGE_SPECS } from "./imageSpecs";
import { CHART_NAME, CHART_REPO } from "./sparkOperator";

/** The one base every project image starts from. */
export const BASE_IMAGE = "debian:bookworm-slim";

export interface ImagePin {
  /** Image reference as pulled (registry/name:tag[@digest]). */
  ref: string;
  /** Where the pin is written. */
  source: string;
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
    { ref: shellDefault(kind, "REG_IMAGE"), source: "scripts/kind-create.sh REG_IMAGE" },
    { ref: shellDefault(kind, "NODE_IMAGE"), source: "scripts/kind-create.sh NODE_IMAGE" },
  ];
  for (const file of new Set(IMAGE_NAMES.map((n) => IMAGE_SPECS[n].dockerfile))) {
    // FROM ${ARG}: a project image (fromImages), built here.
    for (const ref of dockerfileBases(fs.readFileSync(path.join(root, file), "utf8"))) if (!ref.startsWith("$")) pins.push({ ref, source: file });
  }
  return pins;
}

/** The chart pin, for `helm pull`. */
export function chartPin(): { repo: string; chart: string; version: string } {
  return { repo: CHART_REPO, chart: CHART_NAME, version: DEFAULTS.sparkOperatorChartVersion };
}
