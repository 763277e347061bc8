/**
 * Pure builders for the pipeline's jobs: the logical date, the upstream commit markers each
 * job waits for, and the shell that waits for them. A scheduled run processes yesterday (UTC);
 * a run for another day sets LOGICAL_DATE (`lakehouse deploy run`, src/deploy/runs.ts).
 */
import { BRONZE_BUCKET, SILVER_BUCKET } from "../src/lib/buckets";
import { ENV } from "../src/lib/connection";
import { YESTERDAY_SH } from "../src/lib/dates";

export type Layer = typeof BRONZE_BUCKET | typeof SILVER_BUCKET;

/** Sets $D to $LOGICAL_DATE, or yesterday in UTC (src/lib/dates.ts); rejects anything but YYYY-MM-DD. Busybox-safe. */
export const LOGICAL_DATE_SH =
  `D="\${LOGICAL_DATE:-${YESTERDAY_SH}}"; ` +
  'case "$D" in [0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]) ;; *) echo "LOGICAL_DATE must be YYYY-MM-DD, got $D" >&2; exit 2;; esac';

/**
 * The commit marker a layer writes last for a dataset and day ($D):
 * bronze: s3://bronze/<dataset>/year=YYYY/month=MM/day=DD/_manifest.json (ingestion);
 * silver: s3://silver/_markers/<dataset>/date=YYYY-MM-DD.json (spark/lakehouse/silver/layout.py).
 */
export function markerKey(layer: Layer, dataset: string): string {
  if (!/^[a-z0-9_-]+$/.test(dataset)) throw new Error(`markerKey: dataset "${dataset}" is not a plain name`);
  return layer === BRONZE_BUCKET
    ? `${dataset}/year=\${D%%-*}/month=$(echo "$D" | cut -d- -f2)/day=\${D##*-}/_manifest.json`
    : `_markers/${dataset}/date=\${D}.json`;
}

/** Concrete marker key for a date, for docs and tests. */
export function markerKeyFor(layer: Layer, dataset: string, date: string): string {
  const [y, m, d] = date.split("-");
  return layer === BRONZE_BUCKET ? `${dataset}/year=${y}/month=${m}/day=${d}/_manifest.json` : `_markers/${dataset}/date=${date}.json`;
}

/**
 * Polls the store (MinIO's client mc, the job's own keys) until every dataset's marker exists;
 * the Job's activeDeadlineSeconds bounds the wait. The alias is set in each try: mc checks the
 * endpoint when it is set, and the store may not answer yet.
 */
export function waitForMarkersScript(layer: Layer, datasets: readonly string[], deadlineSeconds: number, intervalSeconds = 60): string {
  if (datasets.length === 0) throw new Error("waitForMarkersScript: no datasets");
  if (!(deadlineSeconds > 0)) throw new Error("waitForMarkersScript: deadlineSeconds must be > 0");
  const checks = datasets.map((ds) =>
    `until found "${layer}/${markerKey(layer, ds)}"; do ` +
    `[ "$(date +%s)" -lt "$END" ] || { echo "gave up: no s3://${layer}/${markerKey(layer, ds)}" >&2; exit 1; }; ` +
    `echo "waiting for s3://${layer}/${markerKey(layer, ds)}"; sleep ${intervalSeconds}; done; echo "found s3://${layer}/${markerKey(layer, ds)}"`);
  return [
    "set -eu",
    LOGICAL_DATE_SH,
    // LAKEHOUSE_UPSTREAM_WAIT_SECONDS shortens the wait for one run (`lakehouse deploy run
    // --upstream-timeout`): a backfill of a past day whose upstream is missing fails in a minute,
    // not in hours.
    `END=$(( $(date +%s) + \${LAKEHOUSE_UPSTREAM_WAIT_SECONDS:-${deadlineSeconds}} ))`,
    'export MC_CONFIG_DIR="${MC_CONFIG_DIR:-${HOME:-/tmp}/.mc}"',
    `found() { mc alias set store "$${ENV.s3Endpoint}" "$${ENV.s3AccessKey}" "$${ENV.s3SecretKey}" --api S3v4 --path on >/dev/null 2>&1 && mc stat "store/$1" >/dev/null 2>&1; }`,
    ...checks,
  ].join("\n");
}

/** Runs a command that uses $D (the logical date), with exec so signals reach it. */
export function withLogicalDate(command: string): string {
  if (!command.includes("$D")) throw new Error(`withLogicalDate: the command must pass $D (got: ${command})`);
  return `set -eu\n${LOGICAL_DATE_SH}\necho "logical date $D"\nexec ${command}`;
}

export interface CronPolicy {
  schedule: string;
  timeZone: string;
  /** Seconds a run may take, waiting included. */
  deadlineSeconds: number;
  backoffLimit: number;
}

/** The settings every CronJob shares: no overlap, short history, bounded retries and runtime. */
export function cronJobSpec(p: CronPolicy) {
  return {
    schedule: p.schedule,
    timeZone: p.timeZone,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 3600,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobSpec: { backoffLimit: p.backoffLimit, activeDeadlineSeconds: p.deadlineSeconds, ttlSecondsAfterFinished: 7 * 86400 },
  } as const;
}
