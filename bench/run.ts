/**
 * `npm run bench [-- --quick | --scale day|month|year] [--date D] [--rows-per-day N] [--runs N] [--out DIR]`
 * `npm run bench -- --report bench/results/<file>.json` renders a saved result's .md and .svg again.
 *
 * Measures the lakehouse's daily run step by step on the local stack, and the same cleaning
 * and aggregation in DuckDB on the same bronze files, checked to agree before they are timed.
 * Writes <out>/<date>[-quick].json, .md and .svg (out: bench/results). See bench/README.md.
 */
import { Command } from "commander";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { consoleLogger, silentLogger } from "../src/lib/log";
import { query } from "../src/lib/trino";
import { repoRoot } from "../src/local/paths";
import { s3Connection } from "../src/local/services/objectstore";
import { trinoTarget } from "../src/local/services/trino";
import { services, stackContext } from "../src/local/stack";
import { benchRange, dashboardFigures, type RangeResult } from "./lib/range";
import { rangeMachineLine, rangeMarkdown, rangeSvg, type RangeFile } from "./lib/report/range";
import { runSteps } from "../src/local/jobs/steps";
import { addDays } from "../src/ingest/layout";
import { runSilverTimed, type SilverRun } from "./lib/silver";
import { compareDay } from "./lib/check";
import { DuckBench, downloadBronzeDay, renderSql, silverTripsSql } from "./lib/duckdb";
import { machineInfo, type MachineInfo } from "./lib/machine";
import { MemorySampler, servicePids } from "./lib/memory";
import { DASHBOARD_QUERIES, goldDay, ingestDay, timeQuery, trinoGoldAggregation, type GoldRun, type IngestRun } from "./lib/pipeline";
import { dayMarkdown, daySvg } from "./lib/report/day";
import { growthMarkdown, latestScales } from "./lib/report/growth";
import type { BenchResult } from "./lib/result";
import { median, percentile, seconds, timed } from "./lib/stats";

interface Plan {
  mode: BenchResult["mode"] | "month" | "year";
  day: string;
  from?: string;
  to?: string;
  rowsPerDay: number;
  /** Runs of the short steps (ingestion, DuckDB, Trino aggregation). */
  runs: number;
  /** Runs of the Spark job and the dbt build (each costs a JVM start or a dbt start). */
  longRuns: number;
  queryRuns: number;
}

/** The report's closing section: how the costs grow, from this result and the newest of the other scales beside it. */
function growth(base: string, startedAt: string): string {
  const lines = growthMarkdown(latestScales(path.dirname(base), startedAt.slice(0, 10)));
  return lines.length ? ["", ...lines].join("\n") + "\n" : "";
}

/** Writes <base>.json, .svg and .md of a range result. */
function writeRange(base: string, file: RangeFile): void {
  fs.writeFileSync(`${base}.json`, JSON.stringify(file, null, 2) + "\n");
  fs.writeFileSync(`${base}.svg`, rangeSvg(file.range, file.mode));
  fs.writeFileSync(`${base}.md`, rangeMarkdown(file.range, rangeMachineLine(file), file.memory, path.basename(`${base}.svg`)) + growth(base, file.startedAt));
}

/** Writes <base>.json, .svg and .md of a day's result (a quick run's report has no growth section: it is no scale). */
function writeDay(base: string, result: BenchResult): void {
  fs.writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + "\n");
  fs.writeFileSync(`${base}.svg`, daySvg(result));
  fs.writeFileSync(`${base}.md`, dayMarkdown(result, path.basename(`${base}.svg`)) + (result.mode === "quick" ? "" : growth(base, result.startedAt)));
}

/** `--report FILE.json`: the .md and .svg again from a saved result (after a change to the report). */
function rerender(jsonFile: string): string {
  const base = jsonFile.replace(/\.json$/, "");
  const saved = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as RangeFile | BenchResult;
  if ("range" in saved) {
    writeRange(base, saved);
  } else {
    writeDay(base, saved);
  }
  return `${base}.md`;
}

