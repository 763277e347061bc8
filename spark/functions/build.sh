#!/usr/bin/env bash
# Builds the silver job's JVM functions (src/, plain Java) into one jar, against the Jackson
# that Spark itself ships, so that the function parses JSON with the same library as Spark.
#   spark/functions/build.sh <dir of Spark's jars> <out.jar>
# Used by the local installer (src/local/install.ts), the unit tests (spark/tests/conftest.py)
# and the Spark image (images/python.Dockerfile, target spark): one build for all three.
set -euo pipefail
jars=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
jackson=$(ls "$jars"/jackson-core-*.jar 2>/dev/null | head -n 1)
if [ -z "$jackson" ]; then
  echo "spark/functions/build.sh: no jackson-core jar in $jars (expected Spark's jars directory)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --release 17: the Spark image runs Java 17.
javac --release 17 -Xlint:all -Werror -cp "$jackson" -d "$work/classes" $(find "$here/src" -name '*.java' | sort)
mkdir -p "$(dirname "$out")"
# Written beside the target and renamed: a concurrent reader never sees half a jar.
jar --create --file "$out.tmp.$$" -C "$work/classes" .
mv "$out.tmp.$$" "$out"
