/**
 * PostgreSQL (Debian's package) as the metadata database of the Hive Metastore and of
 * Superset: one role and one database each. PostgreSQL refuses to run as root, so a root
 * install runs it as the `postgres` user that the Debian package creates.
 */
import fs from "node:fs";
import path from "node:path";
import { run } from "../../lib/exec";
import { jdbcUrl as jdbcUrlOf, POSTGRES_DATABASES, type PostgresDatabase } from "../../lib/metadataDb";
import { writePrivate } from "../secrets";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

/** The metadata databases by name (DATABASES.metastore is "metastore"), for the services that name one. */
export const DATABASES = Object.fromEntries(POSTGRES_DATABASES.map((db) => [db, db])) as { readonly [D in PostgresDatabase]: D };

function runAsUser(): string | undefined {
  return process.getuid?.() === 0 ? "postgres" : undefined;
}

export function jdbcUrl(ctx: StackContext, database: PostgresDatabase): string {
  return jdbcUrlOf(ctx.settings.host, ctx.settings.ports.postgres, database);
}

/** Runs SQL as the superuser; `database` defaults to postgres. */
export function psql(ctx: StackContext, sql: string, database = "postgres"): Promise<string> {
  const bin = path.join(ctx.installed.postgresBin, "psql");
  const psqlBin = fs.existsSync(bin) ? bin : "psql";
  return run(psqlBin, ["-h", ctx.settings.host, "-p", String(ctx.settings.ports.postgres), "-U", ctx.secrets.postgres.superuser, "-d", database, "-v", "ON_ERROR_STOP=1", "-tAq", "-c", sql], {
    env: { ...process.env, PGPASSWORD: ctx.secrets.postgres.password },
  });
}

async function initCluster(ctx: StackContext, dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, "PG_VERSION"))) return;
  ctx.log.step("initialising the PostgreSQL data directory");
  const user = runAsUser();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(dataDir), ".pg-initdb-password");
  writePrivate(pwfile, ctx.secrets.postgres.password + "\n");
  if (user) {
    await run("chown", ["-R", `${user}:`, dataDir, pwfile]);
  }
  try {
    await run(path.join(ctx.installed.postgresBin, "initdb"), ["-D", dataDir, "-U", ctx.secrets.postgres.superuser, "--auth=scram-sha-256", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"], {
      asUser: user,
      logFile: path.join(ctx.paths.logs, "postgres-initdb.log"),
    });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** Creates each consumer's role and its database of the same name if missing (idempotent). */
async function ensureDatabases(ctx: StackContext): Promise<void> {
  const passwords: Record<PostgresDatabase, string> = { metastore: ctx.secrets.postgres.metastorePassword, superset: ctx.secrets.postgres.supersetPassword };
  for (const db of POSTGRES_DATABASES) {
    const exists = (await psql(ctx, `select 1 from pg_roles where rolname = '${db}'`)).trim() === "1";
    await psql(ctx, `${exists ? "alter" : "create"} role ${db} with login password '${passwords[db]}'`);
    if ((await psql(ctx, `select 1 from pg_database where datname = '${db}'`)).trim() !== "1") {
      await psql(ctx, `create database ${db} owner ${db}`);
    }
  }
}

export function postgres(ctx: StackContext): Service {
  const { host, ports } = ctx.settings;
  const dataDir = path.join(ctx.paths.data, "postgres");
  return {
    name: "postgres",
    description: "PostgreSQL: metadata of the Hive Metastore and Superset",
    ports: [ports.postgres],
    endpoint: `postgresql://${host}:${ports.postgres}`,
    dependsOn: [],
    startTimeoutMs: 60_000,
    prepare: () => initCluster(ctx, dataDir),
    program() {
      const envFile = writeEnvFile(ctx.paths, "postgres", {});
      if (runAsUser()) fs.chmodSync(envFile, 0o644); // holds nothing secret; read by the postgres user
      return {
        name: "postgres",
        envFile,
        cwd: "/",
        user: runAsUser(),
        stopSignal: "INT", // "fast" shutdown: rolls back open transactions, then exits cleanly
        command: `'${path.join(ctx.installed.postgresBin, "postgres")}' -D '${dataDir}' -p ${ports.postgres} -c listen_addresses=${host} -c unix_socket_directories=''`,
      };
    },
    health: async () => {
      try {
        await run(path.join(ctx.installed.postgresBin, "pg_isready"), ["-q", "-h", host, "-p", String(ports.postgres)]);
        return true;
      } catch {
        return false;
      }
    },
    afterHealthy: () => ensureDatabases(ctx),
  };
}
