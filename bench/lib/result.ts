/** The shape of bench/results/<date>.json. */
import type { Agreement } from "./check";
import type { MachineInfo } from "./machine";
import type { LoadFigures } from "./dashboard-load";
import type { RenderFigures } from "./dashboard-render";
import type { MemoryPeak } from "./memory";

export interface BenchResult {
  mode: "quick" | "day" | "month" | "year";
  startedAt: string;
  totalSeconds: number;
  day: string;
  rowsPerDay: number;
  runs: number;
  queryRuns: number;
  machine: MachineInfo;
  agreement: Agreement;
  goldDays: number;
  goldDriverDays: number;
  steps: {
    ingest: { seconds: number; records: number; bytes: number; objects: number; recordsPerSecond: number; mbPerSecond: number; runs: number[] };
    silver: {
      wallSeconds: number; launchSeconds: number; sessionSeconds: number; processingSeconds: number; commitSeconds: number; shutdownSeconds: number;
      executorCpuSeconds: number; recordsPerSecond: number; recordsPerCoreSecond: number; runs: number[];
      writes: { description: string; seconds: number; commitSeconds: number }[];
    };
    duckdbSilver: { seconds: number; recordsPerSecond: number; downloadSeconds: number; threads: number; runs: number[] };
    gold: { seconds: number; models: { name: string; seconds: number; status: string }[]; failedTests: string[]; runs: number[] };
    goldAggregation: { trinoSeconds: number; duckdbSeconds: number; trinoRuns: number[]; duckdbRuns: number[] };
    dashboard: Record<string, { p50: number; p95: number; trinoP50: number; rows: number; wall: number[] }>;
  };
  memory: Record<string, MemoryPeak>;
  /**
   * `lakehouse run all` of a day after, end to end, with the gold days there were before it
   * (absent before 2026-12-06). Since 2026-12-07 two days are run: `first`, the bench's first
   * daily run (the stack's job servers may be cold: their first job), then the judged one.
   */
  dailyRun?: { day: string; seconds: number; historyDays: number; first?: { day: string; seconds: number } };
  /** The stack's peak memory (PSS, services and jobs) during that daily run, MB. */
  dailyRunMemoryMb?: number;
  /** What held that peak: each service's or job's PSS at the peak's instant, MB (absent before 2026-12-07). */
  dailyRunMemoryAtPeakMb?: Record<string, number>;
  /** The dashboard's chart requests through Superset at 1, 5 and 20 concurrent users. */
  users?: LoadFigures[];
  /** The same users' chart queries on Trino alone. */
  trinoUsers?: LoadFigures[];
  /** The dashboard drawn in the browser. */
  render?: RenderFigures;
  /** What this mode did not measure, said plainly. */
  notMeasured: string[];
}
