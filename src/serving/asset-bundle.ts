/**
 * The asset bundle: superset/assets on disk, and the ZIP Superset imports and exports, built
 * and read in memory with fflate: no Python needed in the cluster's Node image, and neither the
 * import copy with the password nor an export touches a disk.
 */
import fs from "node:fs";
import path from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync, type ZipOptions, type Zippable } from "fflate";
import { escapesDir } from "../lib/zip-entry";
import { repoRoot } from "../local/paths";
import { databaseUri, injectPassword } from "./asset-yaml";
import type { ImportTarget } from "./import-targets";

/** The versioned assets: the import's source and the export's default destination. */
export const ASSETS_DIR = path.join(repoRoot, "superset", "assets");

/** The bundle's parts, as in Superset's export ZIP. */
export const ASSET_FOLDERS = ["databases", "datasets", "charts", "dashboards"] as const;
export const METADATA_FILE = "metadata.yaml";

/**
 * The YAML files under `dir`, relative to it. Follows symlinks and skips names starting with
 * "." : a Kubernetes ConfigMap volume (the cluster's Job) is symlinks into a hidden `..data`.
 */
export function listFiles(dir: string, rel = ""): string[] {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs
    .readdirSync(path.join(dir, rel))
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => {
      const r = path.join(rel, n);
      return fs.statSync(path.join(dir, r)).isDirectory() ? listFiles(dir, r) : n.endsWith(".yaml") ? [r] : [];
    })
    .sort();
}

/** The bundle's root folder: Superset drops every entry's first path component (remove_root). */
const BUNDLE_ROOT = "bundle";

/**
 * STORE (level 0), not DEFLATE: Superset's importer refuses a bundle whose compression ratio
 * exceeds ZIP_FILE_MAX_COMPRESS_RATIO (check_is_safe_zip, its zip-bomb guard), which stored
 * entries (ratio 1) can never trip, and deflating a few KB of YAML would save nothing that
 * matters. The fixed timestamp (1980-01-01, the earliest a ZIP holds; fflate encodes local
 * time, and so does this Date) makes the same assets give the same bytes on every run.
 */
const BUNDLE_ZIP_OPTIONS: ZipOptions = { level: 0, mtime: new Date(1980, 0, 1) };

/** What the bundle takes from an import target: the Trino its database connection points at, and the passwords. */
export type BundleTarget = Pick<ImportTarget, "trino" | "trinoPasswords">;

/** The database YAML `rel` as imported into `target`: its Trino endpoint, and the password of the URI's user. */
function databaseForTarget(rel: string, yaml: string, target: BundleTarget): string {
  const user = databaseUri(yaml, rel).username;
  const password = target.trinoPasswords[user];
  if (!password) throw new Error(`${rel}: Trino user '${user}' has no password (known: ${Object.keys(target.trinoPasswords).join(", ")})`);
  return injectPassword(yaml, target.trino, password, rel);
}

/**
 * The import bundle: `files` (relative to `assetsDir`, in that order) as `bundle/<path>`, each
 * database YAML pointed at `target`'s Trino with its user's password.
 */
export function assetBundle(assetsDir: string, files: string[], target: BundleTarget): Uint8Array {
  const entries: Zippable = {};
  for (const rel of files) {
    const text = fs.readFileSync(path.join(assetsDir, rel), "utf8");
    entries[`${BUNDLE_ROOT}/${rel.split(path.sep).join("/")}`] = strToU8(rel.startsWith("databases/") ? databaseForTarget(rel, text, target) : text);
  }
  return zipSync(entries, BUNDLE_ZIP_OPTIONS);
}

/**
 * The YAML files of a Superset export ZIP, by path under its one root folder (which Superset
 * names after the export), sorted. Hidden names and other files are skipped, as `listFiles`
 * skips them; throws on any other layout and on an entry name that escapes its directory.
 */
export function exportedFiles(zip: Uint8Array): Map<string, string> {
  const entries = unzipSync(zip);
  const names = Object.keys(entries).sort();
  const unsafe = names.find(escapesDir);
  if (unsafe !== undefined) throw new Error(`the export has an entry outside its folder: '${unsafe}'`);
  const roots = [...new Set(names.map((n) => n.split("/")[0]))];
  if (roots.length !== 1) throw new Error(`unexpected export layout: ${roots.join(", ")}`);
  const files = new Map<string, string>();
  for (const name of names) {
    const parts = name.split("/").slice(1);
    if (name.endsWith(".yaml") && !parts.some((p) => p.startsWith("."))) files.set(parts.join("/"), strFromU8(entries[name]));
  }
  return files;
}
