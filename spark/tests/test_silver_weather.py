"""Silver weather rules on tiny DataFrames of Open-Meteo-shaped responses, through the job's
own staging (transform.stage) and the rows it writes."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from pyspark.sql import DataFrame, SparkSession

from lakehouse.silver.weather import WEATHER
from support import bronze_lines, silver_and_rejected

DAY = "2024-03-05"


def response(day: str = DAY, **daily: object) -> str:
    values = {"time": [day], "temperature_2m_max": [10.2], "temperature_2m_min": [2.1], "precipitation_sum": [0.4],
              "snowfall_sum": [0.0], "wind_speed_10m_max": [18.3]}
    values.update(daily)
    return json.dumps({"latitude": 41.88, "longitude": -87.63, "timezone": "America/Chicago",
                       "daily_units": {"temperature_2m_max": "°C"}, "daily": {k: v for k, v in values.items() if v is not None}})


def clean(spark: SparkSession, *raw: str) -> tuple[DataFrame, DataFrame]:
    """(silver rows, rejected rows) as the job writes them for these lines of the day's partition."""
    return silver_and_rejected(WEATHER, bronze_lines(spark, *raw, day=date.fromisoformat(DAY)))


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
        response(time=None): "missing_field:daily.time",
        response(temperature_2m_min=[None]): "missing_field:daily.temperature_2m_min",
        # The date is judged whole before the measures.
        response(time=[DAY, "2024-03-06"], temperature_2m_max=None): "not_one_day",
    }
    _, rejected = clean(spark, *cases)
    found = {r.raw_line: r.reason for r in rejected.collect()}
    assert found == cases


def test_a_refetched_day_keeps_the_last_response(spark: SparkSession) -> None:
    silver, _ = clean(spark, response(temperature_2m_max=[10.2]), response(temperature_2m_max=[11.0]))
    assert [r.temperature_max_c for r in silver.collect()] == [Decimal("11.0")]
