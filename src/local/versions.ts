/**
 * Pinned versions of everything the local stack downloads. Each comes from a registry by
 * name (Maven Central, the Go module proxy, PyPI via uv.lock) and is verified by that
 * registry's checksums; see shared STACK.md for why each version.
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
} as const;

export const JAVA = {
  /** Trino 476 needs Java 24 or newer. */
  trinoHome: "/usr/lib/jvm/temurin-25-jdk-amd64",
  /** Spark 4.1 and the metastore run on the machine's default JDK 17. */
  defaultHomeCandidates: ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/openjdk-17"],
} as const;