function plan(argv: string[]): Plan & { out: string; report?: string; resume?: string } {
  const cmd = new Command("bench")
    .option("--quick", "one small day (~20,000 trips), one Spark run: under 5 minutes (the smoke test's mode)")
    .option("--scale <scale>", "day (~100,000 trips) | month | year", "day")
    .option("--date <day>", "the benchmark day (a day no test uses)")
    .option("--from <day>", "month|year: first day of the range")
    .option("--to <day>", "month|year: last day of the range")
    .option("--rows-per-day <n>", "synthetic trips per day")
    .option("--runs <n>", "runs of each short step (medians)")
    .option("--query-runs <n>", "runs of each dashboard query (p50/p95)")
    .option("--out <dir>", "where results go", path.join(repoRoot, "bench", "results"))
    .option("--resume <file>", "month|year: continue the run whose <date>-<scale>.partial.json this is (its daily run before the range, ingestion and silver are kept; the later steps run again)")
    .option("--report <file>", "render the .md and .svg of a saved results .json again, and stop (no stack needed)")
    .parse(argv, { from: "user" });
  const o = cmd.opts<{ resume?: string; report?: string; quick?: boolean; scale: string; date?: string; from?: string; to?: string; rowsPerDay?: string; runs?: string; queryRuns?: string; out: string }>();
  if (o.report) return { mode: "day", day: "", rowsPerDay: 0, runs: 0, longRuns: 0, queryRuns: 0, out: o.out, report: o.report };
  if (o.quick) {
    return { mode: "quick", day: o.date ?? "2022-02-01", rowsPerDay: Number(o.rowsPerDay ?? 20_000), runs: Number(o.runs ?? 3), longRuns: 1, queryRuns: Number(o.queryRuns ?? 5), out: o.out };
  }
  if (o.scale === "month" || o.scale === "year") {
    // Ranges no test uses; the daily runs take the day before and the day after.
    const [from, to] = o.scale === "month" ? [o.from ?? "2022-05-01", o.to ?? "2022-05-30"] : [o.from ?? "2025-01-01", o.to ?? "2025-12-31"];
    return { mode: o.scale, day: from, from, to, rowsPerDay: Number(o.rowsPerDay ?? 100_000), runs: 1, longRuns: 1, queryRuns: Number(o.queryRuns ?? 20), out: o.out, resume: o.resume };
  }
  if (o.scale !== "day") throw new Error(`--scale must be day, month or year, got '${o.scale}'`);
  return { mode: "day", day: o.date ?? "2022-03-01", rowsPerDay: Number(o.rowsPerDay ?? 100_000), runs: Number(o.runs ?? 5), longRuns: 3, queryRuns: Number(o.queryRuns ?? 20), out: o.out };
}

