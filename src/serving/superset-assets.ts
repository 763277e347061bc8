/**
 * Superset's dashboards as code: superset/assets holds the database connection, datasets,
 * charts and dashboards as YAML in Superset's import/export format, linked by fixed UUIDs.
 *
 * Import goes through POST /api/v1/assets/import/, which overwrites every object by UUID
 * (so it can run on every `local up`). `superset import-dashboards` is not used: it imports
 * databases, datasets and charts with overwrite=False, so a changed chart would never
 * reach an existing Superset (superset/commands/dashboard/importers/v1/__init__.py).
 *
 * The repository's database YAML names the Trino user but no password; the password is put
 * into the copy of the bundle that is zipped in memory and posted, and is never written to disk.
 *
 * The same import serves the local stack (`importAssets(ctx)`, credentials from
 * .lakehouse/secrets.json) and the cluster's import Job (`lakehouse dashboards import
 * --from-env`, credentials from the environment: `targetFromEnv`).
 */
import fs from "node:fs";
import path from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync, type ZipOptions, type Zippable } from "fflate";
import { ENV } from "../lib/connection";
import { escapesDir } from "../lib/zip-entry";
import type { Logger } from "../lib/log";
import { repoRoot } from "../local/paths";
import { supersetUrl } from "../local/services/superset";
import type { StackContext } from "../local/services/types";

/** The versioned assets: the import's source and the export's default destination. */
export const ASSETS_DIR = path.join(repoRoot, "superset", "assets");

/** The bundle's parts, as in Superset's export ZIP. */
const ASSET_FOLDERS = ["databases", "datasets", "charts", "dashboards"] as const;
const METADATA_FILE = "metadata.yaml";

// ---------------------------------------------------------------------------------------
// Pure text transforms (unit-testable): the YAML is edited line-wise on its top-level
// `sqlalchemy_uri:` key, which Superset writes as one plain scalar.

const URI_LINE = /^sqlalchemy_uri:[ \t]*(.+?)[ \t]*$/m;

