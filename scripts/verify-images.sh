#!/usr/bin/env bash
# Before a release, on a machine with Docker and registry access: proves that every pinned image
# and the chart exist and that the project's images (components/imageSpecs.ts) build with Docker
# and pass their checks, stopping loudly at the first failure. The pins are read from the program itself (components/imagePins.ts), so this list
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
  echo "== project images (IMAGE_SPECS, in build order; build context: the repository root)"
  # One line per image: name, then the build's and the check's arguments, shell-quoted by node.
  PLAN="$(node --import tsx -e '
    const s = require("./components/imageSpecs.ts");
    const q = (a) => a.map((x) => "\x27" + String(x).replace(/\x27/g, "\x27\\\x27\x27") + "\x27").join(" ");
    const ref = (n) => "lakehouse-verify/" + n + ":local";
    for (const n of s.buildOrder()) {
      const spec = s.IMAGE_SPECS[n];
      const args = Object.entries(s.buildArgsOf(n, ref)).flatMap(([k, v]) => ["--build-arg", k + "=" + v]);
      console.log([n, spec.dockerfile, q([...args, ...(spec.target ? ["--target", spec.target] : []), "-f", spec.dockerfile, "-t", ref(n)]), q(spec.check)].join("\t"));
    }')"
  while IFS=$'\t' read -r name dockerfile build check; do
    step="docker build $name ($dockerfile)"
    echo "-- $name ($dockerfile)"
    eval "docker buildx build --load --platform \"\$PLATFORM\" $build ."
    # What the Kubernetes objects rely on: the spec's check, run as the image's own user.
    step="check of $name: $check"
    eval "docker run --rm --ulimit nofile=65536:65536 --entrypoint '' lakehouse-verify/$name:local $check"
  done <<<"$PLAN"
fi

step=""
echo
echo "verify-images: every pin pulled$( [ "$BUILD" = 1 ] && echo ', every image built and smoke-tested'). Record the digests above in docs/deploy.md if they changed."
