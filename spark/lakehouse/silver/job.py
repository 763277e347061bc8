"""The silver job: bronze JSON of one day (or a range) → Iceberg tables in silver.

    spark-submit lakehouse/silver/job.py --date 2024-03-05 [--dataset trips|weather|nyc_yellow_trips] [--force]
    spark-submit lakehouse/silver/job.py --from 2024-01-01 --to 2024-12-31

For every day it: waits for nothing but requires the bronze manifest (ingestion's commit
marker); checks the raw fields against the dataset's contract; cleans, types and dedupes;
reconciles bronze records = silver rows + rejected + duplicates removed (and bronze lines =
the manifest's count) before writing anything; replaces the day's rows in silver.<dataset> and
silver.<dataset>_rejected (one atomic Iceberg commit each); appends to silver.silver_runs; and
writes the day's completion marker last. Days with a marker are skipped unless --force, so
an interrupted backfill resumes where it stopped. One Spark session serves all days.

Days run in batches (15 days of trips, a year of weather by default; --batch-days sets both): a
batch is read and cleaned in one pass into a cache that holds only what the counts and the
writes need, counted, checked, and committed together. A batch that fails writes nothing; the
batches before it stay committed.
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
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta, timezone

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse import storage
from lakehouse.preflight import DependencyDown, check_job_dependencies
from lakehouse.session import lakehouse_session
from lakehouse.settings import CATALOG
from lakehouse.silver.contract import Contract, ContractViolation, enforce, load_contract, profile_from_shapes
from lakehouse.silver.dedupe import flag_latest
from lakehouse.silver.layout import MANIFEST, bronze_partition, committed_objects, data_objects, date_range, manifest_records, silver_marker
from lakehouse.silver import nyc_yellow_trips, trips, weather

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
    natural_key: tuple[str, ...]
    silver_columns: tuple[str, ...]
    to_rejected: Callable[[DataFrame, Column], DataFrame]
    # Columns of the checked records, besides the silver ones, that to_rejected needs.
    rejected_source_columns: tuple[str, ...] = ()
    rejected_extra_columns: str = ""
    # When the table's partitions are coarser than a day (weather: by year), replacing a day
    # cannot drop whole files: the day is replaced with one MERGE on this key instead.
    merge_key: str | None = None
    # Days per batch unless --batch-days says otherwise. A batch's cost is its records plus a
    # fixed ~2.5 s (object checks, three commits, markers): size it by the dataset's records a day.
    batch_days: int = 7
    # The schema contract (spark/contracts/<contract>.json) when it is another dataset's: each
    # city's weather is a dataset of its own in the one shape Open-Meteo answers with.
    contract: str | None = None


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
    natural_key=trips.NATURAL_KEY,
    silver_columns=trips.SILVER_COLUMNS,
    to_rejected=trips.to_rejected,
    rejected_source_columns=("raw_trip_id",),
    rejected_extra_columns=", trip_id STRING",
    # 15 days of ~100k trips a day is ~1.5M records, which the window's sort still holds in a 3 GB
    # driver's memory (30 days spilled 670 MB). A month in two batches instead of five saved
    # ~10 s of per-batch costs (counts, three commits, markers, driver gaps) of ~110.
    batch_days=15,
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
    natural_key=weather.NATURAL_KEY,
    silver_columns=weather.SILVER_COLUMNS,
    to_rejected=weather.to_rejected,
    merge_key="weather_date",
    # One record a day: a year is one batch. Weekly batches spent 2.4 min of a year's backfill
    # on 53 batches' fixed costs for 365 records.
    batch_days=366,
)

# New York's weather (for NYC TLC's marts): the same Open-Meteo answer for another city, so
# the same rules and contract; a dataset and tables of its own, since both tables are one row a
# day and ingesting one city's day must not replace the other's.
NYC_WEATHER = replace(
    WEATHER,
    name="nyc_weather",
    table=f"{CATALOG}.silver.nyc_weather",
    rejected_table=f"{CATALOG}.silver.nyc_weather_rejected",
    contract="weather",
)

NYC_YELLOW_TRIPS = DatasetSpec(
    name="nyc_yellow_trips",
    table=f"{CATALOG}.silver.nyc_yellow_trips",
    rejected_table=f"{CATALOG}.silver.nyc_yellow_trips_rejected",
    date_column="pickup_date",
    table_ddl="""(
      trip_key STRING NOT NULL COMMENT 'natural key: sha-256 of the typed record (TLC has no trip id)',
      vendor_id INT NOT NULL COMMENT 'TLC VendorID: the meter vendor, not a driver',
      pickup_at TIMESTAMP NOT NULL COMMENT 'UTC', dropoff_at TIMESTAMP NOT NULL COMMENT 'UTC',
      pickup_date DATE NOT NULL COMMENT 'local (America/New_York) day of pickup; the bronze partition',
      trip_seconds INT NOT NULL COMMENT 'dropoff_at - pickup_at',
      passenger_count INT, trip_miles DECIMAL(8,2), rate_code_id INT, is_store_and_forward BOOLEAN,
      pickup_location_id INT NOT NULL COMMENT 'TLC taxi zone (1-265)', dropoff_location_id INT NOT NULL COMMENT 'TLC taxi zone (1-265)',
      payment_type INT,
      fare_amount DECIMAL(10,2) NOT NULL, extra DECIMAL(10,2), mta_tax DECIMAL(10,2), tip_amount DECIMAL(10,2),
      tolls_amount DECIMAL(10,2), improvement_surcharge DECIMAL(10,2), congestion_surcharge DECIMAL(10,2),
      airport_fee DECIMAL(10,2), cbd_congestion_fee DECIMAL(10,2), total_amount DECIMAL(10,2) NOT NULL,
      source_file STRING NOT NULL
    ) USING iceberg PARTITIONED BY (pickup_date)
    TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd', 'write.distribution-mode'='hash')""",
    check=nyc_yellow_trips.check_nyc_yellow_trips,
    natural_key=nyc_yellow_trips.NATURAL_KEY,
    silver_columns=nyc_yellow_trips.SILVER_COLUMNS,
    to_rejected=nyc_yellow_trips.to_rejected,
    # NYC's ~100k trips a day is the volume trips' 15-day batches are sized for.
    batch_days=15,
)

