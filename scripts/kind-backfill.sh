#!/usr/bin/env bash
# Runs one pipeline job now for a logical date (or each day of a range), as Kubernetes Jobs
# made from the deployed CronJob / ScheduledSparkApplication, so they run exactly as scheduled
# (same image, identity, limits, marker wait) but with LOGICAL_DATE / --date set.
#   scripts/kind-backfill.sh <ingest|silver|gold|maintenance> <YYYY-MM-DD> [<last YYYY-MM-DD>]
# Env: LAKEHOUSE_NAMESPACE (default lakehouse), LAKEHOUSE_PREFIX (default lakehouse), KUBECTL.
# Works on any cluster the Pulumi program deployed to, not only kind.
set -euo pipefail
JOB="${1:?usage: $0 <ingest|silver|gold|maintenance> <YYYY-MM-DD> [<last YYYY-MM-DD>]}"
FIRST="${2:?logical date YYYY-MM-DD}"
LAST="${3:-$FIRST}"
NS="${LAKEHOUSE_NAMESPACE:-lakehouse}"
PREFIX="${LAKEHOUSE_PREFIX:-lakehouse}"
KUBECTL="${KUBECTL:-kubectl}"
valid() { [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] && date -u -d "$1" +%F >/dev/null 2>&1; }
valid "$FIRST" && valid "$LAST" || { echo "dates must be YYYY-MM-DD" >&2; exit 2; }
day="$FIRST"
while [[ ! "$day" > "$LAST" ]]; do
  name="${PREFIX}-${JOB}-backfill-${day}-$(date +%s)"
  case "$JOB" in
    ingest|gold|maintenance)
      # The CronJob's template, with LOGICAL_DATE set in every container that reads it.
      "$KUBECTL" -n "$NS" create job "$name" --from="cronjob/${PREFIX}-${JOB}" --dry-run=client -o yaml \
        | "$KUBECTL" set env --local -f - -c '*' "LOGICAL_DATE=${day}" -o yaml \
        | "$KUBECTL" -n "$NS" apply -f - ;;
    silver)
      # A SparkApplication from the ScheduledSparkApplication's template, --date set.
      "$KUBECTL" -n "$NS" get scheduledsparkapplication "${PREFIX}-silver" -o json \
        | node -e '
          const [name, day] = process.argv.slice(1);
          let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
            const ssa = JSON.parse(s), spec = ssa.spec.template;
            spec.arguments = spec.arguments.map((a, i, all) => (all[i - 1] === "--date" ? day : a));
            for (const c of spec.driver.initContainers ?? []) for (const e of c.env ?? []) if (e.name === "LOGICAL_DATE") e.value = day;
            const labels = { ...ssa.metadata.labels, "lakehouse.io/backfill": day };
            process.stdout.write(JSON.stringify({ apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication",
              metadata: { name, namespace: ssa.metadata.namespace, labels }, spec }));
          });' "$name" "$day" \
        | "$KUBECTL" apply -f - ;;
    *) echo "unknown job $JOB (ingest, silver, gold, maintenance)" >&2; exit 2 ;;
  esac
  echo "started $name for $day"
  day="$(date -u -d "$day + 1 day" +%F)"
done
