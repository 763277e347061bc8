"""The bad-bronze corpus (test/fixtures/bad-bronze) through the job's trips transform.

Each corpus file is read the way the silver job reads a bronze object (Spark's text source,
lines split on '\\n') and staged as one partition of the corpus day, as the job does. What
each file must become is in test/fixtures/bad-bronze/expected.json, which the integration test
on the real stack (test/integration/reliability/bad-input.test.ts) reads too. A case the
silver job mishandles can carry a 'todo' there; it is then a strict xfail here: once the job
is fixed it passes, and pytest asks for the mark to go.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.silver.trips import TRIPS
from support import silver_and_rejected

CORPUS = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "bad-bronze"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
DAY = EXPECTED["day"]


def case(name: str) -> object:
    todo = EXPECTED["records"][name].get("todo")
    marks = [pytest.mark.xfail(strict=True, reason=f"TODO: {todo}")] if todo else []
    return pytest.param(name, marks=marks, id=name)


def read_objects(spark: SparkSession, names: list[str]) -> DataFrame:
    """The files' lines, as the job reads bronze objects (bronze.read_lines) of the corpus day's
    partition: source_file is the file's name."""
    return spark.read.option("lineSep", "\n").text([str(CORPUS / "trips" / n) for n in names]).select(
        F.col("value").alias("raw_line"),
        F.regexp_extract(F.input_file_name(), r"([^/]+)$", 1).alias("source_file"),
        F.struct(F.input_file_block_start(), F.monotonically_increasing_id()).alias("source_order"),
        F.lit(date.fromisoformat(DAY)).alias("source_date"),
    )


def test_every_corpus_file_has_an_expectation() -> None:
    listed = set(EXPECTED["records"]) | {n for n in EXPECTED["runs"] if (CORPUS / "trips" / n).exists()}
    assert listed == {p.name for p in (CORPUS / "trips").iterdir()}


@pytest.fixture(scope="module")
def outcome(spark: SparkSession) -> dict[str, dict[str, object]]:
    """Every record file cleaned as one partition (as the job does), collected once:
    per file, the lines read, the trip ids in silver and the reasons of the rejected."""
    lines = read_objects(spark, list(EXPECTED["records"])).cache()
    silver, rejected = silver_and_rejected(TRIPS, lines)
    out: dict[str, dict[str, object]] = {
        n: {"lines": 0, "silver": [], "rejected": Counter()} for n in EXPECTED["records"]
    }
    for r in lines.groupBy("source_file").count().collect():
        out[r.source_file]["lines"] = r["count"]
    for r in silver.select("source_file", "trip_id").collect():
        out[r.source_file]["silver"].append(r.trip_id)
    for r in rejected.select("source_file", "reason").collect():
        out[r.source_file]["rejected"][r.reason] += 1
    return out


@pytest.mark.parametrize("name", [case(n) for n in EXPECTED["records"]])
def test_each_line_enters_silver_or_is_rejected_with_its_reason(outcome: dict[str, dict[str, object]], name: str) -> None:
    got, expected = outcome[name], EXPECTED["records"][name]
    assert sorted(got["silver"]) == sorted(expected["silver"])
    assert got["rejected"] == Counter(expected["rejected"])
    # Nothing lost: every line read is a silver row or a rejected record (the corpus has no duplicates).
    assert got["lines"] == len(got["silver"]) + sum(got["rejected"].values())


def test_a_truncated_gzip_object_cannot_be_read_silently(spark: SparkSession) -> None:
    """Spark refuses the broken stream rather than returning the lines before the cut, so
    the job cannot commit part of the object (the integration test checks the job's message)."""
    with pytest.raises(Exception, match=r"FAILED_READ_FILE|Unexpected end of input stream"):
        read_objects(spark, ["truncated.json.gz"]).collect()
