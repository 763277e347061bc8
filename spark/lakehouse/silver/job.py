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

run_batch is the extract → transform → load of one batch: bronze.py reads the committed
objects, transform.py (with the dataset's own rules: trips.py, weather.py,
nyc_yellow_trips.py, each beside its table and spec) stages, counts and reconciles, load.py
commits the tables and writes the markers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from pyspark import StorageLevel
from pyspark.sql import SparkSession

from lakehouse import storage
from lakehouse.preflight import DependencyDown, check_job_dependencies
from lakehouse.session import lakehouse_session
from lakehouse.silver.bronze import DamagedBronzeError, MissingBronzeError, check_objects, read_lines, read_manifests
from lakehouse.silver.contract import ContractViolation, enforce
from lakehouse.silver.layout import bronze_partition, date_range
from lakehouse.silver.load import append_runs, ensure_tables, replace_days, replace_rejected, up_to_date, write_markers
from lakehouse.silver.nyc_yellow_trips import NYC_YELLOW_TRIPS
from lakehouse.silver.spec import DatasetSpec
from lakehouse.silver.transform import DayResult, ReconciliationError, count_days, reconcile, rejected_rows, silver_rows, stage
from lakehouse.silver.trips import TRIPS
from lakehouse.silver.weather import NYC_WEATHER, WEATHER

DATASETS = {spec.name: spec for spec in (TRIPS, WEATHER, NYC_WEATHER, NYC_YELLOW_TRIPS)}
# Gold joins trips to the day's weather: weather is listed (and reported) first.
WEATHER_DATASETS = frozenset({WEATHER.name, NYC_WEATHER.name})


def log(message: str) -> None:
    # One write per line: the datasets run in threads, and print() writes the newline apart.
    sys.stderr.write(f"[silver {datetime.now(UTC):%H:%M:%S}] {message}\n")
    sys.stderr.flush()


def run_batch(spark: SparkSession, spec: DatasetSpec, manifests: dict[date, dict]) -> list[DayResult]:
    """Runs consecutive days as one unit: one read, one cache, one commit per table."""
    days = sorted(manifests)
    started = datetime.now(UTC)
    # Extract: the committed objects (their sizes checked first), every line read once.
    check_objects(spark, spec.name, manifests)
    staged = stage(spec, read_lines(spark, spec.name, manifests)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        # Transform: counted from the cache; the contract first (a partition whose raw fields
        # changed stops the run before any write), then the reconciliation.
        counts, profiles = count_days(spec, staged, days)
        for day in days:
            enforce(spec.contract, profiles[day], bronze_partition(spec.name, day))
        results = reconcile(spec, spec.contract.version, manifests, counts)
        # Load: one atomic Iceberg commit per table for the batch's days.
        ensure_tables(spark, spec)
        replace_rejected(rejected_rows(spec, staged), spec, days)
        replace_days(spark, silver_rows(spec, staged), spec, days)
    finally:
        staged.unpersist()
    run_id = str(uuid.uuid4())
    finished = datetime.now(UTC)
    append_runs(spark, run_id, started, finished, results)
    # Each marker is written after every commit of the batch.
    write_markers(spark, spec.name, run_id, finished, manifests, results)
    for r in results:
        log(f"{spec.name} {r.source_date}: bronze {r.bronze_records} = silver {r.silver_rows} + rejected {r.rejected} "
            f"+ duplicates {r.duplicates_removed}")
    return results


def plan_batches(spec: DatasetSpec, pending: list[date], batch_days: int | None) -> list[list[date]]:
    """The pending days in consecutive batches of --batch-days if given, else the dataset's own size (pure)."""
    size = batch_days or spec.batch_days
    return [pending[i:i + size] for i in range(0, len(pending), size)]


def run_dataset(spark: SparkSession, spec: DatasetSpec, days: list[date], force: bool, batch_days: int | None) -> list[DayResult]:
    name = spec.name
    manifests = read_manifests(spark, name, days)
    complete = [False] * len(days) if force else storage.concurrently(lambda d: up_to_date(spark, name, d, manifests[d]), days)
    pending = [d for d, done in zip(days, complete, strict=True) if not done]
    skipped = sorted(set(days) - set(pending))
    if skipped:
        log(f"{name}: {len(skipped)} day(s) already complete for their bronze partition (marker present), skipped "
            f"({skipped[0]}{'' if len(skipped) == 1 else f' … {skipped[-1]}'}); --force reruns them")
    batches = plan_batches(spec, pending, batch_days)
    results: list[DayResult] = []
    t0 = time.monotonic()
    for n, batch in enumerate(batches, 1):
        t = time.monotonic()
        batch_results = run_batch(spark, spec, {d: manifests[d] for d in batch})
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
        return datetime.now(UTC).date() - timedelta(days=1)
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
        raise argparse.ArgumentTypeError(
            f"unknown dataset(s) {', '.join(unknown) or repr(value)}: choose all, or from {', '.join(DATASETS)}")
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
    # Weather listed first: gold joins trips to it. "all" stays the default sources'
    # datasets; NYC is run by name (--dataset nyc_weather,nyc_yellow_trips), as its bronze exists only
    # when ingested with --source nyc.
    datasets = ["weather", "trips"] if args.dataset == "all" else args.dataset
    return RunRequest(days, datasets, args.force, args.batch_days)


def main(argv: list[str] | None = None, session: SparkSession | None = None) -> int:
    """Runs the request with its own Spark session (spark-submit), or in `session`, a warm one
    the job server lends (lakehouse/job_server.py), which it leaves running."""
    request = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check_job_dependencies(os.environ)
    except DependencyDown as e:
        log(f"FAILED: {e}")
        return 3
    t0 = time.monotonic()
    if session is None:
        spark = lakehouse_session("lakehouse-silver")
        spark.sparkContext.setLogLevel("WARN")
        log(f"session ready in {time.monotonic() - t0:.1f}s")
    else:
        spark = session
    try:
        # The datasets at once, each with its own tables, batches and commits: a day's weather is
        # one record whose run is mostly waits on the metastore and the object store, and they
        # now overlap trips' work instead of preceding it (on a day of ~100k trips, weather took
        # ~2 s of a warm driver's ~9 s before trips started). Results in the request's order.
        with ThreadPoolExecutor(max_workers=len(request.datasets)) as pool:
            per_dataset = list(pool.map(lambda name: run_dataset(spark, DATASETS[name], request.days, request.force, request.batch_days),
                                        request.datasets))
        results = [r for dataset_results in per_dataset for r in dataset_results]
        print(json.dumps({"results": [asdict(r) for r in results], "seconds": round(time.monotonic() - t0, 1)}))
        return 0
    except (MissingBronzeError, DamagedBronzeError, ContractViolation, ReconciliationError) as e:
        log(f"FAILED: {e}")
        return 2
    except Exception as e:  # only Iceberg's commit conflicts and unreadable objects are translated; the rest is raised
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
        if session is None:
            spark.stop()


if __name__ == "__main__":
    sys.exit(main())
