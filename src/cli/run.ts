/** `lakehouse run <step>` and `lakehouse backfill`: the pipeline's jobs on the local stack. */
import { Argument, Option, type Command } from "commander";
import { daysBetween, parseDay } from "../lib/dates";
import type { Logger } from "../lib/log";
import type { SilverDayResult } from "../local/jobs/pipeline";
import { runMaintenance, runSteps as runPipelineSteps, type PipelineStep, type StepOptions } from "../local/jobs/steps";
import { SOURCE_URL_ENV, SOURCES } from "../ingest/endpoints";
import { stackContext } from "../local/stack";
import type { StackContext } from "../local/services/types";
import { renderTable } from "./table";

export interface DayOptions {
  date?: string;
  from?: string;
  to?: string;
}

/** --date D, or --from D --to D; named errors for everything else. */
export function resolveDays(opts: DayOptions): string[] {
  if (opts.date && (opts.from || opts.to)) throw new Error("give either --date or --from/--to, not both");
  if (opts.date) return [parseDay(opts.date)];
  if (opts.from && opts.to) return daysBetween(opts.from, opts.to);
  if (opts.from || opts.to) throw new Error("--from and --to go together");
  throw new Error("which days? give --date YYYY-MM-DD, or --from YYYY-MM-DD --to YYYY-MM-DD");
}

/** The days `lakehouse run <step>` works on; a full refresh of gold takes none (it rebuilds every day of silver). */
export function resolveRunDays(step: string, opts: DayOptions & { fullRefresh?: boolean }): string[] {
  if (!opts.fullRefresh) return resolveDays(opts);
  if (step !== "gold") throw new Error(`--full-refresh rebuilds gold only: run 'lakehouse run gold --full-refresh' (not '${step}')`);
  if (opts.date || opts.from || opts.to) throw new Error("a full refresh rebuilds gold from every day of silver: leave out --date/--from/--to");
  return [];
}

async function requireStack(log: Logger): Promise<StackContext> {
  const ctx = await stackContext(log, false);
  if (!ctx) throw new Error("the local stack is not set up here: run 'lakehouse local up' first");
  return ctx;
}

export function printSilver(results: SilverDayResult[]): void {
  if (results.length === 0) return void process.stdout.write("silver: nothing to do (every day already complete; --force reruns)\n");
  process.stdout.write(
    renderTable(
      ["dataset", "day", "bronze", "silver", "rejected", "duplicates"],
      results.map((r) => [r.dataset, r.source_date, r.bronze_records, r.silver_rows, r.rejected, r.duplicates_removed]),
    ) + "\n",
  );
}

const STEPS = ["ingest", "silver", "gold", "all", "maintain"] as const;
type Step = (typeof STEPS)[number];

/** The steps as the command line runs them: silver's per-day results printed as a table. */
export function runSteps(ctx: StackContext, step: PipelineStep, days: string[], opts: StepOptions): Promise<void> {
  return runPipelineSteps(ctx, step, days, { onSilver: printSilver, ...opts });
}

async function maintain(ctx: StackContext, layer: string, log: Logger): Promise<void> {
  const results = await runMaintenance(ctx, layer, log);
  process.stdout.write(renderTable(["table", "files before", "files after", "manifests before", "manifests after", "expired", "orphans removed"], results.map((r) => [r.table, r.files_before, r.files_after, r.manifests_before, r.manifests_after, r.expired_snapshots, r.orphan_files_removed])) + "\n");
}

export function registerRunCommands(program: Command, log: Logger): void {
  program
    .command("run")
    .description("run a pipeline step on the local stack for a day (or a range)")
    .addArgument(new Argument("<step>", "ingest | silver | gold | all | maintain").choices([...STEPS]))
    .option("--date <day>", "the logical day, YYYY-MM-DD")
    .option("--from <day>", "first day of a range")
    .option("--to <day>", "last day of a range")
    .option("--force", "redo days that are already complete (a single step always redoes its days)")
    .option("--rows-per-day <n>", "synthetic trips per day (ingest; real NYC volume is ~100000)", (v) => Number(v))
    .addOption(new Option("--source <source>", "where trips come from (ingest); silver and gold then run that source's datasets (nyc: nyc_yellow_trips)").choices([...SOURCES]).default("synthetic"))
    .option("--source-url <url>", `ingest: the trips source's endpoint, e.g. a mirror (default: the public API; env ${SOURCE_URL_ENV.chicago} / ${SOURCE_URL_ENV.nyc})`)
    .option("--weather-url <url>", `ingest: Open-Meteo's endpoint for the real sources' weather (env ${SOURCE_URL_ENV.openMeteo})`)
    .option("--full-refresh", "gold: rebuild every gold table from all of silver (no --date: every day), a month window at a time")
    .addOption(new Option("--layer <layer>", "maintain: which layer's tables").choices(["silver", "gold", "all"]).default("all"))
    .action(async (step: Step, opts: DayOptions & { force?: boolean; rowsPerDay?: number; source?: string; sourceUrl?: string; weatherUrl?: string; fullRefresh?: boolean; layer: string }) => {
      if (step === "maintain") return maintain(await requireStack(log), opts.layer, log);
      const days = resolveRunDays(step, opts);
      await runSteps(await requireStack(log), step, days, { ...opts, log });
    });

  program
    .command("backfill")
    .description("fill silver and gold for a range: ingests days with no bronze, skips days already complete (resumable)")
    .requiredOption("--from <day>", "first day, YYYY-MM-DD")
    .requiredOption("--to <day>", "last day, YYYY-MM-DD")
    .option("--force", "redo days that are already complete")
    .option("--rows-per-day <n>", "synthetic trips per day for days ingested now", (v) => Number(v))
    .action(async (opts: DayOptions & { force?: boolean; rowsPerDay?: number }) => {
      const days = resolveDays(opts);
      const ctx = await requireStack(log);
      // The three steps over the range: each skips what is already complete unless --force.
      await runSteps(ctx, "all", days, { force: opts.force ?? false, rowsPerDay: opts.rowsPerDay, log });
    });
}
