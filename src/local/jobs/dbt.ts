/** Runs dbt (dbt-core + dbt-trino from the project's Python environment) on the gold project. */
import fs from "node:fs";
import path from "node:path";
import { run } from "../../lib/exec";
import { repoRoot } from "../paths";
import type { StackContext } from "../services/types";
import { jobEnv } from "./env";

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

export function dbt(ctx: StackContext, args: string[], opts: { echo?: boolean } = {}): Promise<string> {
  const work = path.join(ctx.paths.state, "dbt");
  fs.mkdirSync(work, { recursive: true });
  const project = DBT_PROJECT_DIR;
  return run(path.join(ctx.paths.venv, "bin", "dbt"), [...args, "--project-dir", project, "--profiles-dir", project], {
    cwd: project,
    env: {
      ...process.env,
      ...jobEnv(ctx, "dbt"),
      // Build output and logs stay out of the repository.
      DBT_TARGET_PATH: dbtTargetPath(ctx),
      DBT_LOG_PATH: path.join(work, "logs"),
      DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
      DBT_USE_COLORS: process.stderr.isTTY ? "true" : "false",
    },
    echo: opts.echo,
    quiet: DBT_NOTICES,
  });
}
