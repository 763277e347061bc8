"""Each silver rule, the dedupe key and the reconciliation, on tiny DataFrames, through the
job's own staging (transform.stage) and the rows it writes."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.silver.bronze import LINES_SCHEMA
from lakehouse.silver.transform import count_days, reconcile, stage
from lakehouse.silver.trips import TRIPS
from support import bronze_lines, silver_and_rejected, trip

# The time rules' cases, shared with the DuckDB baseline's test (test/unit/bench/silver-trips-sql.test.ts).
TRIP_TIMES = json.loads((Path(__file__).resolve().parents[2] / "test" / "fixtures" / "trip-times.json").read_text())


def clean(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(silver rows, rejected rows) as the job writes them for these lines."""
    return silver_and_rejected(TRIPS, lines)


def reasons(spark: SparkSession, *raw: str | dict) -> list[str]:
    _, rejected = clean(bronze_lines(spark, *raw))
    return [r.reason for r in rejected.collect()]


def test_a_valid_trip_is_typed_with_utc_instants_and_the_local_day(spark: SparkSession) -> None:
    silver, rejected = clean(bronze_lines(spark, trip()))
    assert rejected.count() == 0
    row = silver.collect()[0]
    # 08:15 in Chicago on 5 March 2024 (CST, UTC-6) is 14:15 UTC.
    assert row.pickup_at == datetime(2024, 3, 5, 14, 15)
    assert row.dropoff_at == datetime(2024, 3, 5, 14, 35)
    assert row.pickup_date == date(2024, 3, 5)
    assert row.fare == Decimal("15.25") and row.trip_total == Decimal("19.25")
    assert row.trip_seconds == 1200 and row.pickup_community_area == 8
    assert row.source_file == "part-00000.json"


def test_numbers_sent_as_numbers_are_normalised_like_strings(spark: SparkSession) -> None:
    silver, rejected = clean(bronze_lines(spark, trip(fare=15.25, trip_seconds=1200, trip_id="  t1 ")))
    assert rejected.count() == 0
    row = silver.collect()[0]
    assert (row.trip_id, row.fare, row.trip_seconds) == ("t1", Decimal("15.25"), 1200)


RULE_CASES = [
        ('{"trip_id": "t1", "fare": ', "unparseable_json"),
        ("", "unparseable_json"),
        ("[1, 2]", "not_a_json_object"),
        # One JSON value per line: trailing text after a valid record is not ignored.
        (json.dumps(trip()) + "}", "unparseable_json"),
        (json.dumps(trip()) + json.dumps(trip(trip_id="t2")), "unparseable_json"),
        (json.dumps(trip()) + " x", "unparseable_json"),
        (trip(company={"name": "Flash Cab"}), "invalid_value:company"),
        (trip(payment_type=True), "invalid_value:payment_type"),
        (trip(taxi_id=["taxi-a"]), "invalid_value:taxi_id"),
        (trip(trip_id=None), "missing_field:trip_id"),
        (trip(taxi_id=""), "missing_field:taxi_id"),
        (trip(trip_start_timestamp=None), "missing_field:trip_start_timestamp"),
        (trip(trip_end_timestamp=None), "missing_field:trip_end_timestamp"),
        (trip(fare=None), "missing_field:fare"),
        (trip(trip_total=" "), "missing_field:trip_total"),
        (trip(fare="twelve"), "invalid_value:fare"),
        (trip(trip_start_timestamp="05/03/2024 08:15"), "invalid_value:trip_start_timestamp"),
        (trip(fare="-4.00", trip_total="0.25"), "negative_amount:fare"),
        (trip(fare="1000000000000", trip_total="1000000000004.00"), "absurd_amount:fare"),
        (trip(trip_total="99.00"), "total_mismatch"),
        (trip(trip_end_timestamp="2024-03-05T08:00:00.000"), "dropoff_before_pickup"),
        (trip(trip_end_timestamp="2024-03-05T08:15:00.000", trip_seconds="0"), "zero_duration"),
        # Stamps 20 minutes apart, the meter 50: more than the rounding can explain.
        (trip(trip_seconds="3000"), "duration_mismatch"),
        (trip(trip_seconds="-5"), "implausible_duration"),
        (trip(trip_miles="450"), "implausible_distance"),
        (trip(trip_miles="90", trip_seconds="600"), "implausible_speed"),
        (trip(trip_start_timestamp="2024-03-04T23:50:00.000", trip_end_timestamp="2024-03-05T00:10:00.000"),
         "pickup_outside_partition_day"),
        (trip(pickup_community_area="78"), "unknown_zone:pickup_community_area"),
        (trip(dropoff_community_area="0"), "unknown_zone:dropoff_community_area"),
]


