/**
 * Trino 476 (Maven Central), run with the Temurin 25 JDK. Its etc/ is assembled from the
 * repository's trino/ files: the catalogs are linked, not copied, so the local stack and
 * the cluster serve exactly the same catalog files.
 */
import fs from "node:fs";
import path from "node:path";
import { httpProbe } from "../health";
import { repoRoot } from "../paths";
import { JAVA } from "../versions";
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
  link(path.join(repoEtc, "log.properties"), path.join(etc, "log.properties"));
  // The heap is sizing, not behaviour: each environment appends its own.
  fs.writeFileSync(path.join(etc, "jvm.config"), fs.readFileSync(path.join(repoEtc, "jvm.config"), "utf8").trimEnd() + `\n-Xmx${ctx.settings.trinoHeap}\n`);
  fs.writeFileSync(
    path.join(etc, "node.properties"),
    ["node.environment=local", "node.id=local-coordinator", `node.data-dir=${path.join(ctx.paths.data, "trino")}`].join("\n") + "\n",
  );
  return etc;
}

export function trinoUrl(ctx: StackContext): string {
  return `http://${ctx.settings.host}:${ctx.settings.ports.trino}`;
}

export function trino(ctx: StackContext): Service {
  const { ports } = ctx.settings;
  const javaHome = process.env.LAKEHOUSE_TRINO_JAVA_HOME ?? JAVA.trinoHome;
  return {
    name: "trino",
    description: "Trino: SQL over silver and gold (iceberg) and raw bronze (hive)",
    ports: [ports.trino],
    endpoint: trinoUrl(ctx),
    dependsOn: ["metastore", "objectstore"],
    startTimeoutMs: 180_000,
    program() {
      const etc = renderEtc(ctx);
      const keys = ctx.secrets.s3.trino;
      const envFile = writeEnvFile(ctx.paths, "trino", {
        JAVA_HOME: javaHome,
        PATH: `${javaHome}/bin:/usr/bin:/bin`,
        TRINO_HTTP_PORT: String(ports.trino),
        TRINO_DISCOVERY_URI: trinoUrl(ctx),
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
    health: httpProbe(`${trinoUrl(ctx)}/v1/info`, (body) => JSON.parse(body).starting === false),
  };
}
