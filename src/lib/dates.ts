/** Logical dates of the pipeline: plain calendar days, YYYY-MM-DD, no time zone. */
export function parseDay(value: string, flag = "--date"): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new Error(`${flag} ${value} is not a calendar date (YYYY-MM-DD)`);
  }
  return value;
}

export function daysBetween(from: string, to: string): string[] {
  parseDay(from, "--from");
  parseDay(to, "--to");
  if (to < from) throw new Error(`--to ${to} is before --from ${from}`);
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A scheduled job's day: an explicit YYYY-MM-DD, or 'yesterday' in UTC. */
export function logicalDate(value: string, now = new Date()): string {
  if (value === "yesterday") return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  return parseDay(value);
}
