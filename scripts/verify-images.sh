#!/usr/bin/env bash
# Before a release, on a machine with Docker and registry access: proves that every pinned image
# and the chart exist and that the project's Dockerfiles build, stopping loudly at the first
# failure. The pins are read from the program itself (components/imagePins.ts), so this list
# cannot drift from what `pulumi up` uses. Not run by the tests (no Docker engine there).
#
#   scripts/verify-images.sh                 # pull every pin, pull the chart, build every image
#   scripts/verify-images.sh --no-build      # pins and chart only
#   LAKEHOUSE_VERIFY_PLATFORM=linux/arm64 scripts/verify-images.sh
#
# Needs: docker (with buildx), node + `npm ci` (to read the pins), helm (for the chart).
set -euo pipefail
cd "$(dirname "$0")/.."

PLATFORM="${LAKEHOUSE_VERIFY_PLATFORM:-linux/amd64}"
BUILD=1
[ "${1:-}" = "--no-build" ] && BUILD=0

step=""
trap 'rc=$?; if [ $rc -ne 0 ]; then echo; echo "verify-images: FAILED at: ${step:-setup} (exit $rc)" >&2; fi' EXIT

for tool in docker node helm; do
  step="checking for $tool"
  command -v "$tool" >/dev/null || { echo "verify-images: $tool is not installed" >&2; exit 1; }
done

step="reading the pins from components/imagePins.ts"
PINS="$(node --import tsx -e 'for (const p of require("./components/imagePins.ts").imagePins()) console.log(p.ref + "\t" + p.source)')"
CHART="$(node --import tsx -e 'const c = require("./components/imagePins.ts").chartPin(); console.log([c.repo, c.chart, c.version].join("\t"))')"

echo "== pinned images ($PLATFORM)"
seen=" "
while IFS=$'\t' read -r ref source; do
  case "$seen" in *" $ref "*) continue ;; esac
  seen="$seen$ref "
  step="docker pull $ref (pinned in $source)"
  echo "-- $ref   ($source)"
  docker pull --quiet --platform "$PLATFORM" "$ref"
  docker image inspect --format '   {{index .RepoDigests 0}}' "$ref"
done <<<"$PINS"

echo "== chart"
IFS=$'\t' read -r repo chart version <<<"$CHART"
tmp="$(mktemp -d)"
step="helm pull $chart $version from $repo"
helm pull "$chart" --repo "$repo" --version "$version" --destination "$tmp"
got="$(helm show chart "$tmp/$chart-$version.tgz" | sed -n 's/^appVersion: *//p')"
echo "-- $chart $version (appVersion $got)"
rm -rf "$tmp"

if [ "$BUILD" = 1 ]; then
  echo "== project images (build context: the repository root)"
  SPECS="$(node --import tsx -e 'const i = require("./components/images.ts"); for (const n of i.IMAGE_NAMES) console.log(n + "\t" + i.IMAGE_SPECS[n].dockerfile)')"
  while IFS=$'\t' read -r name dockerfile; do
    tag="lakehouse-verify/$name:local"
    step="docker build $dockerfile"
    echo "-- $name ($dockerfile)"
    docker buildx build --load --platform "$PLATFORM" -f "$dockerfile" -t "$tag" .
    # What the Kubernetes objects rely on (IMAGE_SPECS contracts), checked in the built image.
    step="smoke test of $tag"
    case "$name" in
      ingest)
        docker run --rm --entrypoint sh "$tag" -c 'command -v lakehouse-ingest && node /app/bin/lakehouse.mjs dashboards import --help >/dev/null' ;;
      spark)
        docker run --rm --entrypoint sh "$tag" -c '/opt/spark/bin/spark-submit --version 2>&1 | grep -q "version 4\.1\." && ls /opt/spark/jars/iceberg-spark-runtime-4.1_2.13-*.jar' ;;
      dbt)
        docker run --rm --entrypoint sh "$tag" -c 'dbt --version' ;;
      superset)
        # superset_config.py reads these two at import; throwaway values for the check only.
        docker run --rm -e SUPERSET_SECRET_KEY=verify-only -e SUPERSET_DATABASE_URI=sqlite:////tmp/verify.db \
          --entrypoint sh "$tag" -c 'superset version && test -w "$SUPERSET_HOME"' ;;
      metastore)
        docker run --rm --entrypoint sh "$tag" -c 'ls /opt/hive/lib/postgresql-*.jar /opt/hive/lib/hadoop-aws-*.jar' ;;
    esac
  done <<<"$SPECS"
fi

step=""
echo
echo "verify-images: every pin pulled$( [ "$BUILD" = 1 ] && echo ', every image built and smoke-tested'). Record the digests above in docs/deploy.md if they changed."
