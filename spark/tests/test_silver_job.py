"""The silver job's transform (lakehouse.silver.transform) on tiny DataFrames: what `stage`
keeps of each line, the rows the load writes, the per-day counts and the reconciliation."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pyspark.sql import SparkSession

from lakehouse.silver.transform import DayResult, ReconciliationError, count_days, reconcile, rejected_rows, silver_rows, stage
from lakehouse.silver.trips import TRIPS
from lakehouse.silver.weather import WEATHER
from support import assert_dataframe_equal, bronze_lines, trip

DAY = date(2024, 3, 5)
NEXT_DAY = date(2024, 3, 6)


def test_stage_flags_the_latest_valid_version_and_keeps_raw_lines_of_rejected_ones_only(spark: SparkSession) -> None:
    first = trip(tips="1.00", trip_total="17.25")
    resent = trip(tips="4.00", trip_total="20.25")
    invalid_resend = json.dumps(trip(fare="-5", trip_total="-0.75"))
    staged = stage(TRIPS, bronze_lines(spark, first, resent, invalid_resend, "oops"))

    # What the cache holds: the silver columns, the rejected table's trip id, and the bookkeeping.
    bookkeeping = ["source_date", "source_order", "reason", "raw_line", "shape", "is_latest"]
    assert staged.columns == [*TRIPS.silver_columns, "raw_trip_id", *bookkeeping]
    expected = spark.createDataFrame(
        [
            ("t1", Decimal("1.00"), (0, 0), None, None, False),
            ("t1", Decimal("4.00"), (0, 1), None, None, True),
            ("t1", Decimal("3.00"), (0, 2), "negative_amount:fare", invalid_resend, False),
            (None, None, (0, 3), "unparseable_json", "oops", False),
        ],
        "trip_id string, tips decimal(10,2), source_order struct<b:long,i:long>, reason string, raw_line string, is_latest boolean",
    )
    assert_dataframe_equal(staged.select(*expected.columns), expected)


def weather_answer(day: str, temperature_max: float) -> str:
    daily = {"time": [day], "temperature_2m_max": [temperature_max], "temperature_2m_min": [2.1], "precipitation_sum": [0.4],
             "snowfall_sum": [0.0], "wind_speed_10m_max": [18.3]}
    return json.dumps({"latitude": 41.88, "longitude": -87.63, "daily": daily})


def test_the_rows_written_are_the_latest_valid_versions_and_every_rejected_line(spark: SparkSession) -> None:
    staged = stage(WEATHER, bronze_lines(spark, weather_answer("2024-03-05", 10.2), "{not json", weather_answer("2024-03-05", 11.0)))
    expected_silver = spark.createDataFrame(
        [(DAY, 41.88, -87.63, Decimal("11.0"), Decimal("2.1"), Decimal("0.4"), Decimal("0.0"), Decimal("18.3"), "part-00000.json")],
        "weather_date date, latitude double, longitude double, temperature_max_c decimal(6,1), temperature_min_c decimal(6,1), "
        "precipitation_mm decimal(6,1), snowfall_cm decimal(6,1), wind_speed_max_kmh decimal(6,1), source_file string",
    )
    assert_dataframe_equal(silver_rows(WEATHER, staged), expected_silver)
    expected_rejected = spark.createDataFrame(
        [(DAY, "part-00000.json", "{not json", "unparseable_json")], "source_date date, source_file string, raw_line string, reason string"
    )
    assert_dataframe_equal(rejected_rows(WEATHER, staged), expected_rejected)


def test_count_days_counts_by_partition_and_silver_rows_by_their_date(spark: SparkSession) -> None:
    """Lines, valid and rejected by the bronze partition (source_date); silver rows by the
    table's date column; and each partition's raw shape profile for the contract check."""
    text, number = '{"trip_id":"string"}', '{"trip_id":"number"}'
    staged = spark.createDataFrame(
        [
            (DAY, text, None, True, DAY),
            (DAY, text, None, False, DAY),  # an older version of the same trip
            (DAY, number, "invalid_value:trip_id", False, None),
            (DAY, None, "unparseable_json", False, None),
            (NEXT_DAY, text, None, True, NEXT_DAY),
        ],
        "source_date date, shape string, reason string, is_latest boolean, pickup_date date",
    )
    counts, profiles = count_days(TRIPS, staged, [DAY, NEXT_DAY, date(2024, 3, 7)])
    assert counts == {
        DAY: {"lines": 4, "valid": 2, "rejected": 2, "silver": 1},
        NEXT_DAY: {"lines": 1, "valid": 1, "rejected": 0, "silver": 1},
        date(2024, 3, 7): {"lines": 0, "valid": 0, "rejected": 0, "silver": 0},
    }
    assert profiles == {DAY: {"trip_id": {"string": 2, "number": 1}}, NEXT_DAY: {"trip_id": {"string": 1}}, date(2024, 3, 7): {}}


def test_reconcile_gives_each_days_result() -> None:
    counts = {DAY: {"lines": 5, "valid": 4, "rejected": 1, "silver": 3}, NEXT_DAY: {"lines": 0, "valid": 0, "rejected": 0, "silver": 0}}
    manifests = {DAY: {"objects": [{"name": "part-00000.json.gz", "records": 5}]}, NEXT_DAY: {"objects": []}}
    assert reconcile(TRIPS, 2, manifests, counts) == [
        DayResult("trips", "2024-03-05", bronze_records=5, silver_rows=3, rejected=1, duplicates_removed=1, contract_version=2),
        DayResult("trips", "2024-03-06", bronze_records=0, silver_rows=0, rejected=0, duplicates_removed=0, contract_version=2),
    ]


def test_reconcile_refuses_lines_that_differ_from_the_manifest() -> None:
    counts = {DAY: {"lines": 4, "valid": 4, "rejected": 0, "silver": 4}}
    with pytest.raises(ReconciliationError, match="bronze objects hold 4 lines but the manifest declares 5"):
        reconcile(TRIPS, 1, {DAY: {"objects": [{"name": "part-00000.json.gz", "records": 5}]}}, counts)


def test_reconcile_refuses_silver_rows_dated_outside_the_batch() -> None:
    counts = {DAY: {"lines": 1, "valid": 1, "rejected": 0, "silver": 0}, NEXT_DAY: {"lines": 0, "valid": 0, "rejected": 0, "silver": 1}}
    with pytest.raises(ReconciliationError, match=r"silver rows dated \[datetime.date\(2024, 3, 6\)\] came from other days' partitions"):
        reconcile(TRIPS, 1, {DAY: {"objects": [{"name": "part-00000.json.gz", "records": 1}]}}, counts)


def test_the_comparison_sees_a_difference(spark: SparkSession) -> None:
    """support.assert_dataframe_equal hides pyarrow from pyspark.testing: it still compares."""
    from pyspark.errors import PySparkAssertionError

    one, other = spark.createDataFrame([(1,)], "n int"), spark.createDataFrame([(2,)], "n int")
    with pytest.raises(PySparkAssertionError):
        assert_dataframe_equal(one, other)
