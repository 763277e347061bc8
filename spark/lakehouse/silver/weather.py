"""Pure transformations of raw daily-weather responses into silver weather rows.

A raw record is Open-Meteo's answer to a one-day query: `daily` holds arrays with one
element (`time[0]` is the local date). Units are the API's defaults: °C, mm, cm, km/h.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse.silver import dedupe
from lakehouse.silver.raw import line_checks, parse_lines
from lakehouse.silver.rules import Check, first_reason

SILVER_COLUMNS = (
    "weather_date", "latitude", "longitude", "temperature_max_c", "temperature_min_c",
    "precipitation_mm", "snowfall_cm", "wind_speed_max_kmh", "source_file",
)
NATURAL_KEY = ("weather_date",)
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


def check_weather(lines: DataFrame, partition_date: Column) -> DataFrame:
    """Every line parsed, typed and given its reject reason (NULL when valid)."""
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
    high, low = F.col("temperature_max_c"), F.col("temperature_min_c")
    checks: list[Check] = [
        *line_checks(),
        (F.col("raw_date").isNull(), "missing_field:daily.time"),
        (F.col("weather_date").isNull(), "invalid_value:daily.time"),
        (F.col("days_in_record") != 1, "not_one_day"),
        (F.col("temperature_max_c").isNull(), "missing_field:daily.temperature_2m_max"),
        (F.col("temperature_min_c").isNull(), "missing_field:daily.temperature_2m_min"),
        ((high < lo) | (high > hi) | (low < lo) | (low > hi), "absurd_value:temperature"),
        (low > high, "min_above_max_temperature"),
        ((F.col("precipitation_mm") < 0) | (F.col("precipitation_mm") > MAX_DAILY_PRECIPITATION_MM), "absurd_value:precipitation"),
        (F.col("snowfall_cm") < 0, "absurd_value:snowfall"),
        ((F.col("wind_speed_max_kmh") < 0) | (F.col("wind_speed_max_kmh") > MAX_WIND_KMH), "absurd_value:wind_speed"),
        (F.col("weather_date") != partition_date, "date_outside_partition_day"),
    ]
    return df.withColumn("reason", first_reason(checks))


def deduplicate(valid: DataFrame) -> DataFrame:
    """One row per day: the response fetched last wins (a refetch corrects a provisional day)."""
    return dedupe.deduplicate(valid, NATURAL_KEY)


def to_silver(deduped: DataFrame) -> DataFrame:
    return deduped.select(*SILVER_COLUMNS)


def to_rejected(checked: DataFrame, source_date: Column) -> DataFrame:
    return checked.where(F.col("reason").isNotNull()).select(
        source_date.alias("source_date"), "source_file", "raw_line", "reason"
    )
