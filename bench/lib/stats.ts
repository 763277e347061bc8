/** Summaries of repeated timings: medians and percentiles, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs `fn` `runs` times after `warmup` untimed runs; returns each run's seconds. */
export async function timed<T>(runs: number, fn: (i: number) => Promise<T>, warmup = 0): Promise<{ seconds: number[]; last: T }> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const seconds: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    last = await fn(i);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, last };
}

/** The wall seconds of one piece of work, and its value. */
export async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = Date.now();
  const value = await work();
  return [(Date.now() - t0) / 1000, value];
}

/** The chart with the highest p95 of one user's queries (the target is per chart). */
export function worstChart(dashboard: Record<string, { p95: number }>): { worstChart: string; worstP95: number } | undefined {
  const entries = Object.entries(dashboard);
  if (entries.length === 0) return undefined;
  const [name, q] = entries.reduce((a, b) => (b[1].p95 > a[1].p95 ? b : a));
  return { worstChart: name, worstP95: q.p95 };
}
