# The kubeflow spark-operator's controller image (what the chart runs for both its controller and
# its webhook Deployment), built from the Go module: ghcr.io/kubeflow/spark-operator/controller
# cannot be pulled everywhere. The contract is upstream's Dockerfile's: one binary,
# /usr/bin/spark-operator; the chart passes args only (`controller start …`, `webhook start …`),
# so the ENTRYPOINT is the module's own entrypoint.sh (a passwd entry for an arbitrary uid, then
# tini -s -- spark-operator "$@"). The controller launches drivers with
# $SPARK_HOME/bin/spark-submit, so the final stage is the project's Spark image.
#
# Build arguments, all from src/lib/versions.ts and without defaults:
#   GO_VERSION, GO_URL, GO_SHA256  TOOLCHAINS.go (the golang.org/toolchain module zip; Debian's
#                                  golang is older than the module's `go 1.24.10`)
#   SPARK_OPERATOR_VERSION         the module version = the chart's appVersion, without the "v"
#   SPARK_IMAGE                    the project's Spark image (a JRE, spark-submit on PATH)
# Build context: the repository root (nothing of it is copied).
#
# Contract: /usr/bin/spark-operator and /usr/bin/entrypoint.sh (ENTRYPOINT); SPARK_HOME set, with
# bin/spark-submit; tini; USER 185:185 (numeric, for the chart's runAsNonRoot; its fsGroup is 185),
# with a passwd entry and HOME /home/spark; /etc/k8s-webhook-server/serving-certs for the webhook.

ARG SPARK_IMAGE

FROM debian:bookworm-slim AS go
ARG GO_VERSION
ARG GO_URL
ARG GO_SHA256
ARG SPARK_IMAGE
RUN : "${GO_VERSION:?build arg GO_VERSION is not set (TOOLCHAINS.go.version in src/lib/versions.ts)}" \
      "${GO_URL:?build arg GO_URL is not set (TOOLCHAINS.go.url in src/lib/versions.ts)}" \
      "${GO_SHA256:?build arg GO_SHA256 is not set (TOOLCHAINS.go.sha256 in src/lib/versions.ts)}" \
      "${SPARK_IMAGE:?build arg SPARK_IMAGE is not set (the project's Spark image)}"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip jq \
 && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
    curl -fsSL --retry 3 -o /tmp/go.zip "$GO_URL"; \
    echo "$GO_SHA256  /tmp/go.zip" | sha256sum -c -; \
    unzip -q /tmp/go.zip -d /tmp/go; \
    mv /tmp/go/golang.org/toolchain@*/ /usr/local/go; \
    rm -rf /tmp/go /tmp/go.zip; \
    chmod -R a+x /usr/local/go/bin /usr/local/go/pkg/tool; \
    /usr/local/go/bin/go version | grep -F " go$GO_VERSION " \
      || { echo "GO_URL does not hold go$GO_VERSION" >&2; exit 1; }
# GOTOOLCHAIN=local: never fetch another toolchain than the one checked above. The module and
# build caches stay at Go's defaults for root and GOPATH=/go: the local builder mounts the host's
# there (IMAGE_SPECS caches), Docker builds without them.
ENV PATH=/usr/local/go/bin:$PATH GOPATH=/go GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath

FROM go AS build
ARG SPARK_OPERATOR_VERSION
# The module's go.mod has replace directives (k8s.io/* => v0.32.5), so `go install module@v`
# refuses: build in a copy of the downloaded module, against its own go.sum (-mod=readonly).
# `go mod download` checks the module against the Go checksum database.
RUN set -eu; \
    : "${SPARK_OPERATOR_VERSION:?build arg SPARK_OPERATOR_VERSION is not set (the chart's appVersion)}"; \
    go mod download -json "github.com/kubeflow/spark-operator/v2@v${SPARK_OPERATOR_VERSION}" > /tmp/module.json; \
    cp -r "$(jq -r .Dir /tmp/module.json)" /src; \
    chmod -R u+w /src; \
    jq -r '.Origin.Hash // "unknown"' /tmp/module.json > /src/.git-commit; \
    jq -r .Time "$(jq -r .Info /tmp/module.json)" > /src/.build-date
WORKDIR /src
RUN go mod download
# The version stamps of upstream's Makefile (`spark-operator version` prints them); the date is
# the release commit's, so two builds of one version are the same.
RUN go build -mod=readonly -o /out/spark-operator \
      -ldflags "-s -w \
        -X k8s.io/component-base/version.gitVersion=v${SPARK_OPERATOR_VERSION} \
        -X k8s.io/component-base/version.gitCommit=$(cat .git-commit) \
        -X k8s.io/component-base/version.gitTreeState=clean \
        -X k8s.io/component-base/version.buildDate=$(cat .build-date)" \
      ./cmd/operator \
 && install -m 0755 entrypoint.sh /out/entrypoint.sh

FROM ${SPARK_IMAGE}
USER root
# tini reaps the spark-submit processes the controller starts (upstream's image has it too); the
# project's Spark image already has it.
RUN command -v tini >/dev/null || { apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*; }
# The controller runs $SPARK_HOME/bin/spark-submit and refuses to start a submission without
# SPARK_HOME: the Spark image's, or else the one a pip-installed spark-submit finds for itself,
# behind one fixed path. uid/gid 185: the chart's fsGroup, Apache Spark's `spark` user.
RUN set -eu; \
    submit="$(command -v spark-submit)" || { echo "SPARK_IMAGE has no spark-submit on PATH" >&2; exit 1; }; \
    home="${SPARK_HOME:-}"; \
    if [ -z "$home" ]; then home="$(bash -c '. "$(dirname "$0")/find-spark-home"; printf %s "$SPARK_HOME"' "$(readlink -f "$submit")")"; fi; \
    [ -x "$home/bin/spark-submit" ] || { echo "SPARK_IMAGE: no bin/spark-submit in SPARK_HOME ($home)" >&2; exit 1; }; \
    mkdir -p /opt/spark-operator; \
    ln -s "$home" /opt/spark-operator/spark-home; \
    getent group 185 >/dev/null || groupadd --gid 185 spark; \
    if ! getent passwd 185 >/dev/null; then \
      name=spark; if getent passwd spark >/dev/null; then name=spark-operator; fi; \
      useradd --uid 185 --gid 185 --home-dir /home/spark --shell /bin/false "$name"; \
    fi; \
    mkdir -p /etc/k8s-webhook-server/serving-certs /home/spark; \
    chmod -R g+rw /etc/k8s-webhook-server/serving-certs; \
    chown -R 185:185 /etc/k8s-webhook-server/serving-certs /home/spark
ENV SPARK_HOME=/opt/spark-operator/spark-home
COPY --from=build /out/spark-operator /out/entrypoint.sh /usr/bin/
WORKDIR /home/spark
USER 185:185
# What the controller will run, once, as its user: the build fails if Java or Spark is unusable.
# SPARK_LOCAL_HOSTNAME: a build container's hostname need not resolve (podman's does not), and
# Spark looks its own up at start.
RUN SPARK_LOCAL_HOSTNAME=localhost "$SPARK_HOME/bin/spark-submit" --version && /usr/bin/spark-operator version
ENTRYPOINT ["/usr/bin/entrypoint.sh"]
