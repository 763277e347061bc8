"""The silver job: bronze JSON of one day (or a range) → Iceberg tables in silver.

    spark-submit lakehouse/silver/job.py --date 2024-03-05 [--dataset trips] [--force]
    spark-submit lakehouse/silver/job.py --from 2024-01-01 --to 2024-12-31

For every day it: waits for nothing but requires the bronze manifest (ingestion's commit
marker); checks the raw fields against the dataset's contract; cleans, types and dedupes;
reconciles bronze records = silver rows + rejected + duplicates removed (and bronze lines =
the manifest's count) before writing anything; replaces the day's rows in silver.<dataset> and
silver.<dataset>_rejected (one atomic Iceberg commit each); appends to silver.silver_runs; and
writes the day's completion marker last. Days with a marker are skipped unless --force, so
an interrupted backfill resumes where it stopped. One Spark session serves all days.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse import storage
from lakehouse.preflight import DependencyDown, check_job_dependencies
from lakehouse.session import lakehouse_session
from lakehouse.settings import CATALOG
from lakehouse.silver.contract import ContractViolation, enforce, field_type_profile, load_contract, profile_as_dict
from lakehouse.silver.layout import MANIFEST, bronze_partition, data_objects, date_range, manifest_records, silver_marker
from lakehouse.silver import trips, weather

RUNS = f"{CATALOG}.silver.silver_runs"


@dataclass(frozen=True)
class DatasetSpec:
    """What differs between datasets; the run itself (run_dataset) is the same for all."""
    name: str
    table: str
    rejected_table: str
    date_column: str
    table_ddl: str
    check: Callable[[DataFrame, Column], DataFrame]
    deduplicate: Callable[[DataFrame], DataFrame]
    to_silver: Callable[[DataFrame], DataFrame]
    to_rejected: Callable[[DataFrame, Column], DataFrame]
    rejected_extra_columns: str = ""
    # When the table's partitions are coarser than a day (weather: by year), replacing a day
    # cannot drop whole files: the day is replaced with one MERGE on this key instead.
    merge_key: str | None = None


REJECTED_DDL = """(
  source_date DATE NOT NULL, source_file STRING, raw_line STRING, reason STRING NOT NULL{extra}
) USING iceberg PARTITIONED BY (source_date)
TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd')"""

TRIPS = DatasetSpec(
    name="trips",
    table=f"{CATALOG}.silver.trips",
    rejected_table=f"{CATALOG}.silver.trips_rejected",
    date_column="pickup_date",
    table_ddl="""(
      trip_id STRING NOT NULL COMMENT 'natural key (source trip id)',
      taxi_id STRING NOT NULL COMMENT 'the taxi: the driver dimension of gold',
      pickup_at TIMESTAMP NOT NULL COMMENT 'UTC', dropoff_at TIMESTAMP NOT NULL COMMENT 'UTC',
      pickup_date DATE NOT NULL COMMENT 'local (America/Chicago) day of pickup; the bronze partition',
      trip_seconds INT, trip_miles DECIMAL(8,2),
      pickup_community_area INT, dropoff_community_area INT,
      fare DECIMAL(10,2) NOT NULL, tips DECIMAL(10,2), tolls DECIMAL(10,2), extras DECIMAL(10,2),
      trip_total DECIMAL(10,2) NOT NULL, payment_type STRING, company STRING,
      source_file STRING NOT NULL
    ) USING iceberg PARTITIONED BY (pickup_date)
    TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd', 'write.distribution-mode'='hash')""",
    check=trips.check_trips,
    deduplicate=trips.deduplicate,
    to_silver=trips.to_silver,
    to_rejected=trips.to_rejected,
    rejected_extra_columns=", trip_id STRING",
)

WEATHER = DatasetSpec(
    name="weather",
    table=f"{CATALOG}.silver.weather",
    rejected_table=f"{CATALOG}.silver.weather_rejected",
    date_column="weather_date",
    table_ddl="""(
      weather_date DATE NOT NULL COMMENT 'local day', latitude DOUBLE, longitude DOUBLE,
      temperature_max_c DECIMAL(6,1) NOT NULL, temperature_min_c DECIMAL(6,1) NOT NULL,
      precipitation_mm DECIMAL(6,1), snowfall_cm DECIMAL(6,1), wind_speed_max_kmh DECIMAL(6,1),
      source_file STRING NOT NULL
    ) USING iceberg PARTITIONED BY (years(weather_date))
    TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd')""",
    check=weather.check_weather,
    deduplicate=weather.deduplicate,
    to_silver=weather.to_silver,
    to_rejected=weather.to_rejected,
    merge_key="weather_date",
)

DATASETS = {spec.name: spec for spec in (TRIPS, WEATHER)}


class MissingBronzeError(RuntimeError):
    """A day's bronze partition has no manifest: ingestion has not committed it."""


class ReconciliationError(RuntimeError):
    """Counts do not add up: nothing is written."""


