/** The readable side of a result: a Markdown report and an SVG bar chart (no charting library). */
import type { MemoryPeak } from "./memory";
import type { BenchResult } from "./result";
import { issue20Targets, targetsMarkdown, usersSection, worstChart, type TargetFigures } from "./targets";

const f = (x: number | undefined, digits = 2) => (x === undefined || Number.isNaN(x) ? "n/m" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const i = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "n/m" : Math.round(x).toLocaleString("en-US"));

/** Peak memory per service (and the benchmark's own jobs), as Markdown lines. */
export function memoryTable(memory: Record<string, MemoryPeak>): string[] {
  return [
    "Peak memory during the run (sum of RSS over each process tree, sampled every second; lifetime VmHWM of the main process):",
    "",
    "| process | peak RSS during run | lifetime VmHWM | processes |",
    "|---|---:|---:|---:|",
    ...Object.entries(memory).map(([name, m]) => `| ${name} | ${i(m.peakRssMb)} MB | ${m.lifetimeHwmMb === undefined ? "" : `${i(m.lifetimeHwmMb)} MB`} | ${m.processes} |`),
  ];
}

export function markdown(r: BenchResult, chartFile: string): string {
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
    ...(r.render ? [`The dashboard in the browser (chromium, navigation to the last chart drawn): first visit ${f(r.render.firstSeconds)} s, returning visits ${r.render.runs.slice(1).map((x) => f(x)).join(", ")} s.`, ""] : []),
    ...(r.dailyRun ? [`The daily run end to end (\`lakehouse run all\`, ${r.dailyRun.day}, gold holding ${r.dailyRun.historyDays} days before it): ${f(r.dailyRun.seconds)} s${r.dailyRunMemoryMb === undefined ? "" : `; the stack's peak memory during it ${f(r.dailyRunMemoryMb / 1024, 2)} GB (PSS summed over services and jobs at one instant)`}.`, ""] : []),
    "Against the targets (issue 20), on this run's figures:",
    "",
    ...targetsMarkdown(issue20Targets(dayTargetFigures(r))),
    "",
    ...memoryTable(r.memory),
    "",
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
    dailyRuns: r.dailyRun ? [{ historyDays: r.dailyRun.historyDays, seconds: r.dailyRun.seconds }] : undefined,
    silverRatio: { days: 1, ratio: r.steps.silver.processingSeconds / r.steps.duckdbSilver.seconds },
    oneUser: worst && { goldDays: r.goldDays, ...worst },
    users: r.users,
    trinoUsers: r.trinoUsers,
    render: r.render && { ...r.render, goldDays: r.goldDays },
    dailyRunMemoryMb: r.dailyRunMemoryMb,
  };
}

export interface Bar {
  label: string;
  seconds: number;
  engine: "lakehouse" | "duckdb" | "overhead";
}

/** Horizontal bars with their seconds, coloured by engine; bars without a finite value are left out. */
export function svgBars(title: string, all: Bar[]): string {
  const bars = all.filter((b) => Number.isFinite(b.seconds));
  const colors = { lakehouse: "#3b6ea8", duckdb: "#e0a526", overhead: "#9aa5b1" };
  const width = 760;
  const labelW = 260;
  const rowH = 24;
  const max = Math.max(...bars.map((b) => b.seconds), 0.001);
  const scale = (width - labelW - 80) / max;
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const height = 40 + bars.length * rowH + 30;
  const rows = bars.map((b, k) => {
    const y = 34 + k * rowH;
    const w = Math.max(1, b.seconds * scale);
    return [
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${colors[b.engine]}"/>`,
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${b.seconds < 10 ? b.seconds.toFixed(2) : b.seconds.toFixed(1)} s</text>`,
    ].join("");
  });
  const legend = Object.entries(colors).map(([name, c], k) => `<rect x="${labelW + k * 130}" y="${height - 22}" width="12" height="12" fill="${c}"/><text x="${labelW + k * 130 + 18}" y="${height - 12}">${name}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...rows,
    ...legend,
    `</svg>`,
    "",
  ].join("\n");
}

/** Horizontal bars: the seconds of each step, lakehouse and DuckDB side by side. */
export function svgChart(r: BenchResult): string {
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
