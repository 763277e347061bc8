/**
 * The local stack's dbt server (spark/lakehouse/job_server.py --jobs dbt): dbt-core in one
 * long-lived Python process with the dbt job's identity, in which every gold build of the local
 * stack runs (`dbt` in src/local/jobs/dbt.ts), so a build no longer pays dbt's imports. The
 * cluster's gold CronJob runs the `dbt` command itself.
 */
import path from "node:path";
import { repoRoot } from "../paths";
import { DBT_PROJECT_DIR, dbtEnv } from "../jobs/dbt";
import { jobServer, jobServerProbe } from "../jobs/job-server";
import { shellQuote, writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

export function dbtService(ctx: StackContext): Service {
  const server = jobServer(ctx.paths, "dbt");
  return {
    name: "dbt",
    description: "dbt-core kept imported, in which the gold builds run",
    ports: [],
    endpoint: `unix://${server.socket}`,
    dependsOn: ["trino"],
    startTimeoutMs: 60_000,
    program() {
      const envFile = writeEnvFile(ctx.paths, "dbt", { ...dbtEnv(ctx), PYTHONPATH: path.join(repoRoot, "spark") });
      const python = path.join(ctx.paths.venv, "bin", "python");
      const command = [python, path.join(repoRoot, "spark", "lakehouse", "job_server.py"), "--jobs", "dbt", "--socket", server.socket].map(shellQuote).join(" ");
      return { name: "dbt", envFile, cwd: DBT_PROJECT_DIR, command };
    },
    health: jobServerProbe(server),
  };
}