@dataclass
class DayResult:
    dataset: str
    source_date: str
    bronze_records: int
    silver_rows: int
    rejected: int
    duplicates_removed: int
    contract_version: int


def log(message: str) -> None:
    print(f"[silver {datetime.now(timezone.utc):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def ensure_tables(spark: SparkSession, spec: DatasetSpec) -> None:
    spark.sql(f"CREATE TABLE IF NOT EXISTS {spec.table} {spec.table_ddl}")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {spec.rejected_table} {REJECTED_DDL.format(extra=spec.rejected_extra_columns)}")
    spark.sql(
        f"""CREATE TABLE IF NOT EXISTS {RUNS} (
          run_id STRING, dataset STRING, source_date DATE, started_at TIMESTAMP, finished_at TIMESTAMP,
          bronze_records BIGINT, silver_rows BIGINT, rejected BIGINT, duplicates_removed BIGINT,
          contract_version INT
        ) USING iceberg TBLPROPERTIES ('format-version'='2')"""
    )


def manifest_digest(manifest: dict) -> str:
    """Identifies one committed version of a bronze partition."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def up_to_date(spark: SparkSession, dataset: str, day: date, manifest: dict) -> bool:
    """True when silver already holds this day from this very bronze partition (a re-ingested
    day has a new manifest, so its marker no longer matches and the day runs again)."""
    text = storage.read_text(spark, silver_marker(dataset, day))
    return text is not None and json.loads(text).get("bronze_manifest_sha256") == manifest_digest(manifest)


def read_manifests(spark: SparkSession, dataset: str, days: list[date]) -> dict[date, dict]:
    manifests, missing = {}, []
    for day in days:
        text = storage.read_text(spark, f"{bronze_partition(dataset, day)}/{MANIFEST}")
        if text is None:
            missing.append(day)
        else:
            manifests[day] = json.loads(text)
    if missing:
        listed = ", ".join(d.isoformat() for d in missing)
        raise MissingBronzeError(
            f"bronze {dataset} has no committed partition (no {MANIFEST}) for: {listed}. "
            f"Ingest first: lakehouse run ingest --dataset {dataset} --date <day>"
        )
    return manifests


def read_lines(spark: SparkSession, dataset: str, manifests: dict[date, dict]) -> DataFrame:
    """Every raw line of the objects the days' manifests commit (an object the manifest does
    not list is not part of the partition), with where it came from and in what order."""
    paths = [f"{bronze_partition(dataset, d)}/{name}" for d, m in sorted(manifests.items()) for name in data_objects(m)]
    if not paths:
        return spark.createDataFrame([], "raw_line string, source_file string, source_order struct<b:long,i:long>, source_date date")
    return (
        spark.read.option("lineSep", "\n").text(paths)
        .select(
            F.col("value").alias("raw_line"),
            F.input_file_name().alias("source_file"),
            # Order of sending: file block, then position in it (monotonic within a task).
            F.struct(F.input_file_block_start(), F.monotonically_increasing_id()).alias("source_order"),
        )
        .withColumn(
            "source_date",
            F.to_date(F.regexp_extract("source_file", r"year=(\d{4})/month=(\d{2})/day=(\d{2})", 0), "'year='yyyy'/month='MM'/day='dd"),
        )
    )


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


def run_dataset(spark: SparkSession, spec: DatasetSpec, days: list[date], force: bool) -> list[DayResult]:
    name = spec.name
    contract = load_contract(name)
    manifests = read_manifests(spark, name, days)
    pending = [d for d in days if force or not up_to_date(spark, name, d, manifests[d])]
    for d in sorted(set(days) - set(pending)):
        log(f"{name} {d}: already complete for this bronze partition (marker present), skipped; --force reruns it")
    if not pending:
        return []
    manifests = {d: manifests[d] for d in pending}
    started = datetime.now(timezone.utc)
    log(f"{name}: reading {len(pending)} day(s) of bronze")
    lines = read_lines(spark, name, manifests).persist()

    # Contract first: a partition whose raw fields changed stops the run before any write.
    parsed = lines.withColumn("v", F.expr("try_parse_json(raw_line)"))
    for day in pending:
        enforce(contract, profile_as_dict(field_type_profile(parsed.where(F.col("source_date") == F.lit(day)))), bronze_partition(name, day))

    checked = spec.check(lines, F.col("source_date")).persist()
    valid = checked.where(F.col("reason").isNull())
    silver = spec.to_silver(spec.deduplicate(valid)).persist()
    rejected = spec.to_rejected(checked, F.col("source_date")).persist()

    per_day = {r["d"]: r for r in lines.groupBy(F.col("source_date").alias("d")).agg(F.count("*").alias("n")).collect()}
    valid_n = {r["d"]: r["n"] for r in valid.groupBy(F.col("source_date").alias("d")).agg(F.count("*").alias("n")).collect()}
    silver_n = {r["d"]: r["n"] for r in silver.groupBy(F.col(spec.date_column).alias("d")).agg(F.count("*").alias("n")).collect()}
    rejected_n = {r["d"]: r["n"] for r in rejected.groupBy(F.col("source_date").alias("d")).agg(F.count("*").alias("n")).collect()}

    results = []
    for day in pending:
        bronze = int(per_day[day]["n"]) if day in per_day else 0
        declared = manifest_records(manifests[day])
        if bronze != declared:
            raise ReconciliationError(f"{name} {day}: bronze objects hold {bronze} lines but the manifest declares {declared}; the partition is inconsistent, nothing written")
        result = DayResult(name, day.isoformat(), bronze, int(silver_n.get(day, 0)), int(rejected_n.get(day, 0)),
                           int(valid_n.get(day, 0)) - int(silver_n.get(day, 0)), contract.version)
        if result.bronze_records != result.silver_rows + result.rejected + result.duplicates_removed:
            raise ReconciliationError(f"{name} {day}: {result} does not reconcile; nothing written")
        results.append(result)

    ensure_tables(spark, spec)
    day_list = [F.lit(d) for d in pending]
    # Each overwrite replaces exactly the days being run, in one atomic Iceberg commit,
    # so a rerun replaces and a crash leaves the previous snapshot visible.
    rejected.writeTo(spec.rejected_table).overwrite(F.col("source_date").isin(day_list))
    replace_days(spark, silver, spec, pending)
    run_id = str(uuid.uuid4())
    finished = datetime.now(timezone.utc)
    runs = spark.createDataFrame(
        [(run_id, r.dataset, date.fromisoformat(r.source_date), started, finished, r.bronze_records, r.silver_rows,
          r.rejected, r.duplicates_removed, r.contract_version) for r in results],
        f"run_id string, dataset string, source_date date, started_at timestamp, finished_at timestamp, "
        f"bronze_records long, silver_rows long, rejected long, duplicates_removed long, contract_version int",
    )
    runs.writeTo(RUNS).append()
    for r in results:
        storage.write_text(spark, silver_marker(name, date.fromisoformat(r.source_date)),
                           json.dumps({**asdict(r), "run_id": run_id, "completed_at": finished.isoformat(),
                                       "bronze_manifest_sha256": manifest_digest(manifests[date.fromisoformat(r.source_date)])}))
        log(f"{name} {r.source_date}: bronze {r.bronze_records} = silver {r.silver_rows} + rejected {r.rejected} + duplicates {r.duplicates_removed}")
    for df in (lines, checked, silver, rejected):
        df.unpersist()
    return results


def logical_date(value: str) -> date:
    if value == "yesterday":
        return datetime.now(timezone.utc).date() - timedelta(days=1)
    return date.fromisoformat(value)


def parse_args(argv: list[str]) -> tuple[list[date], list[str], bool]:
    parser = argparse.ArgumentParser(prog="silver", description="Clean bronze into silver Iceberg tables.")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=logical_date, help="one day, YYYY-MM-DD, or 'yesterday' (UTC; scheduled runs)")
    when.add_argument("--from", dest="start", type=date.fromisoformat, help="first day of a range")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day of a range (with --from)")
    parser.add_argument("--dataset", choices=[*DATASETS, "all"], default="all")
    parser.add_argument("--force", action="store_true", help="rerun days that are already complete")
    args = parser.parse_args(argv)
    if args.start and not args.end:
        parser.error("--from needs --to")
    days = [args.date] if args.date else date_range(args.start, args.end)
    # Weather first: it is small, and gold joins trips to it.
    datasets = ["weather", "trips"] if args.dataset == "all" else [args.dataset]
    return days, datasets, args.force


def main(argv: list[str] | None = None) -> int:
    days, datasets, force = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check_job_dependencies(os.environ)
    except DependencyDown as e:
        log(f"FAILED: {e}")
        return 3
    t0 = time.monotonic()
    spark = lakehouse_session("lakehouse-silver")
    spark.sparkContext.setLogLevel("WARN")
    log(f"session ready in {time.monotonic() - t0:.1f}s")
    try:
        results = []
        for dataset in datasets:
            results += run_dataset(spark, DATASETS[dataset], days, force)
        print(json.dumps({"results": [asdict(r) for r in results], "seconds": round(time.monotonic() - t0, 1)}))
        return 0
    except (MissingBronzeError, ContractViolation, ReconciliationError) as e:
        log(f"FAILED: {e}")
        return 2
    except Exception as e:  # noqa: BLE001 - only Iceberg's commit conflicts are translated
        text = str(e)
        if "Found conflicting files" in text or "CommitFailedException" in text:
            first = next((line for line in text.splitlines() if "Exception" in line), text[:300])
            log(f"FAILED: another run committed the same day(s) at the same time, so this run's commit was "
                f"refused and the table keeps that run's result; run again to redo it. ({first.strip()})")
            return 4
        raise
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
