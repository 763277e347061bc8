/** Runs dbt (dbt-core + dbt-trino from the project's Python environment) on the gold project. */
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../paths";
import type { StackContext } from "../services/types";
import { jobEnv } from "./env";
import { jobServer, runOnJobServer } from "./job-server";

/** The gold dbt project (models, tests, dbt_project.yml's vars). */
export const DBT_PROJECT_DIR = path.join(repoRoot, "dbt");

/**
 * The Trino client's notice on every connection that it cannot cache OAuth2 tokens without the
 * keyring package: dbt connects with a password, so it never applies. Kept in the output.
 */
export const DBT_NOTICES = /^INFO:trino\.auth:keyring module not found\. OAuth2 token will not be stored in keyring\.$/;

/** Where the stack's dbt writes its build output (manifest.json, run_results.json). */
export function dbtTargetPath(ctx: StackContext): string {
  return path.join(ctx.paths.state, "dbt", "target");
}

/** The dbt job's environment: its identity and connection, and dbt's output kept out of the repository. */
export function dbtEnv(ctx: StackContext): Record<string, string> {
  const work = path.join(ctx.paths.state, "dbt");
  fs.mkdirSync(work, { recursive: true });
  return {
    ...jobEnv(ctx, "dbt"),
    DBT_TARGET_PATH: dbtTargetPath(ctx),
    DBT_LOG_PATH: path.join(work, "logs"),
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    // Its output reaches a terminal through the server's socket: no colour codes.
    DBT_USE_COLORS: "false",
  };
}

/**
 * Runs a dbt command on the gold project in the stack's dbt server (the dbt service), where
 * dbt's modules stay imported between builds; its output and exit code are the `dbt`
 * command's.
 */
export function dbt(ctx: StackContext, args: string[], opts: { echo?: boolean } = {}): Promise<string> {
  const project = DBT_PROJECT_DIR;
  return runOnJobServer(jobServer(ctx.paths, "dbt"), "dbt", [...args, "--project-dir", project, "--profiles-dir", project], {
    echo: opts.echo,
    quiet: DBT_NOTICES,
  });
}
