/**
 * The Revenue Trends dashboard under concurrent users, measured from a second process on this
 * machine (bench/lib/dashboard-load-worker.ts), so that the bench's own event loop does not
 * queue the users' requests behind its own work.
 *
 * Each simulated user loads the dashboard `loads` times: its chart requests sent at once, as the
 * browser sends them; when the last chart has its answer, the user reads the dashboard for
 * `thinkSeconds` before loading it again (the users start spread over one think time, so that
 * they do not arrive in lockstep). That makes the load bounded: 20 users ask for at most 20
 * dashboards per think time, as 20 people would, where no think time measures only the
 * server's capacity. A load's time is its slowest chart's. Two layers, measured apart:
 * - `superset`: what a dashboard user waits for. Each user logs into Superset and POSTs the
 *   dashboard's own chart-data requests (captured from the browser's render) to
 *   /api/v1/chart/data, Superset's data cache included, as a browser does.
 * - `trino`: the engine alone. The chart queries (DASHBOARD_QUERIES) sent to Trino as the
 *   read-only dashboard user, what Superset runs when its cache has no answer.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { TrinoTarget } from "../../src/lib/trino";
import { repoRoot } from "../../src/local/paths";
import { percentile, worstChart } from "./stats";

/** What the worker is told (in its environment: the targets hold passwords). */
export type LoadPlan = { users: number; loads: number; thinkSeconds: number } & (
  | { via: "trino"; target: TrinoTarget; queries: Record<string, string> }
  | { via: "superset"; superset: { baseUrl: string; user: string; password: string }; requests: Record<string, unknown> }
);

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
  /** The layer the requests went to (absent before Superset was measured: Trino). */
  via?: "trino" | "superset";
  users: number;
  /** Dashboard loads per user. */
  loadsPerUser: number;
  /** Seconds a user reads the dashboard between its loads (absent in results before it: 0). */
  thinkSeconds?: number;
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
export function loadFigures(users: number, loadsPerUser: number, s: LoadSamples, via?: LoadFigures["via"], thinkSeconds?: number): LoadFigures {
  const all = Object.values(s.byChart).flat();
  const worst = worstChart(Object.fromEntries(Object.entries(s.byChart).map(([name, walls]) => [name, { p95: percentile(walls, 95) }]))) ?? { worstChart: "", worstP95: NaN };
  return {
    ...(via ? { via } : {}),
    users,
    loadsPerUser,
    ...(thinkSeconds === undefined ? {} : { thinkSeconds }),
    queries: all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    worstChartP95: worst.worstP95,
    worstChart: worst.worstChart,
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
  if (code !== 0) throw new Error(`the dashboard load worker (${plan.users} users, ${plan.via}) exited with ${code}: ${err.trim().slice(-1000)}`);
  return loadFigures(plan.users, plan.loads, JSON.parse(out) as LoadSamples, plan.via, plan.thinkSeconds);
}
