/**
 * The Hive Metastore 3.1.3 (standalone, from Maven Central), the catalog of every Iceberg
 * and bronze table. Configured by metastore/metastore-site.xml (the same file the cluster
 * mounts), whose values come from the environment written here.
 */
import fs from "node:fs";
import path from "node:path";
import { S3_SDK_CHECKSUM_ENV, s3Env } from "../../lib/connection";
import { run } from "../../lib/exec";
import { METASTORE_SERVER_ENV } from "../../lib/metadataDb";
import { tcpProbe } from "../health";
import { repoRoot } from "../paths";
import { JAVA } from "../../lib/versions";
import { s3Connection } from "./objectstore";
import { DATABASES, jdbcUrl, psql } from "./postgres";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

/** The metastore targets Java 8/11; on 17 its reflection into the JDK needs these opens. */
const JAVA17_OPENS = ["java.lang", "java.lang.reflect", "java.util", "java.net", "java.nio", "sun.nio.ch"].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`);

export function metastoreUri(ctx: StackContext): string {
  return `thrift://${ctx.settings.host}:${ctx.settings.ports.metastore}`;
}

function metastoreEnv(ctx: StackContext): Record<string, string> {
  const E = METASTORE_SERVER_ENV;
  return {
    METASTORE_HOME: ctx.installed.metastoreHome,
    [E.port]: String(ctx.settings.ports.metastore),
    [E.jdbcUrl]: jdbcUrl(ctx, DATABASES.metastore),
    [E.dbUser]: DATABASES.metastore,
    [E.dbPassword]: ctx.secrets.postgres.metastorePassword,
    ...s3Env(s3Connection(ctx, "metastore")),
    ...S3_SDK_CHECKSUM_ENV,
  };
}

/** The metastore and Spark run on JDK 17 (the machine's default JDK). */
export function java17(): string {
  const home = process.env.LAKEHOUSE_JAVA17_HOME ?? JAVA.defaultHomeCandidates.find((h) => fs.existsSync(path.join(h, "bin", "java")));
  return home ? path.join(home, "bin", "java") : "java";
}

function javaCommand(ctx: StackContext, mainClass: string, args: string[] = []): string[] {
  const classpath = [path.join(repoRoot, "metastore"), path.join(ctx.installed.metastoreHome, "lib", "*"), ...ctx.installed.metastoreClasspath].join(":");
  return [java17(), `-Xmx${ctx.settings.metastoreHeap}`, ...JAVA17_OPENS, "-cp", classpath, mainClass, ...args];
}

/** Creates the metastore schema with schematool the first time (the VERSION table marks it). */
async function initSchema(ctx: StackContext): Promise<void> {
  const hasSchema = (await psql(ctx, `select 1 from information_schema.tables where table_name = 'VERSION'`, DATABASES.metastore)).trim() === "1";
  if (hasSchema) return;
  ctx.log.step("initialising the Hive Metastore schema in PostgreSQL (schematool)");
  const [java, ...args] = javaCommand(ctx, "org.apache.hadoop.hive.metastore.tools.MetastoreSchemaTool", ["-dbType", "postgres", "-initSchema"]);
  await run(java, args, { env: { ...process.env, ...metastoreEnv(ctx) }, logFile: path.join(ctx.paths.logs, "metastore-schematool.log") });
}

export function metastore(ctx: StackContext): Service {
  const { host, ports } = ctx.settings;
  return {
    name: "metastore",
    description: "Hive Metastore (Thrift): catalog of the Iceberg and bronze tables",
    ports: [ports.metastore],
    endpoint: metastoreUri(ctx),
    dependsOn: ["postgres", "objectstore"],
    startTimeoutMs: 120_000,
    prepare: () => initSchema(ctx),
    program() {
      const envFile = writeEnvFile(ctx.paths, "metastore", metastoreEnv(ctx));
      const scratch = path.join(ctx.paths.data, "metastore-tmp");
      fs.mkdirSync(scratch, { recursive: true });
      const cmd = javaCommand(ctx, "org.apache.hadoop.hive.metastore.HiveMetaStore");
      cmd.splice(1, 0, `-Djava.io.tmpdir=${scratch}`);
      return { name: "metastore", envFile, cwd: ctx.paths.state, command: cmd.map((a) => `'${a}'`).join(" ") };
    },
    health: tcpProbe(host, ports.metastore),
  };
}
