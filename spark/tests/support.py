"""Raw lines in the shape the silver job reads them, and the job's own path through them
(transform.stage, then the silver and rejected rows it writes), for the rule tests."""
from __future__ import annotations

import json
import sys
from datetime import date
from unittest import mock

from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from lakehouse.silver.bronze import LINES_SCHEMA
from lakehouse.silver.spec import DatasetSpec
from lakehouse.silver.transform import rejected_rows, silver_rows, stage

DAY = date(2024, 3, 5)


def bronze_lines(spark: SparkSession, *raw: str | dict, source_file: str = "part-00000.json", day: date = DAY) -> DataFrame:
    """Lines of one bronze object of `day`'s partition as bronze.read_lines gives them (a dict
    is sent as its JSON), in the order given."""
    rows = [(r if isinstance(r, str) else json.dumps(r), source_file, (0, i), day) for i, r in enumerate(raw)]
    return spark.createDataFrame(rows, LINES_SCHEMA)


def assert_dataframe_equal(actual: DataFrame, expected: DataFrame) -> None:
    """pyspark.testing.assertDataFrameEqual (rows in any order), with pyarrow hidden from it.

    With both pandas and pyarrow importable it imports pyspark.pandas, to accept pandas
    DataFrames too, and pyspark.pandas refuses any pandas before 2.2; Superset 6.1 pins
    pandas < 2.2 (uv.lock: 2.1.4). Comparing two Spark DataFrames needs neither."""
    with mock.patch.dict(sys.modules, {"pyarrow": None}):
        assertDataFrameEqual(actual, expected)


def silver_and_rejected(spec: DatasetSpec, lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """What the job writes for `lines`: the silver table's rows and the rejected table's."""
    staged = stage(spec, lines)
    return silver_rows(spec, staged), rejected_rows(spec, staged)


def trip(**overrides: object) -> dict:
    """A valid raw trip in the source's shape (every value a string), with overrides."""
    record = {
        "trip_id": "t1",
        "taxi_id": "taxi-a",
        "trip_start_timestamp": "2024-03-05T08:15:00.000",
        "trip_end_timestamp": "2024-03-05T08:35:00.000",
        "trip_seconds": "1200",
        "trip_miles": "5.2",
        "pickup_community_area": "8",
        "dropoff_community_area": "32",
        "fare": "15.25",
        "tips": "3.00",
        "tolls": "0.00",
        "extras": "1.00",
        "trip_total": "19.25",
        "payment_type": "Credit Card",
        "company": "Flash Cab",
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}
