/**
 * Runs a PySpark application of spark/ on the local stack, in local mode, with the jars
 * that the cluster's Spark image carries (resolved from deps/spark/pom.xml).
 */
import path from "node:path";
import { run, type RunOptions } from "../../lib/exec";
import { repoRoot } from "../paths";
import type { S3Identity } from "../secrets";
import type { StackContext } from "../services/types";
import { jobEnv } from "./env";

export interface SparkRun {
  /** A Python file under spark/, e.g. "lakehouse/jobs/silver.py". */
  script: string;
  args: string[];
  identity: S3Identity;
  driverMemory?: string;
  /** JVM options for the driver, after the log4j configuration. */
  driverJavaOptions?: string[];
  echo?: boolean;
  logFile?: string;
  /** Extra environment for this run (on top of the job's identity and connection). */
  env?: Record<string, string>;
}

/** spark/conf/spark-defaults.conf: one file for the local jobs, the SparkApplication and the Spark image. */
export const SPARK_DEFAULTS = path.join(repoRoot, "spark", "conf", "spark-defaults.conf");

export function sparkSubmitArgs(ctx: StackContext, job: SparkRun): string[] {
  return [
    "--master", process.env.LAKEHOUSE_SPARK_MASTER ?? "local[2]",
    "--driver-memory", job.driverMemory ?? process.env.LAKEHOUSE_SPARK_DRIVER_MEMORY ?? "3g",
    "--jars", ctx.installed.sparkJars.join(","),
    // The properties the cluster's jobs start with too; --load-spark-defaults keeps a
    // SPARK_CONF_DIR's spark-defaults.conf (the benchmark's event log) in effect as well.
    "--properties-file", SPARK_DEFAULTS, "--load-spark-defaults",
    "--conf", `spark.driver.extraJavaOptions=${[`-Dlog4j2.configurationFile=${path.join(repoRoot, "spark", "conf", "log4j2.properties")}`, ...(job.driverJavaOptions ?? [])].join(" ")}`,
    path.join(repoRoot, "spark", job.script),
    ...job.args,
  ];
}

/**
 * The JVM's start-up notices that reach a terminal before log4j is configured, none of which a
 * user can act on: the JDK's incubator-module warning (Spark's vectorised code asks for it) and
 * SLF4J 1.x's "no binding" notice from the Hive metastore client's jars. Kept in the output.
 * Also the silver job's machine-readable report (`{"results": …}`), which the caller parses
 * and prints as a table.
 */
export const SPARK_NOTICES = /^(\{"results": .*\}|WARNING: Using incubator modules: jdk\.incubator\.vector|SLF4J: (Failed to load class "org\.slf4j\.impl\.StaticLoggerBinder"\.|Defaulting to no-operation \(NOP\) logger implementation|See http:\/\/www\.slf4j\.org\/codes\.html#StaticLoggerBinder for further details\.))$/;

export function sparkSubmit(ctx: StackContext, job: SparkRun, opts: RunOptions = {}): Promise<string> {
  return run(path.join(ctx.paths.venv, "bin", "spark-submit"), sparkSubmitArgs(ctx, job), {
    cwd: path.join(repoRoot, "spark"),
    env: { ...process.env, ...jobEnv(ctx, job.identity), PYTHONPATH: path.join(repoRoot, "spark"), ...job.env },
    echo: job.echo,
    quiet: SPARK_NOTICES,
    logFile: job.logFile,
    ...opts,
  });
}
