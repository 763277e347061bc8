/**
 * The Superset asset-import Job's parts, as plain functions: the repository's superset/assets
 * as a ConfigMap volume, the digest that replaces the Job when they change, and the command and
 * environment of `lakehouse dashboards import --from-env` (src/cli/dashboards.ts), the same
 * REST import (POST /api/v1/assets/import/, overwrite by UUID) that `lakehouse local up` runs.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import { ENV } from "../src/lib/connection";
import { DASHBOARD_REQUESTS_FILE } from "../src/serving/dashboard-cache";
import { PROJECT_ROOT, readRepoFiles } from "./files";
import { plainEnv, secretEnv } from "./k8s";
import { TRINO_USERS } from "./trinoConfig";

/** The versioned assets, relative to the project root. */
export const ASSETS_DIR = "superset/assets";
/** Where the Job mounts them. */
export const ASSETS_MOUNT = "/app/lakehouse/superset-assets";
/** The `lakehouse` CLI in the image that has Node and this repository (the ingestion image, WORKDIR /app). */
export const CLI_ENTRY = "/app/bin/lakehouse.mjs";
/** The ingestion image's user (node:20-bookworm-slim's `node`). */
export const CLI_UID = 1000;
/** How long the Job waits for Superset's /health before it gives up (the pod then retries). */
export const WAIT_SECONDS = 600;
/** Pod-template annotation: a changed bundle changes the template, so Pulumi replaces the Job and it runs again. */
export const DIGEST_ANNOTATION = "lakehouse.io/assets-sha256";

/** Every file of the bundle (metadata.yaml, databases/, datasets/, charts/, dashboards/), keyed by its path inside it. */
export function assetFiles(root: string = PROJECT_ROOT): Record<string, string> {
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(root, ASSETS_DIR, rel), { withFileTypes: true }).flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(r) : e.name.endsWith(".yaml") ? [r] : [];
    });
  if (!fs.existsSync(path.join(root, ASSETS_DIR))) throw new Error(`the cluster imports ${ASSETS_DIR}, which is missing (root ${root})`);
  const rels = walk("").sort();
  if (!rels.includes("metadata.yaml")) throw new Error(`${ASSETS_DIR}: no metadata.yaml; not a Superset asset bundle`);
  const texts = readRepoFiles(rels.map((r) => `${ASSETS_DIR}/${r}`), root);
  return Object.fromEntries(rels.map((r) => [r, texts[`${ASSETS_DIR}/${r}`]]));
}

/**
 * ConfigMap data (keys allow [-._a-zA-Z0-9] only, so "charts/Trips_per_day.yaml" becomes
 * "charts__Trips_per_day.yaml") and the volume items that put each file back at its path.
 */
export function assetsVolume(files: Record<string, string>): { data: Record<string, string>; items: { key: string; path: string }[] } {
  const data: Record<string, string> = {};
  const items: { key: string; path: string }[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const key = rel.split("/").join("__");
    if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.startsWith(".")) throw new Error(`${ASSETS_DIR}/${rel}: the name cannot be a ConfigMap key (use letters, digits, - _ . only)`);
    if (key in data) throw new Error(`${ASSETS_DIR}/${rel}: two files map to the ConfigMap key "${key}"`);
    data[key] = text;
    items.push({ key, path: rel });
  }
  const bytes = Object.values(data).reduce((n, t) => n + Buffer.byteLength(t), 0);
  if (bytes > 900 * 1024) throw new Error(`${ASSETS_DIR} is ${bytes} bytes: a ConfigMap holds at most 1 MiB`);
  return { data, items };
}

/** sha256 over every path and content: equal bundles, equal digests. */
export function assetsDigest(files: Record<string, string>): string {
  const h = crypto.createHash("sha256");
  for (const rel of Object.keys(files).sort()) h.update(rel).update("\0").update(files[rel]).update("\0");
  return h.digest("hex");
}

