/**
 * Which Superset the assets go to, and as whom: the local stack's (its generated secrets in
 * .lakehouse/secrets.json) or the one the environment names (the cluster's import Job).
 *
 * The local stack's Superset URL is defined here and re-exported by src/local/services/superset.ts,
 * so that the dependency runs one way: the local stack's service imports the assets through
 * src/serving, and nothing in src/serving imports the service.
 */
import { ENV } from "../lib/connection";
import type { StackContext } from "../local/services/types";
import type { TrinoEndpoint } from "./asset-yaml";
import { supersetLogin, type SupersetApi } from "./superset-api";

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

const LOCAL_HINT = "is the stack up? 'lakehouse local status'";

/** The local stack's Superset, where its settings put it. */
export function supersetUrl(ctx: StackContext): string {
  return `http://${ctx.settings.host}:${ctx.settings.ports.superset}`;
}

/** The local stack's Superset and Trino, with the generated secrets of .lakehouse/secrets.json. */
export function localTarget(ctx: StackContext): ImportTarget {
  return {
    url: supersetUrl(ctx),
    adminUser: ctx.secrets.superset.adminUser,
    adminPassword: ctx.secrets.superset.adminPassword,
    trino: { host: ctx.settings.host, port: ctx.settings.ports.trinoHttps },
    trinoPasswords: ctx.secrets.trino.users as Record<string, string>,
    hint: LOCAL_HINT,
  };
}

/** Logs in through /api/v1/security/login as the local stack's admin. */
export async function supersetApi(ctx: StackContext, base = supersetUrl(ctx)): Promise<SupersetApi> {
  const { adminUser, adminPassword } = ctx.secrets.superset;
  return supersetLogin(base, adminUser, adminPassword, LOCAL_HINT);
}

/** Variables naming Superset for `--from-env`; Trino's are the connection contract's (ENV). */
export const SUPERSET_ENV = {
  url: "LAKEHOUSE_SUPERSET_URL",
  adminUser: "LAKEHOUSE_SUPERSET_ADMIN_USER",
  adminPassword: "LAKEHOUSE_SUPERSET_ADMIN_PASSWORD",
} as const;

/** Superset's URL and admin login from the environment (the cluster's jobs); names every missing variable at once. */
export function supersetFromEnv(env: NodeJS.ProcessEnv = process.env): { url: string; adminUser: string; adminPassword: string } {
  const missing = [SUPERSET_ENV.url, SUPERSET_ENV.adminPassword].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(", ")}`);
  const url = env[SUPERSET_ENV.url]!.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(url)) throw new Error(`${SUPERSET_ENV.url} must be scheme://host[:port] (got "${url}")`);
  return { url, adminUser: env[SUPERSET_ENV.adminUser] || "admin", adminPassword: env[SUPERSET_ENV.adminPassword]! };
}

/**
 * The target from the environment (the cluster's import Job): Superset's URL and admin
 * login, Trino's host and port as Superset reaches them, and the password of
 * LAKEHOUSE_TRINO_USER (the database YAML's user). Names every missing variable at once.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): ImportTarget {
  const missing = [SUPERSET_ENV.url, SUPERSET_ENV.adminPassword, ENV.trinoHost, ENV.trinoPort, ENV.trinoUser, ENV.trinoPassword].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(", ")}`);
  const port = Number(env[ENV.trinoPort]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${ENV.trinoPort} must be a port number (got "${env[ENV.trinoPort]}")`);
  return {
    ...supersetFromEnv(env),
    trino: { host: env[ENV.trinoHost]!, port },
    trinoPasswords: { [env[ENV.trinoUser]!]: env[ENV.trinoPassword]! },
  };
}
