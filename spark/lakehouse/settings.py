"""Spark settings for every lakehouse job: the one place they are defined.

The local stack (`lakehouse run silver`) and the cluster's SparkApplications both build
their session from `spark_conf(os.environ)`; only the environment differs (contract:
src/lib/connection.ts). Nothing here opens a connection.
"""
from __future__ import annotations

from collections.abc import Mapping

CATALOG = "iceberg"
"""Spark catalog name of the Iceberg tables; the same name Trino uses, so SQL reads alike."""

LOCK_HEARTBEAT_KEY = "iceberg.hive.lock-heartbeat-interval-ms"
LOCK_HEARTBEAT_MS = 20_000
"""How often Iceberg heartbeats its metastore commit lock (see spark_conf)."""

REQUIRED_ENV = (
    "LAKEHOUSE_S3_ENDPOINT",
    "LAKEHOUSE_S3_ACCESS_KEY",
    "LAKEHOUSE_S3_SECRET_KEY",
    "LAKEHOUSE_METASTORE_URI",
)


class MissingSettingError(RuntimeError):
    """An environment variable the jobs need is not set."""


def spark_conf(env: Mapping[str, str]) -> dict[str, str]:
    """Spark configuration for the Iceberg catalog on the Hive Metastore and S3 access.

    Iceberg tables use S3FileIO (the AWS SDK v2 bundled with Iceberg); raw bronze JSON is
    read through Hadoop's S3A. Both point at the same endpoint with the job's own keys.
    """
    missing = [k for k in REQUIRED_ENV if not env.get(k)]
    if missing:
        raise MissingSettingError(
            "missing environment variables: " + ", ".join(missing)
            + " (the local stack sets them: run through `lakehouse run …`)"
        )
    endpoint = env["LAKEHOUSE_S3_ENDPOINT"]
    region = env.get("LAKEHOUSE_S3_REGION", "us-east-1")
    access_key = env["LAKEHOUSE_S3_ACCESS_KEY"]
    secret_key = env["LAKEHOUSE_S3_SECRET_KEY"]
    cat = f"spark.sql.catalog.{CATALOG}"
    return {
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        cat: "org.apache.iceberg.spark.SparkCatalog",
        f"{cat}.type": "hive",
        f"{cat}.uri": env["LAKEHOUSE_METASTORE_URI"],
        f"{cat}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"{cat}.s3.endpoint": endpoint,
        f"{cat}.s3.path-style-access": "true",
        f"{cat}.s3.access-key-id": access_key,
        f"{cat}.s3.secret-access-key": secret_key,
        f"{cat}.client.region": region,
        # Commit retries: a concurrent writer makes Iceberg retry, not fail.
        f"{cat}.commit.retry.num-retries": "10",
        # Iceberg holds a metastore lock on the table during each commit and heartbeats it. The
        # metastore expires a lock 60 s after its last heartbeat (metastore.txn.timeout in
        # metastore/metastore-site.xml), so a job killed mid-commit blocks the table for about a
        # minute, not five: heartbeat every 20 s (Iceberg's default, 240 s, needs a 300 s timeout).
        f"spark.hadoop.{LOCK_HEARTBEAT_KEY}": str(LOCK_HEARTBEAT_MS),
        "spark.sql.defaultCatalog": CATALOG,
        # Timestamps are UTC everywhere; sources' local times are converted at silver.
        "spark.sql.session.timeZone": "UTC",
        "spark.hadoop.fs.s3a.endpoint": endpoint,
        "spark.hadoop.fs.s3a.endpoint.region": region,
        "spark.hadoop.fs.s3a.access.key": access_key,
        "spark.hadoop.fs.s3a.secret.key": secret_key,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        # Two cores locally: few shuffle partitions; the cluster overrides with its own value.
        "spark.sql.shuffle.partitions": env.get("LAKEHOUSE_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.sql.adaptive.enabled": "true",
        "spark.ui.enabled": env.get("LAKEHOUSE_SPARK_UI", "false"),
        # The silver plan has more fields than the default 25: no "truncated plan" warning per query.
        "spark.sql.debug.maxToStringFields": "500",
    }
