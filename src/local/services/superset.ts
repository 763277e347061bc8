/**
 * Superset (PyPI apache-superset, in the project's Python environment) served by gunicorn,
 * with its metadata in PostgreSQL and superset/superset_config.py as its configuration —
 * the same file the cluster mounts.
 */
import fs from "node:fs";
import path from "node:path";
import { run } from "../../lib/exec";
import { httpProbe } from "../health";
import { repoRoot } from "../paths";
import { supersetDatabaseUri } from "../../lib/metadataDb";
import { trinoTls } from "./trino";
import { importAssets } from "../../serving/asset-import";
import { supersetUrl } from "../../serving/import-targets";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

/** Defined beside the assets' import targets (src/serving depends on nothing here); re-exported for the CLI and tests. */
export { supersetUrl };

export function supersetEnv(ctx: StackContext): Record<string, string> {
  const { host, ports } = ctx.settings;
  return {
    SUPERSET_CONFIG_PATH: path.join(repoRoot, "superset", "superset_config.py"),
    SUPERSET_SECRET_KEY: ctx.secrets.superset.secretKey,
    SUPERSET_DATABASE_URI: supersetDatabaseUri(host, ports.postgres, ctx.secrets.postgres.supersetPassword),
    FLASK_APP: "superset",
    // Chart data cached for every gunicorn worker at once (superset_config.py).
    SUPERSET_CACHE_DIR: path.join(ctx.paths.state, "superset-cache"),
    // Superset reaches only loopback services here; never phone home.
    SUPERSET_DISABLE_TELEMETRY: "1",
    // The Trino driver (requests) prefers this variable over a connection's own CA: name ours.
    REQUESTS_CA_BUNDLE: trinoTls(ctx).clientBundle,
  };
}

function superset(ctx: StackContext, args: string[]): Promise<string> {
  return run(path.join(ctx.paths.venv, "bin", "superset"), args, {
    env: { ...process.env, ...supersetEnv(ctx) },
    logFile: path.join(ctx.paths.logs, "superset-setup.log"),
  });
}

/** Migrations, admin user and roles: once per install (a stamp records it). */
async function initialise(ctx: StackContext): Promise<void> {
  const stamp = path.join(ctx.paths.data, "superset.initialised");
  if (fs.existsSync(stamp)) {
    // Cheap on a warm stack; applies migrations after an upgrade of the pinned version.
    await superset(ctx, ["db", "upgrade"]);
    return;
  }
  ctx.log.step("initialising Superset (database migrations, admin user, roles)");
  await superset(ctx, ["db", "upgrade"]);
  const { adminUser, adminPassword } = ctx.secrets.superset;
  await superset(ctx, ["fab", "create-admin", "--username", adminUser, "--firstname", "Lakehouse", "--lastname", "Admin", "--email", "admin@localhost", "--password", adminPassword]);
  await superset(ctx, ["init"]);
  fs.writeFileSync(stamp, new Date().toISOString() + "\n");
}

export function supersetService(ctx: StackContext): Service {
  const { host, ports } = ctx.settings;
  return {
    name: "superset",
    description: "Superset: Revenue Trends dashboards over gold",
    ports: [ports.superset],
    endpoint: supersetUrl(ctx),
    dependsOn: ["postgres", "trino"],
    startTimeoutMs: 180_000,
    prepare: () => initialise(ctx),
    program() {
      const envFile = writeEnvFile(ctx.paths, "superset", supersetEnv(ctx));
      const gunicorn = path.join(ctx.paths.venv, "bin", "gunicorn");
      // Two workers with threads: enough for a dashboard's parallel chart requests on 2 cores.
      // --keep-alive 75: gunicorn closes idle connections after 2 s by default while Node's fetch
      // (undici) reuses them for 4 s, and a request sent on a socket the server has just closed
      // fails with "fetch failed" (seen once in the dashboard import test). The server must keep
      // idle connections longer than its clients do.
      return {
        name: "superset",
        envFile,
        cwd: ctx.paths.state,
        command: `'${gunicorn}' --workers 2 --worker-class gthread --threads 4 --timeout 120 --keep-alive 75 --bind ${host}:${ports.superset} --access-logfile - 'superset.app:create_app()'`,
      };
    },
    health: httpProbe(`${supersetUrl(ctx)}/health`, (body) => body.trim() === "OK"),
    // The dashboards as code (superset/assets), imported on every up: idempotent by UUID.
    afterHealthy: async () => {
      await importAssets(ctx);
    },
  };
}