DATASETS = {spec.name: spec for spec in (TRIPS, WEATHER, NYC_WEATHER, NYC_YELLOW_TRIPS)}
# Gold joins trips to the day's weather, and weather is one small record a day: it runs first.
WEATHER_DATASETS = frozenset({WEATHER.name, NYC_WEATHER.name})


class MissingBronzeError(RuntimeError):
    """A day's bronze partition has no manifest: ingestion has not committed it."""


class DamagedBronzeError(RuntimeError):
    """A committed bronze object is missing or differs from its manifest: nothing is written."""


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
    texts = storage.concurrently(lambda day: storage.read_text(spark, f"{bronze_partition(dataset, day)}/{MANIFEST}"), days)
    for day, text in zip(days, texts):
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


def check_objects(spark: SparkSession, dataset: str, manifests: dict[date, dict]) -> None:
    """Every object a manifest commits exists with the size the manifest declares: one status
    call per object catches a deleted or truncated object before any Spark job reads it."""
    problems = []
    objects = [(bronze_partition(dataset, day), name, committed)
               for day, manifest in sorted(manifests.items()) for name, committed in committed_objects(manifest)]
    sizes = storage.concurrently(lambda o: storage.size(spark, f"{o[0]}/{o[1]}"), objects)
    for (partition, name, committed), size in zip(objects, sizes):
        if size is None:
            problems.append(f"{partition}: {name} is listed in its manifest but is not in the store")
        elif committed is not None and size != committed:
            problems.append(f"{partition}: {name} is {size} bytes but its manifest committed {committed} (damaged after the commit)")
    if problems:
        raise DamagedBronzeError(f"bronze {dataset} objects differ from their manifests; nothing written. "
                                 "Re-ingest the day(s) (lakehouse run ingest --date <day>):\n  " + "\n  ".join(problems))


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