@pytest.fixture(scope="module")
def rule_reasons(spark: SparkSession) -> dict[str, str]:
    """All rule cases cleaned in one job, keyed by their raw line (one Spark job, not 19)."""
    raws = [r if isinstance(r, str) else json.dumps(r) for r, _ in RULE_CASES]
    _, rejected = clean(bronze_lines(spark, *raws))
    found = {r.raw_line: r.reason for r in rejected.collect()}
    assert len(found) == len(RULE_CASES), "every case is rejected exactly once"
    return found


@pytest.mark.parametrize(("raw", "reason"), RULE_CASES, ids=[reason for _, reason in RULE_CASES])
def test_each_rule_rejects_with_its_named_reason(rule_reasons: dict[str, str], raw: str | dict, reason: str) -> None:
    assert rule_reasons[raw if isinstance(raw, str) else json.dumps(raw)] == reason


def test_braces_inside_strings_and_trailing_spaces_are_valid_json(spark: SparkSession) -> None:
    """Braces in text and trailing spaces are not trailing content."""
    raws = [json.dumps(trip(company="Cab {north}")), json.dumps(trip(trip_id="t2")) + "  ", json.dumps(trip(trip_id="t3", company="}"))]
    silver, rejected = clean(bronze_lines(spark, *raws))
    assert rejected.count() == 0
    assert sorted(r.trip_id for r in silver.collect()) == ["t1", "t2", "t3"]


def test_the_first_failing_rule_names_the_reason(spark: SparkSession) -> None:
    assert reasons(spark, trip(taxi_id=None, fare="-1")) == ["missing_field:taxi_id"]


def test_a_trip_outside_chicago_has_no_community_area_and_is_kept(spark: SparkSession) -> None:
    silver, rejected = clean(bronze_lines(spark, trip(dropoff_community_area=None)))
    assert (silver.count(), rejected.count()) == (1, 0)


def test_rejected_records_keep_the_raw_line_and_the_source(spark: SparkSession) -> None:
    raw = '{"trip_id": "t9", "fare": '
    _, rejected = clean(bronze_lines(spark, raw, source_file="s3a://bronze/trips/part-00003.json"))
    row = rejected.collect()[0]
    assert row.asDict() == {"source_date": date(2024, 3, 5), "source_file": "s3a://bronze/trips/part-00003.json", "raw_line": raw,
                            "reason": "unparseable_json", "trip_id": None}


def test_a_rejected_record_keeps_the_trip_id_it_was_sent_with(spark: SparkSession) -> None:
    _, rejected = clean(bronze_lines(spark, trip(trip_id=" t7 ", fare="-1", trip_total="3.25")))
    assert [(r.trip_id, r.reason) for r in rejected.collect()] == [("t7", "negative_amount:fare")]


def test_dedupe_keeps_the_version_sent_last(spark: SparkSession) -> None:
    first = trip(trip_id="t1", tips="1.00", trip_total="17.25")
    exact_copy = dict(first)
    resent = trip(trip_id="t1", tips="4.00", trip_total="20.25")
    other = trip(trip_id="t2")
    silver, rejected = clean(bronze_lines(spark, first, exact_copy, other, resent))
    rows = {r.trip_id: r for r in silver.collect()}
    assert set(rows) == {"t1", "t2"}
    assert rows["t1"].tips == Decimal("4.00")
    assert rejected.count() == 0


