/**
 * Peak memory of the local stack's services during a benchmark: samples the resident set of
 * each service's whole process tree (postgres and gunicorn fork workers) once a second, and
 * reads each service's own lifetime peak (VmHWM) at the end. Sampling is read-only: nothing
 * is reset in the services' processes. The benchmark's own jobs (Spark, dbt) are sampled too,
 * as the descendants of this process.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { StackContext } from "../../src/local/services/types";
import { services } from "../../src/local/stack";

export interface Proc {
  pid: number;
  ppid: number;
  rssKb: number;
  hwmKb: number;
  /** CPU time so far, user + system, in clock ticks (1/100 s). */
  ticks: number;
  cmd: string;
}

export function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      procs.set(Number(entry), { pid: Number(entry), ppid: field("PPid"), rssKb: field("VmRSS"), hwmKb: field("VmHWM"), ticks, cmd });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return procs;
}

export function descendants(procs: Map<number, Proc>, root: number): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const p = procs.get(pid);
    if (p) out.push(p);
    for (const c of children.get(pid) ?? []) stack.push(c.pid);
  }
  return out;
}

/** The supervisord-managed pid of each service (the `sh -c … exec` leaves the real process). */
export function servicePids(ctx: StackContext): Record<string, number> {
  const bin = path.join(ctx.paths.venv, "bin", "supervisorctl");
  const conf = path.join(ctx.paths.run, "supervisord.conf");
  const pids: Record<string, number> = {};
  for (const s of services(ctx)) {
    try {
      const pid = Number(execFileSync(bin, ["-c", conf, "pid", s.name], { encoding: "utf8" }).trim());
      if (pid > 0) pids[s.name] = pid;
    } catch {
      // Not running under this supervisor: reported as missing.
    }
  }
  return pids;
}

export interface MemoryPeak {
  /** Highest sum of VmRSS over the process tree seen during the run, MB. */
  peakRssMb: number;
  /** The main process's lifetime peak (VmHWM) at the end, MB: includes time before the run. */
  lifetimeHwmMb?: number;
  processes: number;
}

/** A process's proportional set size (shared pages divided among their sharers), kB; 0 when it ended. */
function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The whole stack's peak at one instant: its services and jobs together, not the bench. */
export interface StackPeak {
  /** Highest sum of PSS over every service's and job's processes in one sample, MB: memory the stack really held (PostgreSQL's shared buffers counted once). */
  peakPssMb: number;
  /** Highest sum of RSS in one sample, MB (counts shared pages once per process). */
  peakRssMb: number;
  /** What held the PSS peak: each service's or job's PSS in that sample, MB (the report orders them). */
  atPeakMb: Record<string, number>;
}

export class MemorySampler {
  private timer?: NodeJS.Timeout;
  private readonly peaks: Record<string, { peakKb: number; processes: number }> = {};
  private stackPeak = { pssKb: 0, rssKb: 0, atPeakKb: {} as Record<string, number> };
  samples = 0;

  /**
   * @param pids       the services' main pids (servicePids)
   * @param stackTotal also track the stack's total at one instant (stackTotal()): reads every
   *                   process's smaps_rollup each sample, so only the sampler that reports it does
   * @param intervalMs sampling period
   */
  constructor(
    private readonly pids: Record<string, number>,
    private readonly stackTotalWanted = false,
    private readonly intervalMs = 1000,
  ) {}

  private classifyJob(p: Proc): string | undefined {
    if (p.cmd.includes("org.apache.spark.deploy.SparkSubmit") || p.cmd.includes("spark/lakehouse/")) return "spark job (driver + python)";
    if (/\bdbt\b/.test(p.cmd)) return "dbt";
    if (p.pid === process.pid) return "bench (node, incl. DuckDB)";
    return undefined;
  }

  sample(): void {
    const procs = readProcs();
    this.samples++;
    const totals: Record<string, { kb: number; n: number }> = {};
    // Each process of the stack with the service or job it belongs to.
    const stack: { proc: Proc; owner: string }[] = [];
    for (const [name, pid] of Object.entries(this.pids)) {
      const tree = descendants(procs, pid);
      totals[name] = { kb: tree.reduce((s, p) => s + p.rssKb, 0), n: tree.length };
      stack.push(...tree.map((proc) => ({ proc, owner: name })));
    }
    for (const p of descendants(procs, process.pid)) {
      const kind = this.classifyJob(p);
      if (!kind) continue;
      totals[kind] ??= { kb: 0, n: 0 };
      totals[kind].kb += p.rssKb;
      totals[kind].n++;
      if (p.pid !== process.pid) stack.push({ proc: p, owner: kind });
    }
    if (this.stackTotalWanted) {
      const rss = stack.reduce((s, { proc }) => s + proc.rssKb, 0);
      if (rss > this.stackPeak.rssKb) this.stackPeak.rssKb = rss;
      const byOwner: Record<string, number> = {};
      for (const { proc, owner } of stack) byOwner[owner] = (byOwner[owner] ?? 0) + pssKb(proc.pid);
      const pss = Object.values(byOwner).reduce((s, kb) => s + kb, 0);
      if (pss > this.stackPeak.pssKb) Object.assign(this.stackPeak, { pssKb: pss, atPeakKb: byOwner });
    }
    for (const [name, t] of Object.entries(totals)) {
      const prev = this.peaks[name];
      if (!prev || t.kb > prev.peakKb) this.peaks[name] = { peakKb: t.kb, processes: t.n };
    }
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** The stack's peak so far (services and jobs at one instant); needs `stackTotal` at construction. */
  stackTotal(): StackPeak {
    if (!this.stackTotalWanted) throw new Error("MemorySampler: constructed without stackTotal");
    return {
      peakPssMb: Math.round(this.stackPeak.pssKb / 1024),
      peakRssMb: Math.round(this.stackPeak.rssKb / 1024),
      atPeakMb: Object.fromEntries(Object.entries(this.stackPeak.atPeakKb).map(([owner, kb]) => [owner, Math.round(kb / 1024)])),
    };
  }

  stop(): Record<string, MemoryPeak> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const procs = readProcs();
    const out: Record<string, MemoryPeak> = {};
    for (const [name, peak] of Object.entries(this.peaks)) {
      const pid = this.pids[name];
      out[name] = {
        peakRssMb: Math.round(peak.peakKb / 1024),
        ...(pid && procs.get(pid) ? { lifetimeHwmMb: Math.round(procs.get(pid)!.hwmKb / 1024) } : {}),
        processes: peak.processes,
      };
    }
    return out;
  }
}