def stage(spec: DatasetSpec, lines: DataFrame) -> DataFrame:
    """Every line checked, typed, flagged latest-per-key and given its shape, narrowed to what
    the counts and the writes need: the raw line is kept only where it is rejected."""
    checked = spec.check(lines, F.col("source_date"))
    narrow = checked.select(
        *spec.silver_columns, *spec.rejected_source_columns, "source_date", "source_order", "reason",
        F.when(F.col("reason").isNotNull(), F.col("raw_line")).alias("raw_line"),
        "shape",
    )
    return flag_latest(narrow, spec.natural_key)


def count_days(spec: DatasetSpec, staged: DataFrame, days: list[date]) -> tuple[dict[date, dict], dict[date, dict[str, int]]]:
    """Per day: lines, valid, rejected (by the bronze partition) and silver rows (by the silver
    date column, so a row that landed on another day does not reconcile); and the raw shape
    profile of each partition for the contract check. Two small aggregations over the cache."""
    counts = {d: {"lines": 0, "valid": 0, "rejected": 0, "silver": 0} for d in days}
    shapes: dict[date, list[tuple[str | None, int]]] = {d: [] for d in days}
    for r in (staged.groupBy("source_date", "shape")
              .agg(F.count("*").alias("lines"), F.count_if(F.col("reason").isNull()).alias("valid"),
                   F.count_if(F.col("reason").isNotNull()).alias("rejected"))
              .collect()):
        for k in ("lines", "valid", "rejected"):
            counts[r["source_date"]][k] += int(r[k])
        shapes[r["source_date"]].append((r["shape"], int(r["lines"])))
    for r in staged.where("is_latest").groupBy(F.col(spec.date_column).alias("d")).count().collect():
        counts.setdefault(r["d"], {"lines": 0, "valid": 0, "rejected": 0, "silver": 0})["silver"] = int(r["count"])
    return counts, {d: profile_from_shapes(s) for d, s in shapes.items()}


def reconcile(spec: DatasetSpec, contract_version: int, manifests: dict[date, dict], counts: dict[date, dict]) -> list[DayResult]:
    """The batch's per-day results, or ReconciliationError when any count does not add up."""
    stray = sorted(set(counts) - set(manifests))
    if stray:
        raise ReconciliationError(f"{spec.name}: silver rows dated {stray} came from other days' partitions; nothing written")
    results = []
    for day, manifest in sorted(manifests.items()):
        c = counts[day]
        declared = manifest_records(manifest)
        if c["lines"] != declared:
            raise ReconciliationError(f"{spec.name} {day}: bronze objects hold {c['lines']} lines but the manifest declares {declared}; the partition is inconsistent, nothing written")
        result = DayResult(spec.name, day.isoformat(), c["lines"], c["silver"], c["rejected"], c["valid"] - c["silver"], contract_version)
        if result.bronze_records != result.silver_rows + result.rejected + result.duplicates_removed:
            raise ReconciliationError(f"{spec.name} {day}: {result} does not reconcile; nothing written")
        results.append(result)
    return results


