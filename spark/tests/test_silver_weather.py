"""Silver weather rules on tiny DataFrames of Open-Meteo-shaped responses."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakehouse.silver import weather

DAY = "2024-03-05"


def response(day: str = DAY, **daily: object) -> str:
    values = {"time": [day], "temperature_2m_max": [10.2], "temperature_2m_min": [2.1], "precipitation_sum": [0.4],
              "snowfall_sum": [0.0], "wind_speed_10m_max": [18.3]}
    values.update({k: v for k, v in daily.items()})
    return json.dumps({"latitude": 41.88, "longitude": -87.63, "timezone": "America/Chicago",
                       "daily_units": {"temperature_2m_max": "°C"}, "daily": {k: v for k, v in values.items() if v is not None}})


def clean(spark: SparkSession, *raw: str):
    lines = spark.createDataFrame([(r, "part-00000.json", i) for i, r in enumerate(raw)], "raw_line string, source_file string, source_order long")
    checked = weather.check_weather(lines, F.to_date(F.lit(DAY)))
    valid = checked.where("reason is null")
    return weather.to_silver(weather.deduplicate(valid)), weather.to_rejected(checked, F.to_date(F.lit(DAY)))


def test_a_day_becomes_one_typed_row(spark: SparkSession) -> None:
    silver, rejected = clean(spark, response())
    row = silver.collect()[0]
    assert rejected.count() == 0
    assert (row.weather_date, row.temperature_max_c, row.precipitation_mm) == (date(2024, 3, 5), Decimal("10.2"), Decimal("0.4"))


def test_each_rule_names_its_reason(spark: SparkSession) -> None:
    cases = {
        "{not json": "unparseable_json",
        response(temperature_2m_max=None): "missing_field:daily.temperature_2m_max",
        response(temperature_2m_min=[12.0]): "min_above_max_temperature",
        response(temperature_2m_max=[99.0]): "absurd_value:temperature",
        response(precipitation_sum=[-1.0]): "absurd_value:precipitation",
        response(day="2024-03-04"): "date_outside_partition_day",
        response(time=[DAY, "2024-03-06"]): "not_one_day",
        response(day="March 5"): "invalid_value:daily.time",
    }
    _, rejected = clean(spark, *cases)
    found = {r.raw_line: r.reason for r in rejected.collect()}
    assert found == cases


def test_a_refetched_day_keeps_the_last_response(spark: SparkSession) -> None:
    silver, _ = clean(spark, response(temperature_2m_max=[10.2]), response(temperature_2m_max=[11.0]))
    assert [r.temperature_max_c for r in silver.collect()] == [Decimal("11.0")]
