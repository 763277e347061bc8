/** `lakehouse dashboards …`: Superset's assets (superset/assets) in and out of the local stack. */
import path from "node:path";
import type { Command } from "commander";
import { ENV } from "../lib/connection";
import type { Logger } from "../lib/log";
import { supersetUrl } from "../local/services/superset";
import { stackContext } from "../local/stack";
import type { StackContext } from "../local/services/types";
import { ASSETS_DIR, exportAssets, importAssets, importBundle, SUPERSET_ENV, supersetApi, supersetFromEnv, supersetLogin, targetFromEnv, waitForSuperset } from "../serving/superset-assets";
import { DASHBOARD_REQUESTS_FILE, readDashboardRequests, refreshDashboardCache } from "../serving/dashboard-cache";
import { repoRoot } from "../local/paths";

const FROM_ENV_VARS = [SUPERSET_ENV.url, SUPERSET_ENV.adminUser, SUPERSET_ENV.adminPassword, ENV.trinoHost, ENV.trinoPort, ENV.trinoUser, ENV.trinoPassword];

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--wait must be a whole number of seconds (got "${value}")`);
  return n;
}

async function context(log: Logger): Promise<StackContext> {
  const ctx = await stackContext(log, false);
  if (!ctx) throw new Error("the local stack is not set up: run 'lakehouse local up'");
  return ctx;
}

export function registerDashboardCommands(program: Command, log: Logger): void {
  const dashboards = program.command("dashboards").description("Superset dashboards as code: import superset/assets, export UI changes back");

  dashboards
    .command("import")
    .description("import the asset bundle into the local Superset (or, with --from-env, the one the environment names), overwriting objects with the same UUIDs (safe to repeat)")
    .option("--dir <dir>", "asset directory (metadata.yaml, databases/, datasets/, charts/, dashboards/)", path.relative(process.cwd(), ASSETS_DIR) || ".")
    .option("--from-env", `import into the Superset the environment names, not the local stack's (the cluster's import Job): ${FROM_ENV_VARS.join(", ")}`)
    .option("--wait <seconds>", "first wait up to this long for Superset's /health to answer OK", "0")
    .addHelpText(
      "after",
      "\n'lakehouse local up' runs this after Superset is healthy. The Trino password of the database's user\n" +
        "(trino://dashboard@…) comes from .lakehouse/secrets.json (or LAKEHOUSE_TRINO_PASSWORD with --from-env)\n" +
        "and is added only to the in-memory copy that is posted.",
    )
    .action(async (opts: { dir: string; fromEnv?: boolean; wait: string }) => {
      const wait = seconds(opts.wait) * 1000;
      const dir = path.resolve(opts.dir);
      let result;
      if (opts.fromEnv) {
        const target = targetFromEnv();
        if (wait > 0) await waitForSuperset(target.url, wait, log);
        result = await importBundle(target, log, dir);
      } else {
        const ctx = await context(log);
        if (wait > 0) await waitForSuperset(supersetUrl(ctx), wait, log);
        result = await importAssets(ctx, dir);
      }
      process.stdout.write(`imported ${result.files.length} files; dashboards: ${result.dashboards.map((d) => `${d.title} (#${d.id})`).join(", ") || "none"}\n`);
    });

  dashboards
    .command("refresh-cache")
    .description("drop Superset's cached chart data of every dashboard whose tables gold has, and query its charts again (each gold build does this)")
    .option("--requests <file>", "the dashboards' captured chart-data requests", path.relative(process.cwd(), path.join(repoRoot, DASHBOARD_REQUESTS_FILE)) || ".")
    .option("--from-env", `refresh the Superset the environment names, not the local stack's (the cluster's gold job): ${[SUPERSET_ENV.url, SUPERSET_ENV.adminUser, SUPERSET_ENV.adminPassword].join(", ")}`)
    .addHelpText(
      "after",
      "\nSuperset keeps a chart's result for a day, keyed by the query and not by the data, so without this a\n" +
        "dashboard shows gold from before a build. The requests are each dashboard's own as a browser sends them\n" +
        "(superset/dashboard-requests.json; after changing a chart, capture them again: npm run superset:capture-requests).",
    )
    .action(async (opts: { requests: string; fromEnv?: boolean }) => {
      const requests = readDashboardRequests(path.resolve(opts.requests));
      let result;
      try {
        let api;
        if (opts.fromEnv) {
          const target = supersetFromEnv();
          api = await supersetLogin(target.url, target.adminUser, target.adminPassword);
        } else api = await supersetApi(await context(log));
        result = await refreshDashboardCache(api, requests, log);
      } catch (e) {
        throw new Error(`the dashboards' cache was not refreshed, so they may show gold from before the last build for up to a day: ${(e as Error).message}`);
      }
      process.stdout.write(`refreshed: ${result.refreshed.map((d) => `${d.title} (${d.requests} chart queries, ${d.seconds.toFixed(1)}s)`).join(", ") || "none"}` +
        (result.skipped.length ? `; left alone: ${result.skipped.map((d) => `${d.title} (${d.reason})`).join(", ")}` : "") + "\n");
    });

  dashboards
    .command("export")
    .description("export every dashboard of the local Superset (with charts, datasets, database) back to YAML")
    .option("--out <dir>", "directory to write (its YAML is replaced, so deletions show up in git)", path.relative(process.cwd(), ASSETS_DIR) || ".")
    .addHelpText(
      "after",
      "\nMake changes in the UI, run this, review 'git diff superset/assets', commit. File names drop Superset's\n" +
        "ids (charts/<Title>.yaml), the database URI keeps no password, and UUIDs stay, so the next import overwrites.",
    )
    .action(async (opts: { out: string }) => {
      const ctx = await context(log);
      const files = await exportAssets(ctx, path.resolve(opts.out));
      process.stdout.write(files.map((f) => path.join(opts.out, f)).join("\n") + "\n");
    });
}
