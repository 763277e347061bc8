/**
 * The same day on the local stack, for the cluster's gold to be compared with: the local stack
 * (reused if it runs, else started and stopped again) ingests the day from the synthetic source's
 * default seed and volume, as the cluster's ingestion CronJob does, and runs silver and gold.
 */
import { runSteps } from "../../src/local/jobs/steps";
import { consoleLogger, silentLogger } from "../../src/lib/log";
import { query } from "../../src/lib/trino";
import { down } from "../../src/local/stack";
import { useStack } from "../integration/harness";

/**
 * Each query's rows from the local stack's Trino as the dashboard user, after `day` ran through
 * every layer there. One call for all of them: a stack this call started is stopped at its end.
 */
export async function localStackRows(day: string, sqls: string[]): Promise<unknown[][][]> {
  const stack = await useStack();
  try {
    // force: the integration tier ingests this day with a smaller volume; the default volume replaces it.
    await runSteps(stack.ctx, "all", [day], { force: true, log: consoleLogger("test-local-day") });
    const out: unknown[][][] = [];
    for (const sql of sqls) out.push((await query(stack.trino({ as: "dashboard" }), sql)).rows);
    return out;
  } finally {
    if (stack.started) await down(silentLogger);
  }
}
