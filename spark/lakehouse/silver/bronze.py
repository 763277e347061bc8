"""The silver job's extract: bronze partitions as ingestion committed them.

A day's partition is whole once its manifest (written last by ingestion) exists; the objects
the manifest lists, at the sizes it records, are the partition. Nothing else is read. A manifest
is used only once it holds: the structure of spark/contracts/bronze-manifest.schema.json (which
ingestion checks too), its own partition's dataset and day, and totals that add up.
"""
from __future__ import annotations

import json
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse import storage
from lakehouse.silver.layout import MANIFEST, bronze_partition, committed_objects, data_objects, manifest_problems

# What read_lines gives: each raw line, the object it came from, its order of sending and its partition's day.
LINES_SCHEMA = "raw_line string, source_file string, source_order struct<b:long,i:long>, source_date date"


class MissingBronzeError(RuntimeError):
    """A day's bronze partition has no manifest: ingestion has not committed it."""


class DamagedBronzeError(RuntimeError):
    """A committed bronze object is missing or differs from its manifest: nothing is written."""


class InvalidManifestError(DamagedBronzeError):
    """A day's bronze manifest is not JSON, breaks the manifest schema, or disagrees with its
    partition or with itself (layout.manifest_problems): nothing is written."""


def read_manifests(spark: SparkSession, dataset: str, days: list[date]) -> dict[date, dict]:
    """Each day's bronze manifest, checked (layout.manifest_problems); MissingBronzeError naming
    every day without one, else InvalidManifestError naming every partition whose manifest is wrong."""
    manifests, missing, problems = {}, [], []
    texts = storage.concurrently(lambda day: storage.read_text(spark, f"{bronze_partition(dataset, day)}/{MANIFEST}"), days)
    for day, text in zip(days, texts, strict=True):
        where = f"{bronze_partition(dataset, day)}/{MANIFEST}"
        if text is None:
            missing.append(day)
            continue
        try:
            manifest = json.loads(text)
        except ValueError as e:
            problems.append(f"{where}: not valid JSON ({e})")
            continue
        found = manifest_problems(manifest, dataset, day)
        problems += [f"{where}: {p}" for p in found]
        if not found:
            manifests[day] = manifest
    if missing:
        listed = ", ".join(d.isoformat() for d in missing)
        raise MissingBronzeError(
            f"bronze {dataset} has no committed partition (no {MANIFEST}) for: {listed}. "
            f"Ingest first: lakehouse run ingest --dataset {dataset} --date <day>"
        )
    if problems:
        raise InvalidManifestError(
            f"bronze {dataset} manifests are not as ingestion writes them (spark/contracts/bronze-manifest.schema.json); "
            "nothing written. Re-ingest the day(s) (lakehouse run ingest --date <day>):\n  " + "\n  ".join(problems)
        )
    return manifests


def check_objects(spark: SparkSession, dataset: str, manifests: dict[date, dict]) -> None:
    """Every object a manifest commits exists with the size the manifest declares: one status
    call per object catches a deleted or truncated object before any Spark job reads it."""
    problems = []
    objects = [(bronze_partition(dataset, day), name, committed)
               for day, manifest in sorted(manifests.items()) for name, committed in committed_objects(manifest)]
    sizes = storage.concurrently(lambda o: storage.size(spark, f"{o[0]}/{o[1]}"), objects)
    for (partition, name, committed), size in zip(objects, sizes, strict=True):
        if size is None:
            problems.append(f"{partition}: {name} is listed in its manifest but is not in the store")
        elif size != committed:
            problems.append(f"{partition}: {name} is {size} bytes but its manifest committed {committed} (damaged after the commit)")
    if problems:
        raise DamagedBronzeError(f"bronze {dataset} objects differ from their manifests; nothing written. "
                                 "Re-ingest the day(s) (lakehouse run ingest --date <day>):\n  " + "\n  ".join(problems))


def read_lines(spark: SparkSession, dataset: str, manifests: dict[date, dict]) -> DataFrame:
    """Every raw line of the objects the days' manifests commit (an object the manifest does
    not list is not part of the partition), with where it came from and in what order."""
    paths = [f"{bronze_partition(dataset, d)}/{name}" for d, m in sorted(manifests.items()) for name in data_objects(m)]
    if not paths:
        return spark.createDataFrame([], LINES_SCHEMA)
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
