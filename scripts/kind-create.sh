#!/usr/bin/env bash
# Creates the kind cluster for the dev stack, with a local image registry on localhost:5001
# (Pulumi's Images component pushes there; the nodes pull from it as kind-registry:5000) and
# the NodePorts of Superset (30088) and Trino (30443) mapped to localhost.
# Needs: docker (or podman as docker), kind >= 0.27, kubectl. Idempotent.
set -euo pipefail
CLUSTER="${LAKEHOUSE_KIND_CLUSTER:-lakehouse}"
REG_NAME="kind-registry"
REG_PORT="${LAKEHOUSE_REGISTRY_PORT:-5001}"
# registry 2.8.3 (docker-library/official-images#15462); any OCI distribution registry works.
REG_IMAGE="${LAKEHOUSE_REGISTRY_IMAGE:-registry:2.8.3}"
# Kubernetes 1.33: the node image kind v0.29.0 was released with, by digest as kind asks (node
# images are built per kind release: kubernetes-sigs/kind d4708afc). With another kind release, set
# LAKEHOUSE_KIND_NODE_IMAGE to an image from its release notes. The objects the program creates use
# only APIs that are stable in 1.33 and in the newer schemas the tests validate against.
NODE_IMAGE="${LAKEHOUSE_KIND_NODE_IMAGE:-kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f}"

for tool in docker kind kubectl; do command -v "$tool" >/dev/null || { echo "kind-create: $tool is not installed" >&2; exit 1; }; done

if [ "$(docker inspect -f '{{.State.Running}}' "$REG_NAME" 2>/dev/null || true)" != "true" ]; then
  docker run -d --restart=always -p "127.0.0.1:${REG_PORT}:5000" --network bridge --name "$REG_NAME" "$REG_IMAGE"
fi

if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --image "$NODE_IMAGE" --config - <<YAML
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
  - |-
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
nodes:
  - role: control-plane
    extraPortMappings:
      - { containerPort: 30088, hostPort: 30088, listenAddress: "127.0.0.1" }
      - { containerPort: 30443, hostPort: 30443, listenAddress: "127.0.0.1" }
YAML
fi

# Nodes resolve localhost:5001 to the registry container (containerd hosts.toml per node).
for node in $(kind get nodes --name "$CLUSTER"); do
  docker exec "$node" mkdir -p "/etc/containerd/certs.d/localhost:${REG_PORT}"
  printf '[host."http://%s:5000"]\n' "$REG_NAME" | docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/localhost:${REG_PORT}/hosts.toml"
done
docker network connect kind "$REG_NAME" 2>/dev/null || true

# Documents the registry for tools that look for it (KEP-1755).
kubectl --context "kind-${CLUSTER}" apply -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata: { name: local-registry-hosting, namespace: kube-public }
data:
  localRegistryHosting.v1: |
    host: "localhost:${REG_PORT}"
YAML
echo "kind cluster ${CLUSTER} ready (context kind-${CLUSTER}); registry localhost:${REG_PORT}"
