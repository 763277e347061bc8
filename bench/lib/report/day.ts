/** A day's report (`--quick`, `--scale day`): Markdown and an SVG bar chart. */
import type { BenchResult } from "../result";
import { fixed, memoryTable, peakComposition, renderSection, svgBars, whole as i } from "./common";
import { worstChart } from "../stats";
import { issue20Targets, targetsMarkdown, usersSection, type TargetFigures } from "./targets";

const f = (x: number | undefined, digits = 2) => fixed(x, digits);

export function dayMarkdown(r: BenchResult, chartFile: string): string {
  const s = r.steps;
  const lines = [
    `# Benchmark ${r.startedAt.slice(0, 10)} (${r.mode})`,
    "",
    `Day ${r.day}, ${i(s.ingest.records)} bronze trip records (${f(s.ingest.bytes / 1e6, 1)} MB gzipped NDJSON, ${s.ingest.objects} part file(s)). ` +
      `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, load average at start ${r.machine.loadAverageAtStart.join(" / ")}. ` +
      `Runs per short step: ${r.runs}; figures are medians unless marked. Wall ${f(r.totalSeconds, 0)} s.`,
    "",
    `DuckDB and the lakehouse agree on this day: **${r.agreement.agreed ? "yes" : "NO"}** ` +
      `(silver rows ${i(r.agreement.silverRows.lakehouse)} / ${i(r.agreement.silverRows.duckdb)}, ` +
      `${Object.keys(r.agreement.rejectedByReason.lakehouse).length} reject reasons, ${i(r.agreement.drivers.lakehouse)} drivers, ` +
      `total revenue ${r.agreement.totalRevenue.lakehouse} / ${r.agreement.totalRevenue.duckdb})${r.agreement.problems.length ? ": " + r.agreement.problems.join("; ") : ""}.`,
    "",
    "| step | lakehouse | DuckDB | ratio lakehouse/DuckDB | notes |",
    "|---|---:|---:|---:|---|",
    `| ingestion (synthetic source → bronze) | ${f(s.ingest.seconds)} s, ${i(s.ingest.recordsPerSecond)} rec/s, ${f(s.ingest.mbPerSecond)} MB/s | | | generation included; MB = gzipped bytes written |`,
    `| silver: spark-submit wall (Spark) | ${f(s.silver.wallSeconds)} s | | | whole job, trips only |`,
    `| silver: JVM launch + session (Spark) | ${f(s.silver.launchSeconds)} + ${f(s.silver.sessionSeconds)} s | | | "session ready in Xs" |`,
    `| silver: processing (Spark/DuckDB) | ${f(s.silver.processingSeconds)} s, ${i(s.silver.recordsPerSecond)} rec/s, ${i(s.silver.recordsPerCoreSecond)} rec/core-s | ${f(s.duckdbSilver.seconds)} s, ${i(s.duckdbSilver.recordsPerSecond)} rec/s | **${f(s.silver.processingSeconds / s.duckdbSilver.seconds, 1)}x** | read, parse, check, dedup, write Parquet; DuckDB writes local files |`,
    `| silver: Iceberg commits (Spark) | ${f(s.silver.commitSeconds)} s | | | ${s.silver.writes.map((w) => `${w.description} ${f(w.commitSeconds)} s`).join(", ")} |`,
    `| silver: JVM shutdown (Spark) | ${f(s.silver.shutdownSeconds)} s | | | |`,
    `| gold: dbt build, one day incremental (Trino) | ${f(s.gold.seconds)} s | | | ${s.gold.models.length} models${s.gold.failedTests.length ? `; failed tests (other days): ${s.gold.failedTests.join(", ")}` : ""} |`,
    `| gold: the daily_revenue_by_driver aggregation (Trino/DuckDB) | ${f(s.goldAggregation.trinoSeconds, 3)} s | ${f(s.goldAggregation.duckdbSeconds, 3)} s | **${f(s.goldAggregation.trinoSeconds / s.goldAggregation.duckdbSeconds, 1)}x** | Trino: server elapsed, query on silver.trips; DuckDB: on its silver Parquet, writes Parquet |`,
    `| bronze download for DuckDB | ${f(s.duckdbSilver.downloadSeconds)} s | | | not part of DuckDB's time; Spark reads S3 directly |`,
    "",
    `Dashboard queries (Revenue Trends) on Trino over all of gold (${i(r.goldDays)} days, ${i(r.goldDriverDays)} driver-days), ${r.queryRuns} runs after a warm-up:`,
    "",
    "| chart query | p50 wall | p95 wall | p50 Trino elapsed | rows |",
    "|---|---:|---:|---:|---:|",
    ...Object.entries(s.dashboard).map(([name, q]) => `| ${name} | ${f(q.p50, 3)} s | ${f(q.p95, 3)} s | ${f(q.trinoP50, 3)} s | ${q.rows} |`),
    "",
    ...usersSection(r.users, r.trinoUsers),
    "",
    ...renderSection(r.render),
    ...(r.dailyRun
      ? [
          `The daily run end to end (\`lakehouse run all\`, ${r.dailyRun.day}, gold holding ${r.dailyRun.historyDays} days before it): ${f(r.dailyRun.seconds)} s` +
            (r.dailyRun.first ? `, after the bench's first daily run (${r.dailyRun.first.day}, the stack's job servers' first jobs if it had just started): ${f(r.dailyRun.first.seconds)} s` : "") +
            `${r.dailyRunMemoryMb === undefined ? "" : `; the stack's peak memory during ${r.dailyRun.first ? "them" : "it"} ${f(r.dailyRunMemoryMb / 1024, 2)} GB (PSS summed over services and jobs at one instant)`}.`,
          "",
        ]
      : []),
    "Against the targets (issue 20), on this run's figures:",
    "",
    ...targetsMarkdown(issue20Targets(dayTargetFigures(r))),
    "",
    ...memoryTable(r.memory),
    "",
    ...peakComposition(r.dailyRunMemoryAtPeakMb),
    `Versions: ${Object.entries(r.machine.versions).map(([k, v]) => `${k} ${v}`).join(", ")}; Node ${r.machine.node}.`,
    "",
    `![time per step](${chartFile})`,
    "",
  ];
  return lines.join("\n");
}

