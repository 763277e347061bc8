/**
 * Bronze → silver on Spark, timed from the job's own evidence: its "session ready in Xs" log
 * line, its JSON report's "seconds", and Spark's event log (enabled for the benchmark's run
 * only, through a SPARK_CONF_DIR of its own; the job's code is unchanged). The event log
 * separates each Iceberg write's commit (from the end of its last Spark job to the end of the
 * SQL execution: the driver-side commit to the metastore) from the processing before it, and
 * gives the executors' CPU time for the per-core rate.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sparkSubmit } from "../../src/local/jobs/spark";
import type { StackContext } from "../../src/local/services/types";

export interface SilverRun {
  wallSeconds: number;
  /** From spark-submit's start to the Python driver's first line (JVM launcher, Python start). */
  launchSeconds: number;
  /** The job's "session ready in Xs": SparkSession and catalog set-up. */
  sessionSeconds: number;
  /** Iceberg commits: end of the write's last Spark job → end of the write (sum over writes). */
  commitSeconds: number;
  /** Everything else the job did: reading, parsing, checking, dedup, writing data files. */
  processingSeconds: number;
  /** Executor CPU time summed over all tasks: per-core work. */
  executorCpuSeconds: number;
  /** After the JSON report: spark.stop() and JVM exit. */
  shutdownSeconds: number;
  results: { dataset: string; source_date: string; bronze_records: number; silver_rows: number; rejected: number; duplicates_removed: number }[];
  writes: { description: string; seconds: number; commitSeconds: number }[];
}

interface SqlExecution {
  start: number;
  end?: number;
  plan: string;
  jobsEnd: number[];
}

/** Commit times and CPU from a Spark event log (one JSON event per line). */
export function parseEventLog(text: string): { writes: SilverRun["writes"]; executorCpuSeconds: number } {
  const executions = new Map<number, SqlExecution>();
  const jobExecution = new Map<number, number>();
  let cpuNs = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    const e = JSON.parse(line) as Record<string, any>;
    switch (e.Event) {
      case "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart":
        executions.set(e.executionId, { start: e.time, plan: `${e.description ?? ""}\n${e.physicalPlanDescription ?? ""}`, jobsEnd: [] });
        break;
      case "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd": {
        const x = executions.get(e.executionId);
        if (x) x.end = e.time;
        break;
      }
      case "SparkListenerJobStart": {
        const id = Number(e.Properties?.["spark.sql.execution.id"]);
        if (!Number.isNaN(id)) jobExecution.set(e["Job ID"], id);
        break;
      }
      case "SparkListenerJobEnd": {
        const x = executions.get(jobExecution.get(e["Job ID"]) ?? -1);
        if (x) x.jobsEnd.push(e["Completion Time"]);
        break;
      }
      case "SparkListenerTaskEnd":
        cpuNs += Number(e["Task Metrics"]?.["Executor CPU Time"] ?? 0);
        break;
    }
  }
  const writes: SilverRun["writes"] = [];
  for (const x of executions.values()) {
    const kind = /OverwriteByExpression|ReplaceData|OverwritePartitionsDynamic|AppendData|WriteToDataSourceV2/.exec(x.plan)?.[0];
    if (!kind || x.end === undefined) continue;
    const table = /iceberg\.silver\.(\w+)/.exec(x.plan)?.[1] ?? "?";
    const lastJob = x.jobsEnd.length ? Math.max(...x.jobsEnd) : x.start;
    writes.push({ description: `${kind} silver.${table}`, seconds: (x.end - x.start) / 1000, commitSeconds: (x.end - lastJob) / 1000 });
  }
  return { writes, executorCpuSeconds: cpuNs / 1e9 };
}

/** One silver run for a day or a range (`days`: its first and last day), timed from its own evidence. */
export async function runSilverTimed(ctx: StackContext, days: string | [string, string], dataset: "trips" | "weather" | "all"): Promise<SilverRun> {
  const range = typeof days === "string" ? ["--date", days] : ["--from", days[0], "--to", days[1]];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-bench-spark-"));
  const eventDir = path.join(work, "events");
  fs.mkdirSync(eventDir);
  fs.writeFileSync(
    path.join(work, "spark-defaults.conf"),
    [`spark.eventLog.enabled true`, `spark.eventLog.dir file://${eventDir}`, `spark.eventLog.compress false`].join("\n") + "\n",
  );
  try {
    const t0 = Date.now();
    let reportAt: number | undefined;
    const logFile = path.join(work, "job.log");
    // sparkSubmit collects stdout and stderr together; the moments are taken from a tail of the log file.
    const watcher = setInterval(() => {
      try {
        const text = fs.readFileSync(logFile, "utf8");
        if (reportAt === undefined && text.includes('{"results"')) reportAt = Date.now();
      } catch {
        // Not written yet.
      }
    }, 100);
    let out: string;
    try {
      out = await sparkSubmit(ctx, {
        script: "lakehouse/silver/job.py",
        args: [...range, "--dataset", dataset, "--force"],
        identity: "spark",
        logFile,
        env: { SPARK_CONF_DIR: work },
      });
    } finally {
      clearInterval(watcher);
    }
    const tEnd = Date.now();
    const wallSeconds = (tEnd - t0) / 1000;
    const reportLine = out.split("\n").filter((l) => l.startsWith('{"results"')).pop();
    if (!reportLine) throw new Error("silver finished without its JSON report");
    const report = JSON.parse(reportLine) as { results: SilverRun["results"]; seconds: number };
    const sessionSeconds = Number(/session ready in ([\d.]+)s/.exec(out)?.[1] ?? NaN);
    // Spark 4 writes rolling event logs: a directory of events_<n>_… files.
    const logs = fs.readdirSync(eventDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith("events_") && !e.name.endsWith(".crc"));
    const text = logs
      .map((e) => path.join(e.parentPath, e.name))
      .sort((a, b) => Number(/events_(\d+)_/.exec(a)?.[1] ?? 0) - Number(/events_(\d+)_/.exec(b)?.[1] ?? 0))
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    const events = text ? parseEventLog(text) : { writes: [], executorCpuSeconds: NaN };
    const commitSeconds = events.writes.reduce((s, w) => s + w.commitSeconds, 0);
    const shutdownSeconds = reportAt ? (tEnd - reportAt) / 1000 : NaN;
    // The Python driver's clock starts before the session; launch is what came before it.
    const launchSeconds = Math.max(0, wallSeconds - report.seconds - (Number.isNaN(shutdownSeconds) ? 0 : shutdownSeconds));
    return {
      wallSeconds,
      launchSeconds,
      sessionSeconds,
      commitSeconds,
      processingSeconds: report.seconds - sessionSeconds - commitSeconds,
      executorCpuSeconds: events.executorCpuSeconds,
      shutdownSeconds,
      results: report.results,
      writes: events.writes,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
