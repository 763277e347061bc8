"""Pure transformations of raw taxi-trip lines into silver rows and rejected records.

Time zone rule: the source's timestamps are local wall-clock times in America/Chicago with
no offset (as the Chicago open-data API serves them). Silver stores `pickup_at` and
`dropoff_at` as UTC instants and `pickup_date` as the local calendar day, which is also the
bronze partition the record came from.

Every function takes and returns DataFrames; nothing here reads or writes storage.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

SOURCE_TIME_ZONE = "America/Chicago"
# Chicago's 77 community areas; an area outside them is an unknown zone id.
COMMUNITY_AREAS = (1, 77)
MONEY = "decimal(10,2)"
MONEY_FIELDS = ("fare", "tips", "tolls", "extras", "trip_total")
# Limits beyond which a value is an error of the feed, not a real trip.
MAX_FARE = 1000
MAX_TRIP_TOTAL = 2000
MAX_MILES = 300
MAX_SECONDS = 24 * 3600
MAX_MPH = 100
TOTAL_TOLERANCE = 0.05
REQUIRED = ("trip_id", "taxi_id", "trip_start_timestamp", "trip_end_timestamp", "fare", "trip_total")

SILVER_COLUMNS = (
    "trip_id", "taxi_id", "pickup_at", "dropoff_at", "pickup_date", "trip_seconds", "trip_miles",
    "pickup_community_area", "dropoff_community_area", "fare", "tips", "tolls", "extras",
    "trip_total", "payment_type", "company", "source_file",
)
REJECTED_COLUMNS = ("source_date", "source_file", "raw_line", "reason", "trip_id")


def parse_lines(lines: DataFrame) -> DataFrame:
    """Adds `v`, the line parsed as JSON (VARIANT), NULL when the line is not valid JSON."""
    return lines.withColumn("v", F.expr("try_parse_json(raw_line)"))


def _raw(field: str) -> Column:
    """The raw value as trimmed text (numbers and strings alike); NULL when absent or empty."""
    value = F.trim(F.expr(f"try_variant_get(v, '$.{field}', 'string')"))
    return F.when(value == "", F.lit(None)).otherwise(value)


def _local_timestamp(raw: Column) -> Column:
    return F.coalesce(
        F.try_to_timestamp(raw, F.lit("yyyy-MM-dd'T'HH:mm:ss.SSS")),
        F.try_to_timestamp(raw, F.lit("yyyy-MM-dd'T'HH:mm:ss")),
        F.try_to_timestamp(raw, F.lit("yyyy-MM-dd HH:mm:ss")),
    )


def type_trips(parsed: DataFrame) -> DataFrame:
    """Raw text columns `raw_<field>` and their typed values, side by side."""
    fields = ("trip_id", "taxi_id", "trip_start_timestamp", "trip_end_timestamp", "trip_seconds", "trip_miles",
              "pickup_community_area", "dropoff_community_area", *MONEY_FIELDS, "payment_type", "company")
    df = parsed.select("*", *[_raw(f).alias(f"raw_{f}") for f in fields])
    pickup_local = _local_timestamp(F.col("raw_trip_start_timestamp"))
    dropoff_local = _local_timestamp(F.col("raw_trip_end_timestamp"))
    return df.select(
        "*",
        F.col("raw_trip_id").alias("trip_id"),
        F.col("raw_taxi_id").alias("taxi_id"),
        pickup_local.alias("pickup_local"),
        F.to_utc_timestamp(pickup_local, SOURCE_TIME_ZONE).alias("pickup_at"),
        F.to_utc_timestamp(dropoff_local, SOURCE_TIME_ZONE).alias("dropoff_at"),
        F.to_date(pickup_local).alias("pickup_date"),
        F.expr("try_cast(try_cast(raw_trip_seconds AS double) AS int)").alias("trip_seconds"),
        F.expr("try_cast(raw_trip_miles AS decimal(8,2))").alias("trip_miles"),
        F.expr("try_cast(try_cast(raw_pickup_community_area AS double) AS int)").alias("pickup_community_area"),
        F.expr("try_cast(try_cast(raw_dropoff_community_area AS double) AS int)").alias("dropoff_community_area"),
        *[F.expr(f"try_cast(raw_{m} AS {MONEY})").alias(m) for m in MONEY_FIELDS],
        F.col("raw_payment_type").alias("payment_type"),
        F.col("raw_company").alias("company"),
    )


def _first_reason(checks: list[tuple[Column, Column | str]]) -> Column:
    """The reason of the first failing check, or NULL when every check passes."""
    expr = None
    for failed, reason in reversed(checks):
        value = reason if isinstance(reason, Column) else F.lit(reason)
        expr = F.when(failed, value) if expr is None else F.when(failed, value).otherwise(expr)
    return expr


def with_reject_reason(typed: DataFrame, partition_date: Column) -> DataFrame:
    """Adds `reason`: why the record cannot enter silver (NULL for a valid record).

    Checks run in order and the first failure names the record's reason.
    """
    checks: list[tuple[Column, Column | str]] = [
        (F.col("v").isNull(), "unparseable_json"),
        (~F.expr("schema_of_variant(v) LIKE 'OBJECT%'"), "not_a_json_object"),
    ]
    checks += [(F.col(f"raw_{f}").isNull(), f"missing_field:{f}") for f in REQUIRED]
    invalid = {
        "trip_start_timestamp": F.col("pickup_at"), "trip_end_timestamp": F.col("dropoff_at"),
        "trip_seconds": F.col("trip_seconds"), "trip_miles": F.col("trip_miles"),
        "pickup_community_area": F.col("pickup_community_area"),
        "dropoff_community_area": F.col("dropoff_community_area"),
    }
    checks += [(F.col(f"raw_{f}").isNotNull() & typed_col.isNull(), f"invalid_value:{f}") for f, typed_col in invalid.items()]
    # Amounts are judged as numbers first: 1e12 is an absurd fare, not an unreadable one,
    # even though it does not fit the silver decimal.
    amount = {m: F.expr(f"try_cast(raw_{m} AS double)") for m in MONEY_FIELDS}
    checks += [(F.col(f"raw_{m}").isNotNull() & amount[m].isNull(), f"invalid_value:{m}") for m in MONEY_FIELDS]
    checks += [(amount[m] < 0, f"negative_amount:{m}") for m in MONEY_FIELDS]
    checks += [
        (amount["fare"] > MAX_FARE, "absurd_amount:fare"),
        (amount["trip_total"] > MAX_TRIP_TOTAL, "absurd_amount:trip_total"),
        (F.abs(F.coalesce(F.col("fare"), F.lit(0)) + F.coalesce(F.col("tips"), F.lit(0)) + F.coalesce(F.col("tolls"), F.lit(0))
               + F.coalesce(F.col("extras"), F.lit(0)) - F.col("trip_total")) > TOTAL_TOLERANCE, "total_mismatch"),
        (F.col("dropoff_at") <= F.col("pickup_at"), "dropoff_not_after_pickup"),
        ((F.col("trip_seconds") < 0) | (F.col("trip_seconds") > MAX_SECONDS), "implausible_duration"),
        (F.col("trip_miles") > MAX_MILES, "implausible_distance"),
        ((F.col("trip_miles") < 0), "implausible_distance"),
        ((F.col("trip_seconds") > 0) & (F.col("trip_miles") / (F.col("trip_seconds") / 3600.0) > MAX_MPH), "implausible_speed"),
        (F.col("pickup_date") != partition_date, "pickup_outside_partition_day"),
    ]
    lo, hi = COMMUNITY_AREAS
    for side in ("pickup", "dropoff"):
        area = F.col(f"{side}_community_area")
        checks.append((area.isNotNull() & ((area < lo) | (area > hi)), f"unknown_zone:{side}_community_area"))
    return typed.withColumn("reason", _first_reason(checks))


def deduplicate(valid: DataFrame, key: tuple[str, ...] = ("trip_id",)) -> DataFrame:
    """One row per natural key: the version sent last (later file, later position) wins.

    Exact duplicates and re-sent records with the same key collapse alike. `source_order`
    orders records as the source sent them (file name, then position in the file).
    """
    latest_first = Window.partitionBy(*key).orderBy(F.col("source_file").desc(), F.col("source_order").desc())
    return valid.withColumn("_version", F.row_number().over(latest_first)).where("_version = 1").drop("_version")


def to_silver(deduped: DataFrame) -> DataFrame:
    return deduped.select(*SILVER_COLUMNS)


def to_rejected(checked: DataFrame, source_date: Column) -> DataFrame:
    return checked.where(F.col("reason").isNotNull()).select(
        source_date.alias("source_date"), "source_file", "raw_line", "reason", F.col("raw_trip_id").alias("trip_id")
    )


def check_trips(lines: DataFrame, partition_date: str | Column) -> DataFrame:
    """Every line typed and given its reject reason (NULL when valid).

    `partition_date` is the bronze partition's day: a string for one day, or a column
    (e.g. `source_date`) when lines of several days are cleaned together.
    """
    day = partition_date if isinstance(partition_date, Column) else F.to_date(F.lit(partition_date))
    return with_reject_reason(type_trips(parse_lines(lines)), day)


def clean_trips(lines: DataFrame, partition_date: str | Column) -> tuple[DataFrame, DataFrame]:
    """Raw lines (raw_line, source_file, source_order) → (silver rows, rejected records).

    lines = silver rows + rejected + duplicates removed, for every day.
    """
    day = partition_date if isinstance(partition_date, Column) else F.to_date(F.lit(partition_date))
    checked = check_trips(lines, day)
    valid = checked.where(F.col("reason").isNull())
    return to_silver(deduplicate(valid)), to_rejected(checked, day)