/** A day's figures for issue 20's targets (pure): judged by issue20Targets. */
export function dayTargetFigures(r: BenchResult): TargetFigures {
  const worst = worstChart(r.steps.dashboard);
  return {
    dailyRuns: r.dailyRun ? [{ historyDays: r.dailyRun.historyDays, seconds: r.dailyRun.seconds, firstSeconds: r.dailyRun.first?.seconds }] : undefined,
    silverRatio: { days: 1, ratio: r.steps.silver.processingSeconds / r.steps.duckdbSilver.seconds },
    oneUser: worst && { goldDays: r.goldDays, ...worst },
    users: r.users,
    trinoUsers: r.trinoUsers,
    render: r.render && { ...r.render, goldDays: r.goldDays },
    dailyRunMemoryMb: r.dailyRunMemoryMb,
  };
}

/** Horizontal bars: the seconds of each step, lakehouse and DuckDB side by side. */
export function daySvg(r: BenchResult): string {
  const s = r.steps;
  return svgBars(`Seconds per step, ${r.day}, ${r.steps.ingest.records.toLocaleString("en-US")} trips (${r.mode}; medians)`, [
    { label: "silver: JVM launch + session", seconds: s.silver.launchSeconds + s.silver.sessionSeconds, engine: "overhead" },
    { label: "silver: processing (Spark)", seconds: s.silver.processingSeconds, engine: "lakehouse" },
    { label: "silver: processing (DuckDB)", seconds: s.duckdbSilver.seconds, engine: "duckdb" },
    { label: "silver: Iceberg commits", seconds: s.silver.commitSeconds, engine: "overhead" },
    { label: "gold: dbt build (Trino)", seconds: s.gold.seconds, engine: "lakehouse" },
    { label: "gold aggregation (Trino)", seconds: s.goldAggregation.trinoSeconds, engine: "lakehouse" },
    { label: "gold aggregation (DuckDB)", seconds: s.goldAggregation.duckdbSeconds, engine: "duckdb" },
    ...Object.entries(s.dashboard).map(([name, q]) => ({ label: `query p95: ${name}`, seconds: q.p95, engine: "lakehouse" as const })),
  ]);
}
