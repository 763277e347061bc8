"""Pure transformations of raw taxi-trip lines into silver rows and rejected records.

Time zone rule: the source's timestamps are local wall-clock times in America/Chicago with
no offset (as the Chicago open-data API serves them). Silver stores `pickup_at` and
`dropoff_at` as UTC instants and `pickup_date` as the local calendar day, which is also the
bronze partition the record came from.

Every function takes and returns DataFrames; nothing here reads or writes storage.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse.silver import dedupe
from lakehouse.silver.raw import line_checks, not_text, parse_lines

SOURCE_TIME_ZONE = "America/Chicago"
# Chicago's 77 community areas; an area outside them is an unknown zone id.
COMMUNITY_AREAS = (1, 77)
MONEY = "decimal(10,2)"
# Amounts are read wide first, so that 1e12 is judged an absurd fare rather than an unreadable
# one; 18 digits keep the decimal in a long (fast) and still hold any amount a feed could mean.
WIDE_MONEY = "decimal(18,2)"
TIMESTAMP_TEXT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$"
MONEY_FIELDS = ("fare", "tips", "tolls", "extras", "trip_total")
# Limits beyond which a value is an error of the feed, not a real trip.
MAX_FARE = 1000
MAX_TRIP_TOTAL = 2000
MAX_MILES = 300
MAX_SECONDS = 24 * 3600
MAX_MPH = 100
TOTAL_TOLERANCE = 0.05
NATURAL_KEY = ("trip_id",)
TEXT_FIELDS = ("trip_id", "taxi_id", "payment_type", "company")
REQUIRED = ("trip_id", "taxi_id", "trip_start_timestamp", "trip_end_timestamp", "fare", "trip_total")

SILVER_COLUMNS = (
    "trip_id", "taxi_id", "pickup_at", "dropoff_at", "pickup_date", "trip_seconds", "trip_miles",
    "pickup_community_area", "dropoff_community_area", "fare", "tips", "tolls", "extras",
    "trip_total", "payment_type", "company", "source_file",
)


RAW_FIELDS = ("trip_id", "taxi_id", "trip_start_timestamp", "trip_end_timestamp", "trip_seconds", "trip_miles",
              "pickup_community_area", "dropoff_community_area", *MONEY_FIELDS, "payment_type", "company")
# Every field read as text, whatever its JSON type (a number keeps its digits as sent). Spark's
# JSON reader fills a struct in one streaming pass: several times cheaper than one variant
# lookup per field (each builds a cast expression per row in Spark 4.1).
RAW_SCHEMA = "struct<" + ", ".join(f"`{f}`: string" for f in RAW_FIELDS) + ">"


def _raw(field: str) -> Column:
    """The raw value as trimmed text (numbers and strings alike); NULL when absent or empty."""
    value = F.trim(F.col("raw_fields")[field])
    return F.when(value == "", F.lit(None)).otherwise(value)


def _local_timestamp(raw: Column) -> Column:
    """The source's local wall-clock time: `yyyy-MM-ddTHH:mm:ss[.fff]` (or a space for the T).

    Spark's cast parses ISO timestamps without a formatter, several times faster than
    to_timestamp; the pattern keeps out what the cast would also take (a bare date, an offset).
    """
    return F.when(raw.rlike(TIMESTAMP_TEXT), raw.try_cast("timestamp"))


def type_trips(parsed: DataFrame) -> DataFrame:
    """Raw text columns `raw_<field>` and their typed values, side by side."""
    with_fields = parsed.withColumn("raw_fields", F.from_json("raw_line", RAW_SCHEMA))
    df = with_fields.select("*", *[_raw(f).alias(f"raw_{f}") for f in RAW_FIELDS])
    pickup_local = _local_timestamp(F.col("raw_trip_start_timestamp"))
    dropoff_local = _local_timestamp(F.col("raw_trip_end_timestamp"))
    typed = df.select(
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
        *[F.col(f"raw_{m}").try_cast(WIDE_MONEY).alias(f"amount_{m}") for m in MONEY_FIELDS],
        F.col("raw_payment_type").alias("payment_type"),
        F.col("raw_company").alias("company"),
    )
    return typed.select("*", *[F.col(f"amount_{m}").try_cast(MONEY).alias(m) for m in MONEY_FIELDS])


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
    checks: list[tuple[Column, Column | str]] = [*line_checks()]
    checks += [(F.col(f"raw_{f}").isNull(), f"missing_field:{f}") for f in REQUIRED]
    checks += [(not_text(f), f"invalid_value:{f}") for f in TEXT_FIELDS]
    invalid = {
        "trip_start_timestamp": F.col("pickup_at"), "trip_end_timestamp": F.col("dropoff_at"),
        "trip_seconds": F.col("trip_seconds"), "trip_miles": F.col("trip_miles"),
        "pickup_community_area": F.col("pickup_community_area"),
        "dropoff_community_area": F.col("dropoff_community_area"),
    }
    checks += [(F.col(f"raw_{f}").isNotNull() & typed_col.isNull(), f"invalid_value:{f}") for f, typed_col in invalid.items()]
    # Amounts are judged read wide: 1e12 is an absurd fare, not an unreadable one, even though
    # it does not fit the silver decimal.
    amount = {m: F.col(f"amount_{m}") for m in MONEY_FIELDS}
    checks += [(F.col(f"raw_{m}").isNotNull() & amount[m].isNull(), f"invalid_value:{m}") for m in MONEY_FIELDS]
    checks += [(amount[m] < 0, f"negative_amount:{m}") for m in MONEY_FIELDS]
    checks += [
        (amount["fare"] > MAX_FARE, "absurd_amount:fare"),
        (amount["trip_total"] > MAX_TRIP_TOTAL, "absurd_amount:trip_total"),
        (F.abs(F.coalesce(F.col("fare"), F.lit(0)) + F.coalesce(F.col("tips"), F.lit(0)) + F.coalesce(F.col("tolls"), F.lit(0))
               + F.coalesce(F.col("extras"), F.lit(0)) - F.col("trip_total")) > TOTAL_TOLERANCE, "total_mismatch"),
        (F.col("dropoff_at") <= F.col("pickup_at"), "dropoff_not_after_pickup"),
        ((F.col("trip_seconds") < 0) | (F.col("trip_seconds") > MAX_SECONDS), "implausible_duration"),
        # The reported duration can be plausible while the timestamps are not.
        (F.col("dropoff_at").cast("long") - F.col("pickup_at").cast("long") > MAX_SECONDS, "implausible_duration"),
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


def deduplicate(valid: DataFrame) -> DataFrame:
    """One row per natural key (`trip_id`): the version sent last wins (lakehouse.silver.dedupe)."""
    return dedupe.deduplicate(valid, NATURAL_KEY)


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
