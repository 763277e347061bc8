"""Pure transformations of raw daily-weather responses into silver weather rows.

A raw record is Open-Meteo's answer to a one-day query: `daily` holds arrays with one
element (`time[0]` is the local date). Units are the API's defaults: °C, mm, cm, km/h.

WEATHER (Chicago's) and NYC_WEATHER, at the end, are what the silver job needs to know of the
two datasets: one set of rules and one contract, a table each.
"""
from __future__ import annotations

from dataclasses import replace

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse.silver.contract import load_contract
from lakehouse.silver.raw import line_checks, parse_lines
from lakehouse.silver.rules import Check, first_reason, missing_fields
from lakehouse.silver.spec import TABLE_PROPERTIES, DatasetSpec

# silver.weather (and silver.nyc_weather), column by column: the table's DDL and the rows the job writes.
TABLE_COLUMNS = {
    "weather_date": "DATE NOT NULL COMMENT 'local day'",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "temperature_max_c": "DECIMAL(6,1) NOT NULL",
    "temperature_min_c": "DECIMAL(6,1) NOT NULL",
    "precipitation_mm": "DECIMAL(6,1)",
    "snowfall_cm": "DECIMAL(6,1)",
    "wind_speed_max_kmh": "DECIMAL(6,1)",
    "source_file": "STRING NOT NULL",
}
TABLE_LAYOUT = f"USING iceberg PARTITIONED BY (years(weather_date))\nTBLPROPERTIES ({TABLE_PROPERTIES})"
SILVER_COLUMNS = tuple(TABLE_COLUMNS)
MEASURES = {
    "temperature_max_c": "temperature_2m_max",
    "temperature_min_c": "temperature_2m_min",
    "precipitation_mm": "precipitation_sum",
    "snowfall_cm": "snowfall_sum",
    "wind_speed_max_kmh": "wind_speed_10m_max",
}
# Beyond these a reading is a sensor or feed error, not Chicago weather.
TEMPERATURE_RANGE = (-60.0, 60.0)
MAX_DAILY_PRECIPITATION_MM = 500.0
MAX_WIND_KMH = 300.0


def _daily(field: str, cast: str) -> Column:
    return F.expr(f"try_cast(try_variant_get(v, '$.daily.{field}[0]', 'string') AS {cast})")


def check_weather(lines: DataFrame, partition_date: Column, required: tuple[str, ...]) -> DataFrame:
    """Every line parsed, typed and given its reject reason (NULL when valid).

    `required` is the contract's, as paths into the answer (`daily.time`): a required value
    that is absent, null or not a number where one is due is `missing_field`.
    """
    # The measures are nested (`daily.<field>[0]`): read from the line as a VARIANT, which
    # costs nothing that matters at one record a day.
    df = parse_lines(lines).withColumn("v", F.expr("try_parse_json(raw_line)"))
    df = df.select(
        "*",
        F.expr("try_variant_get(v, '$.daily.time[0]', 'string')").alias("raw_date"),
        F.expr("try_cast(try_variant_get(v, '$.daily.time[0]', 'string') AS date)").alias("weather_date"),
        F.expr("size(try_variant_get(v, '$.daily.time', 'array<string>'))").alias("days_in_record"),
        F.expr("try_variant_get(v, '$.latitude', 'double')").alias("latitude"),
        F.expr("try_variant_get(v, '$.longitude', 'double')").alias("longitude"),
        *[_daily(api, "decimal(6,1)").alias(name) for name, api in MEASURES.items()],
    )
    lo, hi = TEMPERATURE_RANGE
    values = {"daily.time": F.col("raw_date"), **{f"daily.{api}": F.col(name) for name, api in MEASURES.items()}}
    missing = missing_fields(required, values)
    # The date is judged whole (present, a date, one day) before any measure.
    date_missing = [missing.pop("daily.time")] if "daily.time" in missing else []
    high, low = F.col("temperature_max_c"), F.col("temperature_min_c")
    checks: list[Check] = [
        *line_checks(),
        *date_missing,
        (F.col("weather_date").isNull(), "invalid_value:daily.time"),
        (F.col("days_in_record") != 1, "not_one_day"),
        *missing.values(),
        ((high < lo) | (high > hi) | (low < lo) | (low > hi), "absurd_value:temperature"),
        (low > high, "min_above_max_temperature"),
        ((F.col("precipitation_mm") < 0) | (F.col("precipitation_mm") > MAX_DAILY_PRECIPITATION_MM), "absurd_value:precipitation"),
        (F.col("snowfall_cm") < 0, "absurd_value:snowfall"),
        ((F.col("wind_speed_max_kmh") < 0) | (F.col("wind_speed_max_kmh") > MAX_WIND_KMH), "absurd_value:wind_speed"),
        (F.col("weather_date") != partition_date, "date_outside_partition_day"),
    ]
    return df.withColumn("reason", first_reason(checks))


WEATHER = DatasetSpec(
    name="weather",
    columns=TABLE_COLUMNS,
    layout=TABLE_LAYOUT,
    date_column="weather_date",
    check=check_weather,
    # Its natural key is the day: the answer fetched last wins (a refetch corrects a provisional day).
    contract=load_contract("weather"),
    merge_key="weather_date",
    # One record a day: a year is one batch. Weekly batches spent 2.4 min of a year's backfill
    # on 53 batches' fixed costs for 365 records.
    batch_days=366,
)

# New York's weather (for NYC TLC's marts): the same Open-Meteo answer for another city, so
# the same rules and contract; a dataset and tables of its own, since both tables are one row a
# day and ingesting one city's day must not replace the other's.
NYC_WEATHER = replace(WEATHER, name="nyc_weather")
