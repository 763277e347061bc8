/**
 * The Revenue Trends dashboard under concurrent users, measured from a second process on this
 * machine (bench/lib/dashboard-load-worker.ts), so that the bench's own event loop does not
 * queue the users' requests behind its own work.
 *
 * Each simulated user loads the dashboard `loads` times in a row: its chart queries sent at
 * once, as the browser sends them, to Trino as the read-only dashboard user (what Superset's
 * connection uses), and the next load starts when the last chart has its answer. A load's time
 * is its slowest chart's. The figures are the walls of every chart query and of every load.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { TrinoTarget } from "../../src/lib/trino";
import { repoRoot } from "../../src/local/paths";
import { percentile } from "./stats";

/** What the worker is told (in its environment: the target holds a password). */
export interface LoadPlan {
  target: TrinoTarget;
  users: number;
  loads: number;
  queries: Record<string, string>;
}

/** What the worker prints on stdout, as JSON. */
export interface LoadSamples {
  /** Seconds of each chart query, by chart name, over all users and loads. */
  byChart: Record<string, number[]>;
  /** Seconds of each whole dashboard load (its slowest chart). */
  loads: number[];
  /** Queries that failed, with Trino's message. */
  errors: string[];
  /** Wall seconds of the whole load. */
  seconds: number;
}

/** The figures of one user count. */
export interface LoadFigures {
  users: number;
  /** Dashboard loads per user. */
  loadsPerUser: number;
  /** Chart queries answered. */
  queries: number;
  /** Percentiles over every chart query of every load, seconds. */
  p50: number;
  p95: number;
  /** The worst chart's p95, seconds (the target is per chart). */
  worstChartP95: number;
  worstChart: string;
  /** p95 of a whole dashboard load (its slowest chart), seconds. */
  loadP95: number;
  /** Chart queries per second over the run. */
  queriesPerSecond: number;
  errors: string[];
}

/** The figures of a worker's samples (pure). */
export function loadFigures(users: number, loadsPerUser: number, s: LoadSamples): LoadFigures {
  const all = Object.values(s.byChart).flat();
  const perChart = Object.entries(s.byChart).map(([name, walls]) => ({ name, p95: percentile(walls, 95) }));
  const worst = perChart.reduce((a, b) => (b.p95 > a.p95 ? b : a), { name: "", p95: -Infinity });
  return {
    users,
    loadsPerUser,
    queries: all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    worstChartP95: worst.p95,
    worstChart: worst.name,
    loadP95: percentile(s.loads, 95),
    queriesPerSecond: all.length / s.seconds,
    errors: s.errors,
  };
}

/** Runs the worker for one user count and returns its figures; fails when the worker does. */
export async function dashboardUnderLoad(plan: LoadPlan): Promise<LoadFigures> {
  const worker = path.join(repoRoot, "bench", "lib", "dashboard-load-worker.ts");
  const child = spawn(process.execPath, [path.join(repoRoot, "scripts", "bootstrap.mjs"), worker], {
    env: { ...process.env, LAKEHOUSE_BENCH_LOAD: JSON.stringify(plan) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`the dashboard load worker (${plan.users} users) exited with ${code}: ${err.trim().slice(-1000)}`);
  return loadFigures(plan.users, plan.loads, JSON.parse(out) as LoadSamples);
}