/** The `sqlalchemy_uri` of a database YAML; throws when there is none. */
export function databaseUri(yaml: string, file = "database YAML"): URL {
  const m = URI_LINE.exec(yaml);
  if (!m) throw new Error(`${file}: no top-level 'sqlalchemy_uri:' line`);
  return new URL(m[1].replace(/^['"]|['"]$/g, ""));
}

function withUri(yaml: string, uri: URL): string {
  return yaml.replace(URI_LINE, `sqlalchemy_uri: ${uri.toString()}`);
}

export interface TrinoEndpoint {
  host: string;
  port: number;
}

/**
 * The database YAML pointed at `endpoint` with `password` for the URI's user: for the
 * temporary import copy only. Throws when the repository's copy already carries a password.
 */
export function injectPassword(yaml: string, endpoint: TrinoEndpoint, password: string, file = "database YAML"): string {
  const uri = databaseUri(yaml, file);
  if (uri.password) throw new Error(`${file}: sqlalchemy_uri must not contain a password (it is supplied at import)`);
  if (!uri.username) throw new Error(`${file}: sqlalchemy_uri names no user (expected trino://dashboard@host:port/catalog)`);
  uri.hostname = endpoint.host;
  uri.port = String(endpoint.port);
  uri.password = password;
  return withUri(yaml, uri);
}

/**
 * An exported database YAML made fit for the repository: no password (Superset exports a
 * mask), and the host and port of `keepFrom` (the committed file) when given, so that a
 * moved local port does not rewrite the repository.
 */
export function stripPassword(yaml: string, keepFrom?: string, file = "database YAML"): string {
  const uri = databaseUri(yaml, file);
  uri.password = "";
  if (keepFrom !== undefined) {
    const kept = databaseUri(keepFrom, file);
    uri.hostname = kept.hostname;
    uri.port = kept.port;
  }
  return withUri(yaml, uri);
}

/** charts/Top_drivers_by_revenue_12.yaml → charts/Top_drivers_by_revenue.yaml: Superset appends its ids, which differ per instance. */
export function normaliseExportName(relPath: string): string {
  if (!/^(charts|dashboards|datasets)\//.test(relPath)) return relPath;
  return relPath.replace(/_\d+\.yaml$/, ".yaml");
}

// ---------------------------------------------------------------------------------------
// Superset's REST API, logged in as the stack's admin.

export interface SupersetApi {
  url: string;
  /** JSON request; throws with Superset's message on a non-2xx answer. */
  json<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
  /** Raw request with the session's headers (auth, CSRF, cookie). */
  fetch(apiPath: string, init?: RequestInit): Promise<Response>;
}

async function failure(res: Response, what: string): Promise<Error> {
  const text = await res.text().catch(() => "");
  // A 500 comes as an HTML page; the traceback is in Superset's log.
  const detail = text.trimStart().startsWith("<")
    ? "(see the traceback in Superset's log: 'lakehouse local logs superset', or 'kubectl logs deploy/superset' in the cluster)"
    : text.slice(0, 2000);
  return new Error(`Superset ${what}: HTTP ${res.status} ${detail}`);
}

/** Logs in through /api/v1/security/login as the local stack's admin. */
export async function supersetApi(ctx: StackContext, base = supersetUrl(ctx)): Promise<SupersetApi> {
  const { adminUser, adminPassword } = ctx.secrets.superset;
  return supersetLogin(base, adminUser, adminPassword, "is the stack up? 'lakehouse local status'");
}

/** Logs in through /api/v1/security/login and fetches a CSRF token bound to a session cookie. */
export async function supersetLogin(base: string, user: string, password: string, hint = "is Superset running?"): Promise<SupersetApi> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/security/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, password, provider: "db", refresh: false }),
    });
  } catch (e) {
    throw new Error(`cannot reach Superset at ${base}: ${(e as Error).message} (${hint})`);
  }
  if (!res.ok) throw await failure(res, "login");
  const { access_token: token } = (await res.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };
  const csrfRes = await fetch(`${base}/api/v1/security/csrf_token/`, { headers: auth });
  if (!csrfRes.ok) throw await failure(csrfRes, "CSRF token");
  const csrf = ((await csrfRes.json()) as { result: string }).result;
  // The CSRF token is checked against the session it was issued in.
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const headers = { ...auth, "x-csrftoken": csrf, cookie, referer: base };
  const doFetch = (apiPath: string, init: RequestInit = {}) =>
    fetch(`${base}${apiPath}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
  return {
    url: base,
    fetch: doFetch,
    async json<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
      const r = await doFetch(apiPath, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw await failure(r, `${method} ${apiPath}`);
      return (await r.json()) as T;
    },
  };
}

// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Where to import, and as whom.

/** Superset to import into and the Trino its database connection points at. */
export interface ImportTarget {
  /** Superset's base URL, e.g. http://127.0.0.1:8088 (no trailing slash). */
  url: string;
  adminUser: string;
  adminPassword: string;
  /** Trino as Superset reaches it: host and port of the imported database URI. */
  trino: TrinoEndpoint;
  /** Trino password per user name; the database URI's user must have one. */
  trinoPasswords: Record<string, string>;
  /** What to check when Superset cannot be reached. */
  hint?: string;
}

/** The local stack's Superset and Trino, with the generated secrets of .lakehouse/secrets.json. */
export function localTarget(ctx: StackContext): ImportTarget {
  return {
    url: supersetUrl(ctx),
    adminUser: ctx.secrets.superset.adminUser,
    adminPassword: ctx.secrets.superset.adminPassword,
    trino: { host: ctx.settings.host, port: ctx.settings.ports.trinoHttps },
    trinoPasswords: ctx.secrets.trino.users as Record<string, string>,
    hint: "is the stack up? 'lakehouse local status'",
  };
}

/** Variables naming Superset for `--from-env`; Trino's are the connection contract's (ENV). */
export const SUPERSET_ENV = {
  url: "LAKEHOUSE_SUPERSET_URL",
  adminUser: "LAKEHOUSE_SUPERSET_ADMIN_USER",
  adminPassword: "LAKEHOUSE_SUPERSET_ADMIN_PASSWORD",
} as const;

/**
 * The target from the environment (the cluster's import Job): Superset's URL and admin
 * login, Trino's host and port as Superset reaches them, and the password of
 * LAKEHOUSE_TRINO_USER (the database YAML's user). Names every missing variable at once.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): ImportTarget {
  const required = [SUPERSET_ENV.url, SUPERSET_ENV.adminPassword, ENV.trinoHost, ENV.trinoPort, ENV.trinoUser, ENV.trinoPassword];
  const missing = required.filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(", ")}`);
  const url = env[SUPERSET_ENV.url]!.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(url)) throw new Error(`${SUPERSET_ENV.url} must be scheme://host[:port] (got "${url}")`);
  const port = Number(env[ENV.trinoPort]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${ENV.trinoPort} must be a port number (got "${env[ENV.trinoPort]}")`);
  return {
    url,
    adminUser: env[SUPERSET_ENV.adminUser] || "admin",
    adminPassword: env[SUPERSET_ENV.adminPassword]!,
    trino: { host: env[ENV.trinoHost]!, port },
    trinoPasswords: { [env[ENV.trinoUser]!]: env[ENV.trinoPassword]! },
  };
}

/** Waits until `${url}/health` answers OK (Superset up and migrated); throws after `timeoutMs`. */
export async function waitForSuperset(url: string, timeoutMs: number, log: Logger, intervalMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, timeoutMs))) });
      const body = await res.text();
      if (res.ok && body.trim() === "OK") return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() + intervalMs > deadline) throw new Error(`Superset at ${url} not healthy after ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    log.step(`waiting for Superset at ${url} (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------
// The bundle as a ZIP, built and read in memory with fflate: no Python needed in the cluster's
// Node image, and neither the import copy with the password nor an export touches a disk.

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
type BundleTarget = Pick<ImportTarget, "trino" | "trinoPasswords">;

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

export interface ImportResult {
  /** Files of the bundle, relative to the assets directory. */
  files: string[];
  /** Dashboards in Superset afterwards whose UUID is in the bundle: title → id. */
  dashboards: { title: string; id: number; uuid: string }[];
}

/**
 * Imports superset/assets (or `assetsDir`) into the local stack's Superset, overwriting
 * objects with the same UUIDs; safe to run again. The Trino password of the database
 * URI's user comes from the stack's secrets.
 */
export async function importAssets(ctx: StackContext, assetsDir: string = ASSETS_DIR): Promise<ImportResult> {
  return importBundle(localTarget(ctx), ctx.log, assetsDir);
}

/**
 * Imports the asset directory into `target`'s Superset through POST /api/v1/assets/import/
 * (overwrite by UUID; safe to run again): each database YAML gets the target's Trino endpoint
 * and its user's password in the in-memory copy only.
 */
export async function importBundle(target: ImportTarget, log: Logger, assetsDir: string = ASSETS_DIR): Promise<ImportResult> {
  const files = listFiles(assetsDir);
  if (!files.includes(METADATA_FILE)) throw new Error(`${assetsDir}: no ${METADATA_FILE}; not a Superset asset bundle`);
  const shown = path.relative(repoRoot, assetsDir);
  log.step(`importing ${files.length} Superset asset files from ${shown && !shown.startsWith("..") ? shown : assetsDir}`);
  const api = await supersetLogin(target.url, target.adminUser, target.adminPassword, target.hint);

  const zip = assetBundle(assetsDir, files, target);
  const form = new FormData();
  form.append("bundle", new Blob([zip], { type: "application/zip" }), "bundle.zip");
  form.append("overwrite", "true");
  const res = await api.fetch("/api/v1/assets/import/", { method: "POST", body: form });
  if (!res.ok) throw await failure(res, "asset import");

  const uuids = files
    .filter((f) => f.startsWith("dashboards/"))
    .map((f) => /^uuid:\s*(\S+)/m.exec(fs.readFileSync(path.join(assetsDir, f), "utf8"))?.[1])
    .filter((u): u is string => !!u);
  const dashboards = (await listDashboards(api)).filter((d) => uuids.includes(d.uuid));
  for (const d of dashboards) log.step(`Superset dashboard '${d.title}': ${target.url}/superset/dashboard/${d.id}/`);
  return { files, dashboards };
}

/** Every dashboard in Superset (id, title, UUID). */
export async function listDashboards(api: SupersetApi): Promise<{ id: number; title: string; uuid: string }[]> {
  const q = "(columns:!(id,dashboard_title,uuid),page_size:100)";
  const body = await api.json<{ result: { id: number; dashboard_title: string; uuid: string }[] }>("GET", `/api/v1/dashboard/?q=${encodeURIComponent(q)}`);
  return body.result.map((d) => ({ id: d.id, title: d.dashboard_title, uuid: d.uuid }));
}

/**
 * Exports every dashboard of the local Superset (with its charts, datasets and database)
 * into `outDir`, replacing the YAML there so that deletions in the UI show up in git too.
 * File names lose Superset's per-instance id suffix; the database URI loses its password.
 * Returns the files written, relative to `outDir`.
 */
export async function exportAssets(ctx: StackContext, outDir: string = ASSETS_DIR): Promise<string[]> {
  const api = await supersetApi(ctx);
  const ids = (await listDashboards(api)).map((d) => d.id);
  if (ids.length === 0) throw new Error("Superset has no dashboards to export (run 'lakehouse dashboards import' first?)");
  const res = await api.fetch(`/api/v1/dashboard/export/?q=${encodeURIComponent(`!(${ids.join(",")})`)}`);
  if (!res.ok) throw await failure(res, "dashboard export");
  const exported = exportedFiles(new Uint8Array(await res.arrayBuffer()));
  const secrets = Object.values(ctx.secrets.trino.users as Record<string, string>).filter(Boolean);

  const out = new Map<string, string>();
  for (const [rel, exportedText] of exported) {
    let text = exportedText;
    let name = normaliseExportName(rel);
    if (out.has(name)) name = rel; // two charts with one title keep their id suffix
    if (rel === METADATA_FILE) text = text.replace(/^type:.*$/m, "type: assets");
    if (rel.startsWith("databases/")) {
      const committed = path.join(outDir, name);
      text = stripPassword(text, fs.existsSync(committed) ? fs.readFileSync(committed, "utf8") : undefined, name);
    }
    const leaked = secrets.find((s) => text.includes(s));
    if (leaked) throw new Error(`${name}: the export contains a Trino password; nothing was written`);
    out.set(name, text);
  }

  for (const folder of ASSET_FOLDERS) {
    for (const rel of listFiles(outDir, folder)) fs.rmSync(path.join(outDir, rel));
  }
  for (const [rel, text] of out) {
    fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outDir, rel), text);
  }
  ctx.log.step(`exported ${ids.length} dashboard(s) as ${out.size} files into ${path.relative(repoRoot, outDir) || outDir}`);
  return [...out.keys()];
}
