/**
 * The pipeline's steps for some days on the local stack, in order: what `lakehouse run` and
 * `lakehouse demo` run, and what the benchmark and the tests run without the command line.
 */
import type { Logger } from "../../lib/log";
import { DATASETS_OF_SOURCE, type SourceName } from "../../ingest/endpoints";
import type { StackContext } from "../services/types";
import { runIngest } from "./ingest";
import { runGold, runSilver, type SilverDayResult } from "./pipeline";
import { sparkSubmit } from "./spark";

/** ingest → silver → gold for the days, or one of them ("all" runs the three). */
export type PipelineStep = "ingest" | "silver" | "gold" | "all";

export interface StepOptions {
  /** Redo days already complete (a single step always redoes its days). */
  force?: boolean;
  /** Synthetic only: mean trips a day. */
  rowsPerDay?: number;
  /** The trips source (default synthetic); silver and gold then run its datasets (DATASETS_OF_SOURCE). */
  source?: string;
  /** The real sources' endpoints (--source-url, --weather-url). */
  sourceUrl?: string;
  weatherUrl?: string;
  /** Gold: rebuild every table from all of silver (the days are unused). */
  fullRefresh?: boolean;
  log: Logger;
  /** Called with silver's per-day results (the command line prints them as a table). */
  onSilver?: (results: SilverDayResult[]) => void;
}

export async function runSteps(ctx: StackContext, step: PipelineStep, days: string[], opts: StepOptions): Promise<void> {
  if (step === "ingest" || step === "all") await runIngest(ctx, days, { force: opts.force || step === "ingest", rowsPerDay: opts.rowsPerDay, source: opts.source, sourceUrl: opts.sourceUrl, weatherUrl: opts.weatherUrl, log: opts.log });
  // The source's datasets (the NYC source fills nyc_weather and nyc_yellow_trips), through silver and gold.
  const datasets = DATASETS_OF_SOURCE[(opts.source ?? "synthetic") as SourceName] ?? DATASETS_OF_SOURCE.synthetic;
  if (step === "silver" || step === "all") {
    const results = await runSilver(ctx, days, { dataset: datasets, force: opts.force || step === "silver", log: opts.log });
    opts.onSilver?.(results);
  }
  if (step === "gold" || step === "all") await runGold(ctx, days, { fullRefresh: opts.fullRefresh, datasets, log: opts.log });
}

/** One table's maintenance, as the maintenance job reports it. */
export interface MaintenanceResult {
  table: string;
  files_before: number;
  files_after: number;
  /** The current snapshot's manifests before and after their rewrite. */
  manifests_before: number;
  manifests_after: number;
  expired_snapshots: number;
  orphan_files_removed: number;
}

/** Compaction, z-order, manifest rewrite, snapshot expiry and orphan removal (Spark, the maintenance identity), per table. */
export async function runMaintenance(ctx: StackContext, layer: string, log: Logger): Promise<MaintenanceResult[]> {
  log.step(`maintain: ${layer} tables`);
  const out = await sparkSubmit(ctx, { script: "lakehouse/maintenance/job.py", args: ["--layer", layer], identity: "maintenance", echo: true });
  // The job's report is its last JSON line.
  const report = out.split("\n").filter((l) => l.startsWith("{")).pop();
  return report ? (JSON.parse(report) as { results: MaintenanceResult[] }).results : [];
}
