"""The warm driver's warm-up: generated trips in the source's shape that silver's own rules
take as the generator means them (so the warm-up runs the paths a real day runs: valid rows,
rejections and duplicates), and a warm-up that touches no table."""
from datetime import date

from pyspark.sql import SparkSession

from lakehouse.silver.transform import rejected_rows, silver_rows, stage
from lakehouse.silver.trips import TRIPS
from lakehouse.silver.warmup import generated_trips, warm_up


def test_generated_trips_are_valid_but_for_the_negative_fares_and_repeated_ids(spark: SparkSession):
    staged = stage(TRIPS, generated_trips(spark, 1000, date(2024, 3, 5)))
    rejected = rejected_rows(TRIPS, staged)
    # Every 50th trip (i = 0, 50, …, 950) has a negative fare; every 100th from 7 repeats the one before it.
    assert sorted(r.reason for r in rejected.select("reason").collect()) == ["negative_amount:fare"] * 20
    assert silver_rows(TRIPS, staged).count() == 1000 - 20 - 10


def test_a_warm_up_counts_its_trips_and_writes_no_table(spark: SparkSession):
    tables = {t.name for t in spark.catalog.listTables()}
    counts = warm_up(spark, rounds=1, trips=500)
    assert counts["lines"] == 500 and counts["rejected"] == 10 and counts["silver"] == 500 - 10 - 5
    assert {t.name for t in spark.catalog.listTables()} == tables