def run_batch(spark: SparkSession, spec: DatasetSpec, contract: Contract, manifests: dict[date, dict]) -> list[DayResult]:
    """Runs consecutive days as one unit: one read, one cache, one commit per table."""
    days = sorted(manifests)
    started = datetime.now(timezone.utc)
    check_objects(spark, spec.name, manifests)
    staged = stage(spec, read_lines(spark, spec.name, manifests)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        counts, profiles = count_days(spec, staged, days)
        # Contract first: a partition whose raw fields changed stops the run before any write.
        for day in days:
            enforce(contract, profiles[day], bronze_partition(spec.name, day))
        results = reconcile(spec, contract.version, manifests, counts)

        ensure_tables(spark, spec)
        # Each write replaces exactly the batch's days in one atomic Iceberg commit, so a rerun
        # replaces and a crash leaves the previous snapshot visible.
        spec.to_rejected(staged, F.col("source_date")).writeTo(spec.rejected_table).overwrite(
            F.col("source_date").isin([F.lit(d) for d in days]))
        replace_days(spark, staged.where("is_latest").select(*spec.silver_columns), spec, days)
    finally:
        staged.unpersist()
    run_id = str(uuid.uuid4())
    finished = datetime.now(timezone.utc)
    runs = spark.createDataFrame(
        [(run_id, r.dataset, date.fromisoformat(r.source_date), started, finished, r.bronze_records, r.silver_rows,
          r.rejected, r.duplicates_removed, r.contract_version) for r in results],
        "run_id string, dataset string, source_date date, started_at timestamp, finished_at timestamp, "
        "bronze_records long, silver_rows long, rejected long, duplicates_removed long, contract_version int",
    )
    runs.writeTo(RUNS).append()

    def write_marker(r: DayResult) -> None:
        day = date.fromisoformat(r.source_date)
        storage.write_text(spark, silver_marker(spec.name, day),
                           json.dumps({**asdict(r), "run_id": run_id, "completed_at": finished.isoformat(),
                                       "bronze_manifest_sha256": manifest_digest(manifests[day])}))

    # Each marker is written after every commit of the batch; their order among days does not matter.
    storage.concurrently(write_marker, results)
    for r in results:
        log(f"{spec.name} {r.source_date}: bronze {r.bronze_records} = silver {r.silver_rows} + rejected {r.rejected} + duplicates {r.duplicates_removed}")
    return results


def plan_batches(spec: DatasetSpec, pending: list[date], batch_days: int | None) -> list[list[date]]:
    """The pending days in consecutive batches of --batch-days if given, else the dataset's own size (pure)."""
    size = batch_days or spec.batch_days
    return [pending[i:i + size] for i in range(0, len(pending), size)]


def run_dataset(spark: SparkSession, spec: DatasetSpec, days: list[date], force: bool, batch_days: int | None) -> list[DayResult]:
    name = spec.name
    contract = load_contract(spec.contract or name)
    manifests = read_manifests(spark, name, days)
    complete = [False] * len(days) if force else storage.concurrently(lambda d: up_to_date(spark, name, d, manifests[d]), days)
    pending = [d for d, done in zip(days, complete) if not done]
    skipped = sorted(set(days) - set(pending))
    if skipped:
        log(f"{name}: {len(skipped)} day(s) already complete for their bronze partition (marker present), skipped "
            f"({skipped[0]}{'' if len(skipped) == 1 else f' … {skipped[-1]}'}); --force reruns them")
    batches = plan_batches(spec, pending, batch_days)
    results: list[DayResult] = []
    t0 = time.monotonic()
    for n, batch in enumerate(batches, 1):
        t = time.monotonic()
        batch_results = run_batch(spark, spec, contract, {d: manifests[d] for d in batch})
        results += batch_results
        records = sum(r.bronze_records for r in batch_results)
        seconds = time.monotonic() - t
        left = (time.monotonic() - t0) / n * (len(batches) - n)
        log(f"{name}: batch {n}/{len(batches)} ({batch[0]} … {batch[-1]}) committed: {records:,} records in {seconds:.1f}s "
            f"({records / max(seconds, 0.001):,.0f} rec/s); {len(results)}/{len(pending)} days done"
            + (f", ~{left / 60:.1f} min left" if n < len(batches) else ""))
    return results


def logical_date(value: str) -> date:
    if value == "yesterday":
        return datetime.now(timezone.utc).date() - timedelta(days=1)
    return date.fromisoformat(value)


@dataclass(frozen=True)
class RunRequest:
    days: list[date]
    datasets: list[str]
    force: bool
    # None: each dataset's own batch size (DatasetSpec.batch_days).
    batch_days: int | None


def positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def dataset_list(value: str) -> str | list[str]:
    """ "all", or the named datasets, weather first (gold joins trips to it)."""
    if value == "all":
        return value
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"unknown dataset(s) {', '.join(unknown) or repr(value)}: choose all, or from {', '.join(DATASETS)}")
    return sorted(set(names), key=lambda n: (n not in WEATHER_DATASETS, names.index(n)))


