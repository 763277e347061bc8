/**
 * Reads the repository's own config files (Trino catalogs, dbt profile, metastore and
 * Superset settings) so the cluster mounts exactly what the local stack uses: no second copy.
 */
import fs from "node:fs";
import path from "node:path";

/** The project root: the folder holding Pulumi.yaml. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Reads files relative to `root`; one error names every missing file. */
export function readRepoFiles(rels: readonly string[], root: string = PROJECT_ROOT): Record<string, string> {
  const missing = rels.filter((r) => !fs.existsSync(path.join(root, r)));
  if (missing.length) {
    throw new Error(`the cluster mounts these repository files, which are missing: ${missing.join(", ")} (root ${root})`);
  }
  return Object.fromEntries(rels.map((r) => [r, fs.readFileSync(path.join(root, r), "utf8")]));
}

export function readRepoFile(rel: string, root: string = PROJECT_ROOT): string {
  return readRepoFiles([rel], root)[rel];
}

/** ConfigMap keys allow [-._a-zA-Z0-9] only: "trino/catalog/iceberg.properties" -> "iceberg.properties". */
export function configMapData(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rel, text] of Object.entries(files)) {
    const key = path.basename(rel);
    if (key in out) throw new Error(`two files map to the ConfigMap key "${key}": pass them in separate maps`);
    out[key] = text;
  }
  return out;
}
