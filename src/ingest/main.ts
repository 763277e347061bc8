/**
 * `lakehouse-ingest`: the ingestion job as the cluster's CronJob runs it. The connection comes
 * from the environment (LAKEHOUSE_S3_*: the ingest identity's keys); logs go to stdout/stderr
 * for `kubectl logs`. Locally, use `lakehouse run ingest`, which calls the same code.
 */
import { Command, Option } from "commander";
import { s3FromEnv } from "../lib/connection";
import { logicalDate } from "../lib/dates";
import { consoleLogger } from "../lib/log";
import { connectorsFor, DATASET_CHOICES, ingestRange, SOURCE_URL_ENV, SOURCES, sourceUrls, type DatasetChoice, type SourceName } from "./index";

const program = new Command()
  .name("lakehouse-ingest")
  .description("write one day of raw source records to s3://bronze/<dataset>/year=/month=/day=/ with its _manifest.json last")
  .requiredOption("--date <day>", "logical day, YYYY-MM-DD, or 'yesterday' (UTC)")
  .addOption(new Option("--source <source>", "where trips come from").choices([...SOURCES]).default("synthetic"))
  .addOption(new Option("--dataset <dataset>", "what to ingest").choices([...DATASET_CHOICES]).default("all"))
  .option("--rows-per-day <n>", "synthetic source: mean trips per day", (v) => Number(v))
  .option("--source-url <url>", `the trips source's endpoint (default: the public API; env ${SOURCE_URL_ENV.chicago} / ${SOURCE_URL_ENV.nyc})`)
  .option("--weather-url <url>", `Open-Meteo's endpoint for the real sources' weather (env ${SOURCE_URL_ENV.openMeteo})`)
  .option("--force", "re-ingest a day that is already committed")
  .action(async (opts: { date: string; source: SourceName; dataset: DatasetChoice; rowsPerDay?: number; sourceUrl?: string; weatherUrl?: string; force?: boolean }) => {
    const log = consoleLogger("ingest");
    const date = logicalDate(opts.date);
    const result = await ingestRange({
      s3: s3FromEnv(),
      connectors: connectorsFor({ source: opts.source, dataset: opts.dataset, rowsPerDay: opts.rowsPerDay, urls: sourceUrls(opts.source, opts, process.env) }),
      dates: [date],
      force: opts.force,
      log,
      onProgress: (e) => {
        if (e.kind === "day-committed") log.step(`${e.dataset} ${e.date}: ${e.records} records in ${e.objects} object(s), committed`);
      },
    });
    process.stdout.write(JSON.stringify({ ingested: result.ingested.map((r) => ({ dataset: r.dataset, date: r.date, records: r.records, bytes: r.bytes })), skipped: result.skipped }) + "\n");
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`lakehouse-ingest: error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
