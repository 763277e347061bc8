"""The silver job's load: the tables, each batch's commits, the run log and the day markers.

Each write replaces exactly the batch's days in one atomic Iceberg commit, so a rerun replaces
and a crash leaves the previous snapshot visible. A day's marker, what gold waits for, is
written after every commit of its batch.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse import storage
from lakehouse.settings import CATALOG
from lakehouse.silver.layout import silver_marker
from lakehouse.silver.spec import DatasetSpec
from lakehouse.silver.transform import DayResult

RUNS = f"{CATALOG}.silver.silver_runs"
RUNS_SCHEMA = ("run_id string, dataset string, source_date date, started_at timestamp, finished_at timestamp, "
               "bronze_records long, silver_rows long, rejected long, duplicates_removed long, contract_version int")


def ensure_tables(spark: SparkSession, spec: DatasetSpec) -> None:
    spark.sql(f"CREATE TABLE IF NOT EXISTS {spec.table} {spec.table_ddl}")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {spec.rejected_table} {spec.rejected_ddl}")
    spark.sql(
        f"""CREATE TABLE IF NOT EXISTS {RUNS} (
          run_id STRING, dataset STRING, source_date DATE, started_at TIMESTAMP, finished_at TIMESTAMP,
          bronze_records BIGINT, silver_rows BIGINT, rejected BIGINT, duplicates_removed BIGINT,
          contract_version INT
        ) USING iceberg TBLPROPERTIES ('format-version'='2')"""
    )


def replace_rejected(rows: DataFrame, spec: DatasetSpec, days: list[date]) -> None:
    """Replaces the days' rows of the rejected table with `rows` in one atomic Iceberg commit."""
    rows.writeTo(spec.rejected_table).overwrite(F.col("source_date").isin([F.lit(d) for d in days]))


def replace_days(spark: SparkSession, rows: DataFrame, spec: DatasetSpec, days: list[date]) -> None:
    """Replaces the days' rows of the silver table with `rows` in one atomic Iceberg commit."""
    if spec.merge_key is None:
        rows.writeTo(spec.table).overwrite(F.col(spec.date_column).isin([F.lit(d) for d in days]))
        return
    rows.createOrReplaceTempView("_lakehouse_replacement")
    in_days = ", ".join(f"DATE '{d.isoformat()}'" for d in days)
    spark.sql(
        f"""MERGE INTO {spec.table} AS t USING _lakehouse_replacement AS s ON t.{spec.merge_key} = s.{spec.merge_key}
        WHEN MATCHED THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *
        WHEN NOT MATCHED BY SOURCE AND t.{spec.date_column} IN ({in_days}) THEN DELETE"""
    )


def append_runs(spark: SparkSession, run_id: str, started: datetime, finished: datetime, results: list[DayResult]) -> None:
    """One row per day of the batch in silver.silver_runs."""
    rows = [(run_id, r.dataset, date.fromisoformat(r.source_date), started, finished, r.bronze_records, r.silver_rows,
             r.rejected, r.duplicates_removed, r.contract_version) for r in results]
    spark.createDataFrame(rows, RUNS_SCHEMA).writeTo(RUNS).append()


def manifest_digest(manifest: dict) -> str:
    """Identifies one committed version of a bronze partition."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def up_to_date(spark: SparkSession, dataset: str, day: date, manifest: dict) -> bool:
    """True when silver already holds this day from this very bronze partition (a re-ingested
    day has a new manifest, so its marker no longer matches and the day runs again)."""
    text = storage.read_text(spark, silver_marker(dataset, day))
    return text is not None and json.loads(text).get("bronze_manifest_sha256") == manifest_digest(manifest)


def write_markers(spark: SparkSession, dataset: str, run_id: str, finished: datetime,
                  manifests: dict[date, dict], results: list[DayResult]) -> None:
    """Each day's completion marker; their order among days does not matter."""
    def write_marker(r: DayResult) -> None:
        day = date.fromisoformat(r.source_date)
        storage.write_text(spark, silver_marker(dataset, day),
                           json.dumps({**asdict(r), "run_id": run_id, "completed_at": finished.isoformat(),
                                       "bronze_manifest_sha256": manifest_digest(manifests[day])}))

    storage.concurrently(write_marker, results)