/**
 * The Trino user of the bundle's database connection (`trino://dashboard@…`): the Job gets
 * that user's password. One user for every database file, and one the QueryEngine creates.
 */
export function bundleTrinoUser(files: Record<string, string>): string {
  const users = new Set<string>();
  for (const [rel, text] of Object.entries(files)) {
    if (!rel.startsWith("databases/")) continue;
    const m = /^sqlalchemy_uri:[ \t]*['"]?trino:\/\/([^:@/\s]+)@/m.exec(text);
    if (!m) throw new Error(`${ASSETS_DIR}/${rel}: expected sqlalchemy_uri: trino://<user>@host:port/catalog (with no password)`);
    users.add(m[1]);
  }
  if (users.size !== 1) throw new Error(`${ASSETS_DIR}: the database connections must name exactly one Trino user (found ${[...users].join(", ") || "none"})`);
  const [user] = users;
  if (!(TRINO_USERS as readonly string[]).includes(user)) throw new Error(`${ASSETS_DIR}: Trino user '${user}' is not one of ${TRINO_USERS.join(", ")}`);
  return user;
}

/** The dashboards' captured chart-data requests (src/serving/dashboard-cache.ts), relative to the project root. */
export const REQUESTS_FILE = DASHBOARD_REQUESTS_FILE;
/** Where the gold job's cache refresh mounts them (ConfigMap key dashboard-requests.json). */
export const REQUESTS_MOUNT = "/app/lakehouse/dashboard-requests";
export const REQUESTS_KEY = "dashboard-requests.json";

/** The gold job's last step: Superset's cache of the rebuilt dashboards dropped and warmed. */
export function refreshCommand(): string[] {
  return ["node", CLI_ENTRY, "dashboards", "refresh-cache", "--from-env", "--requests", `${REQUESTS_MOUNT}/${REQUESTS_KEY}`];
}

/** What `supersetFromEnv` reads (the refresh, and the import's Superset part): URL and admin, the password by reference to its Secret. */
export function supersetEnv(a: Pick<ImportEnvArgs, "supersetUrl" | "adminUser" | "supersetSecretName">): k8s.types.input.core.v1.EnvVar[] {
  return [
    ...plainEnv({ LAKEHOUSE_SUPERSET_URL: a.supersetUrl, LAKEHOUSE_SUPERSET_ADMIN_USER: a.adminUser }),
    ...secretEnv(a.supersetSecretName, { LAKEHOUSE_SUPERSET_ADMIN_PASSWORD: "ADMIN_PASSWORD" }),
  ];
}

/** The Job's command: wait for Superset's /health, then import the mounted bundle (overwrite by UUID). */
export function importCommand(): string[] {
  return ["node", CLI_ENTRY, "dashboards", "import", "--from-env", "--dir", ASSETS_MOUNT, "--wait", String(WAIT_SECONDS)];
}

export interface ImportEnvArgs {
  /** Superset's in-cluster URL. */
  supersetUrl: string;
  /** Superset's admin user (created by the init Job). */
  adminUser: string;
  /** Secret holding the admin password under ADMIN_PASSWORD. */
  supersetSecretName: string;
  /** Trino as Superset reaches it, and the Secret with <user>-password keys. */
  trino: { host: string; port: number; usersSecretName: string };
  /** The Trino user of the bundle's database connection (superset/assets/databases/*.yaml). */
  trinoUser: string;
}

/** What `targetFromEnv` (src/serving/superset-assets.ts) reads; passwords only by reference to Secrets. */
export function importEnv(a: ImportEnvArgs): k8s.types.input.core.v1.EnvVar[] {
  return [
    ...supersetEnv(a),
    ...plainEnv({ [ENV.trinoHost]: a.trino.host, [ENV.trinoPort]: String(a.trino.port), [ENV.trinoUser]: a.trinoUser }),
    ...secretEnv(a.trino.usersSecretName, { [ENV.trinoPassword]: `${a.trinoUser}-password` }),
  ];
}
