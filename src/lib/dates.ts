/** Logical dates of the pipeline: plain calendar days, YYYY-MM-DD, no time zone. */
import { dateRange, parseLogicalDate } from "../ingest/layout";

/** A calendar day, or an error that names the flag it came from. */
export function parseDay(value: string, flag = "--date"): string {
  try {
    parseLogicalDate(value);
  } catch {
    throw new Error(`${flag} ${value} is not a calendar date (YYYY-MM-DD)`);
  }
  return value;
}

/** Every day from `from` to `to`, both included: ingestion's dateRange, with errors that name the flags. */
export function daysBetween(from: string, to: string): string[] {
  parseDay(from, "--from");
  parseDay(to, "--to");
  return dateRange(from, to);
}

/**
 * The day a scheduled run processes, as its --date argument spells it: the UTC calendar day
 * before the run starts. Three runtimes read it, each in its own language, and must agree:
 * `logicalDate` here (the ingestion job, `lakehouse-ingest`), the silver job's `logical_date`
 * (spark/lakehouse/silver/job.py) and the CronJobs' shell (YESTERDAY_SH, components/jobs.ts).
 */
export const YESTERDAY = "yesterday";

/**
 * The same day in POSIX shell, as busybox's and GNU's `date` both compute it (busybox has no
 * `-d yesterday`): the CronJobs' default day and the command index.ts prints to run one now.
 */
export const YESTERDAY_SH = '$(date -u -d "@$(( $(date +%s) - 86400 ))" +%Y-%m-%d)';

/** The UTC calendar day before `now`. */
export function yesterdayUtc(now = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** A scheduled job's day: an explicit YYYY-MM-DD, or YESTERDAY. */
export function logicalDate(value: string, now = new Date()): string {
  if (value === YESTERDAY) return yesterdayUtc(now);
  return parseDay(value);
}
