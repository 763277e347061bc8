/**
 * The one place the app.kubernetes.io/* labels are built (bitnami common/_labels.tpl habit).
 * Selectors use only name + instance: a Deployment's selector cannot change after creation,
 * so version and component must stay out of it.
 */
export const PART_OF = "lakehouse";
export const MANAGED_BY = "pulumi";

export interface LabelArgs {
  /** app.kubernetes.io/name: what the workload is (trino, minio, silver…). */
  name: string;
  /** app.kubernetes.io/instance: which deployment of it (the stack, e.g. "dev"). */
  instance: string;
  /** app.kubernetes.io/component: its role in the lakehouse (object-store, query-engine, pipeline…). */
  component: string;
  /** app.kubernetes.io/version: the version of the software it runs. */
  version?: string;
}

export function labels(a: LabelArgs): Record<string, string> {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(a.name)) throw new Error(`labels: name "${a.name}" is not a valid label value`);
  const out: Record<string, string> = {
    "app.kubernetes.io/name": a.name,
    "app.kubernetes.io/instance": a.instance,
    "app.kubernetes.io/component": a.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
  if (a.version !== undefined) out["app.kubernetes.io/version"] = labelSafe(a.version);
  return out;
}

/** The immutable subset used in selectors. */
export function selectorLabels(a: Pick<LabelArgs, "name" | "instance">): Record<string, string> {
  return { "app.kubernetes.io/name": a.name, "app.kubernetes.io/instance": a.instance };
}

/** Label values allow [A-Za-z0-9-_.] only (max 63): image tags such as "RELEASE.2025-…" fit, "4.1.3-scala2.13" too. */
export function labelSafe(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The version part of an image reference ("registry.example/lakehouse-trino:0.1.0@sha256:…" -> "0.1.0"). */
export function imageVersion(image: string): string {
  const tag = image.split("@")[0].split("/").pop()!.split(":")[1];
  return labelSafe(tag ?? "latest");
}

/**
 * The version label of a workload's image: `version` when given (a project image, whose
 * reference is known only once built: its tag), else the tag of a reference given as text.
 */
export function versionLabel(image: unknown, version: string | undefined, who: string): string {
  if (version !== undefined) return labelSafe(version);
  if (typeof image === "string") return imageVersion(image);
  throw new Error(`${who}: version is required when the image is not a plain reference`);
}