def parse_args(argv: list[str]) -> RunRequest:
    parser = argparse.ArgumentParser(prog="silver", description="Clean bronze into silver Iceberg tables.")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=logical_date, help="one day, YYYY-MM-DD, or 'yesterday' (UTC; scheduled runs)")
    when.add_argument("--from", dest="start", type=date.fromisoformat, help="first day of a range")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day of a range (with --from)")
    parser.add_argument("--dataset", type=dataset_list, default="all",
                        help=f"all (weather and trips), or a comma-separated list of {', '.join(DATASETS)}")
    parser.add_argument("--force", action="store_true", help="rerun days that are already complete")
    parser.add_argument("--batch-days", type=positive_int, default=None,
                        help=f"days cleaned and committed together, for every dataset (default: {TRIPS.batch_days} for trips, "
                             f"{WEATHER.batch_days} for weather): larger batches amortise the per-commit cost, smaller "
                             "ones hold less in memory and resume finer")
    args = parser.parse_args(argv)
    if args.start and not args.end:
        parser.error("--from needs --to")
    days = [args.date] if args.date else date_range(args.start, args.end)
    # Weather first: it is small, and gold joins trips to it. "all" stays the default sources'
    # datasets; NYC is run by name (--dataset nyc_weather,nyc_yellow_trips), as its bronze exists only
    # when ingested with --source nyc.
    datasets = ["weather", "trips"] if args.dataset == "all" else args.dataset
    return RunRequest(days, datasets, args.force, args.batch_days)


def main(argv: list[str] | None = None) -> int:
    request = parse_args(sys.argv[1:] if argv is None else argv)
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
        for dataset in request.datasets:
            results += run_dataset(spark, DATASETS[dataset], request.days, request.force, request.batch_days)
        print(json.dumps({"results": [asdict(r) for r in results], "seconds": round(time.monotonic() - t0, 1)}))
        return 0
    except (MissingBronzeError, DamagedBronzeError, ContractViolation, ReconciliationError) as e:
        log(f"FAILED: {e}")
        return 2
    except Exception as e:  # noqa: BLE001 - only Iceberg's commit conflicts are translated
        text = str(e)
        if "LockException" in text and "waiting for lock" in text:
            table = text.split("waiting for lock on ", 1)[-1].split(")", 1)[0].strip()
            log(f"FAILED: the metastore lock on {table} stayed taken for the whole wait: another run is committing "
                f"to it, or a run was killed while committing (the metastore expires its lock 60 s after its last heartbeat). "
                f"The failing batch's days keep their previous silver (markers unchanged); run again in a few minutes.")
            return 4
        if "Found conflicting files" in text or "CommitFailedException" in text:
            first = next((line for line in text.splitlines() if "Exception" in line), text[:300])
            log(f"FAILED: another run committed the same day(s) at the same time, so this run's commit was "
                f"refused and the table keeps that run's result; run again to redo it. ({first.strip()})")
            return 4
        if "FAILED_READ_FILE" in text:
            # An object that changed without changing its size (the size check runs first).
            where = text.split("reading file", 1)[-1].split("\n", 1)[0].strip(" .")
            log(f"FAILED: a bronze object could not be read ({where}); nothing written. Re-ingest its day.")
            return 2
        raise
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