async function main(): Promise<void> {
  const p = plan(process.argv.slice(2));
  const log = consoleLogger("bench");
  if (p.report) {
    log.step(`rendered ${rerender(p.report)} and its .svg`);
    return;
  }
  const started = Date.now();
  const ctx = await stackContext(silentLogger, false);
  if (!ctx || !(await Promise.all(services(ctx).map((s) => s.health()))).every(Boolean)) {
    throw new Error("the local stack is not up and healthy: run 'lakehouse local up' first");
  }
  const trino = trinoTarget(ctx, "admin");
  const dashboard = trinoTarget(ctx, "dashboard");
  const duck = await DuckBench.open();
  const machine = machineInfo(duck.version);
  const sampler = new MemorySampler(servicePids(ctx)).start();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-bench-"));
  if (p.mode === "month" || p.mode === "year") {
    fs.mkdirSync(p.out, { recursive: true });
    // A resumed run keeps the first run's file name, start and machine (its load at start).
    const saved = p.resume ? (JSON.parse(fs.readFileSync(p.resume, "utf8")) as { mode: string; startedAt: string; machine: MachineInfo; partial: Partial<RangeResult> }) : undefined;
    if (saved && saved.mode !== p.mode) throw new Error(`--resume: ${p.resume} is a ${saved.mode} run, not ${p.mode}`);
    const startedAt = saved?.startedAt ?? new Date(started).toISOString();
    const runMachine = saved?.machine ?? machine;
    const base = p.resume ? p.resume.replace(/\.partial\.json$/, "") : path.join(p.out, `${startedAt.slice(0, 10)}-${p.mode}`);
    const checkpoint = (partial: object) =>
      fs.writeFileSync(`${base}.partial.json`, JSON.stringify({ mode: p.mode, startedAt, machine: runMachine, partial }, null, 2) + "\n");
    if (saved) log.step(`resuming ${p.resume}: keeping ${(["ingest", "silver"] as const).filter((k) => saved.partial[k]).join(" and ") || "no step"} and the daily run before the range, if measured`);
    try {
      const range = await benchRange(ctx, { from: p.from!, to: p.to!, rowsPerDay: p.rowsPerDay, queryRuns: p.queryRuns, trino, dashboard, duck, work, log, checkpoint, done: saved?.partial });
      const memory = sampler.stop();
      // A resumed run's wall time is not one run's: left out.
      writeRange(base, { mode: p.mode, startedAt, totalSeconds: saved ? undefined : (Date.now() - started) / 1000, machine: runMachine, range, memory });
      fs.rmSync(`${base}.partial.json`, { force: true });
      log.step(`results: ${base}.json, .md, .svg`);
      process.stdout.write(fs.readFileSync(`${base}.md`, "utf8"));
      if (!range.agreement.agreed) process.exitCode = 2;
    } finally {
      sampler.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  try {
    log.step(`${p.mode}: day ${p.day}, ${p.rowsPerDay} trips/day; ${p.runs} runs of short steps, ${p.longRuns} of Spark and dbt`);

    // The writer's own seconds per run (generation + upload + manifest), not the Trino partition sync after it.
    let lastIngest!: IngestRun;
    const ingestEach: IngestRun[] = [];
    for (let k = 0; k < p.runs; k++) {
      lastIngest = await ingestDay(ctx, p.day, p.rowsPerDay);
      ingestEach.push(lastIngest);
      log.step(`ingest run ${k + 1}: ${lastIngest.records} records, ${(lastIngest.bytes / 1e6).toFixed(1)} MB in ${lastIngest.seconds.toFixed(2)}s`);
    }
    const ingestMedian = median(ingestEach.map((r) => r.seconds));

    log.step("silver: weather for the day (untimed; gold needs it)");
    await runSilverTimed(ctx, p.day, "weather");
    const silverRuns: SilverRun[] = [];
    for (let k = 0; k < p.longRuns; k++) {
      const run = await runSilverTimed(ctx, p.day, "trips");
      silverRuns.push(run);
      log.step(`silver run ${k + 1}: wall ${run.wallSeconds.toFixed(1)}s = launch ${run.launchSeconds.toFixed(1)} + session ${run.sessionSeconds.toFixed(1)} + processing ${run.processingSeconds.toFixed(1)} + commits ${run.commitSeconds.toFixed(1)} + shutdown ${run.shutdownSeconds.toFixed(1)}`);
    }
    const med = (pick: (r: SilverRun) => number) => median(silverRuns.map(pick));
    const records = silverRuns[0].results.find((r) => r.dataset === "trips")?.bronze_records ?? lastIngest.records;

    log.step("DuckDB: the same cleaning on the same bronze files");
    const t0 = Date.now();
    const { files } = await downloadBronzeDay(s3Connection(ctx, "ingest"), p.day, work);
    const downloadSeconds = (Date.now() - t0) / 1000;
    const silverSql = silverTripsSql(files, work);
    const goldSql = renderSql("gold_daily_revenue_by_driver.sql", { out: work });
    const duckSilver = await timed(p.runs, () => duck.run(silverSql), 1);
    const duckGold = await timed(p.runs, () => duck.run(goldSql), 1);

    const goldRuns: GoldRun[] = [];
    for (let k = 0; k < p.longRuns; k++) {
      const g = await goldDay(ctx, p.day);
      goldRuns.push(g);
      log.step(`gold run ${k + 1}: dbt build ${g.seconds.toFixed(1)}s${g.failedTests.length ? ` (failed tests: ${g.failedTests.join(", ")})` : ""}`);
    }

    const agreement = await compareDay(trino, duck, p.day);
    log.step(`agreement: ${agreement.agreed ? "DuckDB = lakehouse" : agreement.problems.join("; ")}`);

    const trinoAgg: number[] = [];
    await query(trino, trinoGoldAggregation(p.day));
    for (let k = 0; k < p.runs; k++) trinoAgg.push(((await query(trino, trinoGoldAggregation(p.day))).stats?.elapsedTimeMillis ?? NaN) / 1000);

    log.step(`dashboard queries: ${p.queryRuns} runs each`);
    const dash: BenchResult["steps"]["dashboard"] = {};
    for (const [name, sql] of Object.entries(DASHBOARD_QUERIES)) {
      const t = await timeQuery(dashboard, sql, p.queryRuns);
      dash[name] = { p50: percentile(t.wall, 50), p95: percentile(t.wall, 95), trinoP50: percentile(t.trino, 50), rows: t.rows, wall: t.wall };
    }
    const goldSize = (await query(trino, "select count(distinct revenue_date), count(*) from iceberg.gold.daily_revenue_by_driver")).rows[0];
    const { users, trinoUsers, render } = await dashboardFigures(ctx, dashboard, log, p.mode === "quick" ? { loads: 2, renders: 2, thinkSeconds: 1 } : {});

    // The daily run as the schedule runs it, on the next two days, with the stack's memory beside
    // them. The first may be the job servers' first job since the stack started (a cold Spark
    // driver); the second is the steady state a stack that runs daily is in, and is judged.
    const firstDay = addDays(p.day, 1);
    const nextDay = addDays(p.day, 2);
    const dailySampler = new MemorySampler(servicePids(ctx), true).start();
    const daily = (day: string) => seconds(() => runSteps(ctx, "all", [day], { force: true, rowsPerDay: p.rowsPerDay, log: silentLogger }));
    let firstSeconds: number;
    let dailySeconds: number;
    try {
      [firstSeconds] = await daily(firstDay);
      log.step(`daily run ${firstDay} end to end (the bench's first): ${firstSeconds.toFixed(1)}s`);
      [dailySeconds] = await daily(nextDay);
    } finally {
      dailySampler.stop();
    }
    const dailyRun = { day: nextDay, seconds: dailySeconds, historyDays: Number(goldSize[0]) + 1, first: { day: firstDay, seconds: firstSeconds } };
    const { peakPssMb: dailyRunMemoryMb, atPeakMb: dailyRunMemoryAtPeakMb } = dailySampler.stackTotal();
    log.step(`daily run ${nextDay} end to end: ${dailySeconds.toFixed(1)}s, the stack's peak memory over both ${(dailyRunMemoryMb / 1024).toFixed(2)} GB`);

    const memory = sampler.stop();
    const processing = med((r) => r.processingSeconds);
    const result: BenchResult = {
      mode: p.mode,
      startedAt: new Date(started).toISOString(),
      totalSeconds: (Date.now() - started) / 1000,
      day: p.day,
      rowsPerDay: p.rowsPerDay,
      runs: p.runs,
      queryRuns: p.queryRuns,
      machine,
      agreement,
      goldDays: Number(goldSize[0]),
      goldDriverDays: Number(goldSize[1]),
      steps: {
        ingest: {
          seconds: ingestMedian, records: lastIngest.records, bytes: lastIngest.bytes, objects: lastIngest.objects,
          recordsPerSecond: lastIngest.records / ingestMedian, mbPerSecond: lastIngest.bytes / 1e6 / ingestMedian, runs: ingestEach.map((r) => r.seconds),
        },
        silver: {
          wallSeconds: med((r) => r.wallSeconds), launchSeconds: med((r) => r.launchSeconds), sessionSeconds: med((r) => r.sessionSeconds),
          processingSeconds: processing, commitSeconds: med((r) => r.commitSeconds), shutdownSeconds: med((r) => r.shutdownSeconds),
          executorCpuSeconds: med((r) => r.executorCpuSeconds), recordsPerSecond: records / processing,
          recordsPerCoreSecond: records / processing / machine.cpus, runs: silverRuns.map((r) => r.wallSeconds), writes: silverRuns.at(-1)!.writes,
        },
        duckdbSilver: { seconds: median(duckSilver.seconds), recordsPerSecond: records / median(duckSilver.seconds), downloadSeconds, threads: duck.threads, runs: duckSilver.seconds },
        gold: { seconds: median(goldRuns.map((g) => g.seconds)), models: goldRuns.at(-1)!.models, failedTests: [...new Set(goldRuns.flatMap((g) => g.failedTests))], runs: goldRuns.map((g) => g.seconds) },
        goldAggregation: { trinoSeconds: median(trinoAgg), duckdbSeconds: median(duckGold.seconds), trinoRuns: trinoAgg, duckdbRuns: duckGold.seconds },
        dashboard: dash,
      },
      memory,
      dailyRun,
      dailyRunMemoryMb,
      dailyRunMemoryAtPeakMb,
      users,
      trinoUsers,
      render,
      notMeasured: [
        "a range (month or year) backfill, gold full refresh, maintenance, the daily run's growth with history: --scale month|year",
        "bronze -> silver vs DuckDB on a month of data (this run: one day): --scale month",
      ],
    };
    fs.mkdirSync(p.out, { recursive: true });
    const base = path.join(p.out, `${result.startedAt.slice(0, 10)}${p.mode === "quick" ? "-quick" : ""}`);
    writeDay(base, result);
    log.step(`results: ${base}.json, .md, .svg (${result.totalSeconds.toFixed(0)} s)`);
    process.stdout.write(fs.readFileSync(`${base}.md`, "utf8"));
    if (!agreement.agreed) process.exitCode = 2;
  } finally {
    sampler.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
