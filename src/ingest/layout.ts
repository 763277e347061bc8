/** Where bronze objects live: s3://bronze/<dataset>/year=YYYY/month=MM/day=DD/part-NNNNN.json[.gz]. */
import type { LogicalDate } from "./types";

export const BRONZE_BUCKET = "bronze";
export const MANIFEST_NAME = "_manifest.json";

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws on anything but a real calendar day, so a typo never becomes a partition. */
export function parseLogicalDate(date: string): { year: string; month: string; day: string } {
  const m = DATE_RE.exec(date);
  const d = m ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) {
    throw new Error(`invalid date '${date}': expected a calendar day as YYYY-MM-DD`);
  }
  return { year: m[1], month: m[2], day: m[3] };
}

/** The partition's key prefix, with a trailing slash. */
export function partitionPrefix(dataset: string, date: LogicalDate): string {
  const { year, month, day } = parseLogicalDate(date);
  return `${dataset}/year=${year}/month=${month}/day=${day}/`;
}

export function partName(index: number, gzip: boolean): string {
  return `part-${String(index).padStart(5, "0")}.json${gzip ? ".gz" : ""}`;
}

export function manifestKey(dataset: string, date: LogicalDate): string {
  return partitionPrefix(dataset, date) + MANIFEST_NAME;
}

/** Every day from `from` to `to`, both included. */
export function dateRange(from: LogicalDate, to: LogicalDate): LogicalDate[] {
  parseLogicalDate(from);
  parseLogicalDate(to);
  if (to < from) throw new Error(`--to ${to} is before --from ${from}`);
  const days: LogicalDate[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The day before or after, as a LogicalDate. */
export function addDays(date: LogicalDate, days: number): LogicalDate {
  parseLogicalDate(date);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
