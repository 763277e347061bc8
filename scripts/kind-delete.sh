#!/usr/bin/env bash
# Deletes the kind cluster and its local registry (created by scripts/kind-create.sh).
# The registry's images go with it; pass --keep-registry to keep them.
set -euo pipefail
CLUSTER="${LAKEHOUSE_KIND_CLUSTER:-lakehouse}"
kind delete cluster --name "$CLUSTER"
if [ "${1:-}" != "--keep-registry" ]; then docker rm -f kind-registry >/dev/null 2>&1 || true; fi