def test_dedupe_orders_files_before_positions(spark: SparkSession) -> None:
    early = bronze_lines(spark, trip(tips="9.00", trip_total="25.25"), source_file="part-00000.json")
    late = bronze_lines(spark, trip(tips="2.00", trip_total="18.25"), source_file="part-00001.json")
    silver, _ = clean(late.unionByName(early))
    assert silver.collect()[0].tips == Decimal("2.00")


def test_a_rejected_later_version_does_not_replace_the_valid_one(spark: SparkSession) -> None:
    """The job flags the latest valid record per key among all records (lakehouse.silver.dedupe):
    a re-sent version that is invalid is rejected and the last valid version stays."""
    valid = trip(trip_id="t1", tips="1.00", trip_total="17.25")
    invalid_resend = trip(trip_id="t1", fare="-5", trip_total="-0.75")
    flagged = stage(TRIPS, bronze_lines(spark, valid, invalid_resend)).collect()
    assert sorted(((r.reason or ""), r.is_latest) for r in flagged) == [("", True), ("negative_amount:fare", False)]


def test_counts_reconcile_lines_equal_silver_plus_rejected_plus_duplicates(spark: SparkSession) -> None:
    """The job's own staging, counts and reconciliation for the dataset, on ten distinct trips, two of
    them sent again and two invalid lines: each count expected from its own part of the input."""
    distinct = [trip(trip_id=f"t{i}") for i in range(10)]
    resent = [trip(trip_id="t3", tips="4.00", trip_total="20.25"), trip(trip_id="t4")]
    invalid = ["oops", trip(fare="-1", trip_total="3.25")]
    raw = [*distinct, *resent, *invalid]
    day = date(2024, 3, 5)
    counts, _ = count_days(TRIPS, stage(TRIPS, bronze_lines(spark, *raw, day=day)), [day])
    (result,) = reconcile(TRIPS, 1, {day: {"objects": [{"name": "part-00000.json.gz", "records": len(raw)}]}}, counts)
    assert (result.bronze_records, result.silver_rows, result.rejected, result.duplicates_removed) == (
        len(raw), len(distinct), len(invalid), len(resent))


def time_case_record(index: int, case: dict) -> dict:
    """A case of test/fixtures/trip-times.json as the API sends it: a null field is left out."""
    record = {"trip_id": f"time-{index:02d}", **TRIP_TIMES["base"], **case["record"]}
    return {k: v for k, v in record.items() if v is not None}


@pytest.fixture(scope="module")
def time_outcomes(spark: SparkSession) -> dict[str, dict]:
    """Every time case cleaned in one job, each in its own day's partition, by trip id:
    the reject reason, or the UTC instants and the local day silver stores."""
    rows = [(json.dumps(time_case_record(i, c)), f"day={c['day']}/part-00000.json", (0, i), date.fromisoformat(c["day"]))
            for i, c in enumerate(TRIP_TIMES["cases"])]
    silver, rejected = clean(spark.createDataFrame(rows, LINES_SCHEMA))
    utc = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    outcomes = {r.trip_id: {"reason": r.reason} for r in rejected.collect()}
    instants = [F.date_format(c, utc).alias(c) for c in ("pickup_at", "dropoff_at")]
    for r in silver.select("trip_id", *instants, "pickup_date").collect():
        outcomes[r.trip_id] = {"reason": None, "pickup_at": r.pickup_at, "dropoff_at": r.dropoff_at,
                               "pickup_date": r.pickup_date.isoformat()}
    return outcomes


@pytest.mark.parametrize("index", range(len(TRIP_TIMES["cases"])), ids=[c["name"] for c in TRIP_TIMES["cases"]])
def test_rounded_and_daylight_saving_stamps(time_outcomes: dict[str, dict], index: int) -> None:
    """Rounded stamps, trip_seconds, daylight-saving days and absent areas: the reason, or the instants kept."""
    case = TRIP_TIMES["cases"][index]
    got = time_outcomes[f"time-{index:02d}"]
    if case["reason"] is None:
        assert got == {"reason": None, "pickup_at": case["pickup_at"], "dropoff_at": case["dropoff_at"], "pickup_date": case["day"]}
    else:
        assert got == {"reason": case["reason"]}
