# MinIO server and its client mc in one image (the object store's StatefulSet runs `minio`, the
# provisioning Job runs a /bin/sh script that calls `mc`). Upstream publishes neither binaries
# nor images any more (STACK.md, "MinIO upstream"), so both are built from the Go module proxy
# exactly as the local stack builds them (src/local/install.ts goInstall: CGO_ENABLED=0, -trimpath).
#
# Build arguments, all from src/lib/versions.ts and without defaults:
#   GO_VERSION, GO_URL, GO_SHA256  TOOLCHAINS.go (the golang.org/toolchain module zip)
#   MINIO_VERSION                  VERSIONS.minio
#   MC_VERSION                     VERSIONS.mc
# Build context: the repository root (nothing of it is copied).
#
# Contract: /usr/bin/minio and /usr/bin/mc, /bin/sh; uid/gid 1000 (user minio, HOME /home/minio);
# /data owned by 1000; runs on a read-only root filesystem. No ENTRYPOINT: the command is the whole
# command (`minio server /data ...`, `mc ...`).

FROM debian:bookworm-slim AS go
ARG GO_VERSION
ARG GO_URL
ARG GO_SHA256
RUN : "${GO_VERSION:?build arg GO_VERSION is not set (TOOLCHAINS.go.version in src/lib/versions.ts)}" \
      "${GO_URL:?build arg GO_URL is not set (TOOLCHAINS.go.url in src/lib/versions.ts)}" \
      "${GO_SHA256:?build arg GO_SHA256 is not set (TOOLCHAINS.go.sha256 in src/lib/versions.ts)}"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
# The module zip holds go/ under golang.org/toolchain@<v>/ and, like every module zip, no file
# modes: the go command makes bin/ and pkg/tool/ executable when it unpacks a toolchain, so do we.
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
ENV PATH=/usr/local/go/bin:$PATH GOPATH=/go GOBIN=/go/bin GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath

FROM go AS build
# One step per binary, so a new mc pin leaves the (long) server build cached.
ARG MINIO_VERSION
RUN : "${MINIO_VERSION:?build arg MINIO_VERSION is not set (VERSIONS.minio in src/lib/versions.ts)}" \
 && go install "github.com/minio/minio@$MINIO_VERSION"
ARG MC_VERSION
RUN : "${MC_VERSION:?build arg MC_VERSION is not set (VERSIONS.mc in src/lib/versions.ts)}" \
 && go install "github.com/minio/mc@$MC_VERSION"

FROM debian:bookworm-slim
# debian:bookworm-slim has no CA bundle; mc needs one for an external store over https.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /go/bin/minio /go/bin/mc /usr/bin/
# A user with a home for uid 1000: mc keeps its config in ~/.mc unless MC_CONFIG_DIR says otherwise.
# (The server tries ~/.minio/certs too and carries on when the root filesystem is read-only.)
RUN groupadd --gid 1000 minio \
 && useradd --uid 1000 --gid 1000 --home-dir /home/minio --create-home --shell /bin/sh minio \
 && install -d -o 1000 -g 1000 -m 0750 /data
USER 1000:1000
WORKDIR /home/minio
EXPOSE 9000 9001
CMD ["minio", "server", "/data", "--address", ":9000", "--console-address", ":9001"]
