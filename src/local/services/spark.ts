/**
 * The local stack's warm Spark driver (spark/lakehouse/job_server.py): one long-lived PySpark
 * session, in local mode with the silver job's identity, in which `lakehouse run silver` (and
 * the daily run) runs the silver job. It is started with exactly the arguments a job's
 * spark-submit gets (sparkSubmitArgs: the cluster's jars, spark-defaults.conf, log4j, driver
 * memory), so a job sees the same Spark either way. The cluster runs each job as its own
 * SparkApplication instead.
 */
import path from "node:path";
import { repoRoot } from "../paths";
import { jobEnv } from "../jobs/env";
import { jobServer, jobServerProbe } from "../jobs/job-server";
import { sparkSubmitArgs } from "../jobs/spark";
import { shellQuote, writeEnvFile } from "./envfile";
import { RETURN_IDLE_HEAP } from "./jvm";
import type { Service, StackContext } from "./types";

export function sparkService(ctx: StackContext): Service {
  const server = jobServer(ctx.paths, "spark");
  return {
    name: "spark",
    description: "a warm Spark driver (local mode) in which the silver job runs",
    ports: [],
    endpoint: `unix://${server.socket}`,
    dependsOn: ["objectstore", "metastore"],
    startTimeoutMs: 180_000,
    program() {
      const envFile = writeEnvFile(ctx.paths, "spark", { ...jobEnv(ctx, "spark"), PYTHONPATH: path.join(repoRoot, "spark") });
      // Resident: a backfill's batches grow its heap toward --driver-memory, and a day's run
      // needs a fraction of it, so it gives back what it no longer uses (the stack's peak memory,
      // issue 20, is taken during the daily run).
      const args = sparkSubmitArgs(ctx, { script: "lakehouse/job_server.py", args: ["--jobs", "silver", "--socket", server.socket], identity: "spark",
        driverJavaOptions: RETURN_IDLE_HEAP });
      const command = [path.join(ctx.paths.venv, "bin", "spark-submit"), ...args].map(shellQuote).join(" ");
      return { name: "spark", envFile, cwd: path.join(repoRoot, "spark"), command };
    },
    health: jobServerProbe(server),
  };
}
