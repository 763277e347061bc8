"""Chicago taxi trips in silver: the pure transformations of raw lines into typed records with
their reject reasons, and the table they fill.

Longer than ~250 lines on purpose: one dataset's rules, each with the reason it exists, its
daylight-saving readings and its table change together, and apart a rule would lose its why.

Time zone rule: the source's timestamps are local wall-clock times in America/Chicago with
no offset (as the Chicago open-data API serves them). Silver stores `pickup_at` and
`dropoff_at` as UTC instants (TIMESTAMP, i.e. with time zone, in a UTC session) and
`pickup_date` as the local calendar day of the start stamp, which is also the bronze partition
the record came from (the connector asks for one local day of `trip_start_timestamp`): a trip
over midnight belongs to the day it started.

The real feed's stamps are coarse. The dataset's field descriptions: Trip Start Timestamp "When
the trip started, rounded to the nearest 15 minutes."; Trip End Timestamp "When the trip ended,
rounded to the nearest 15 minutes."; Trip Seconds "Time of the trip in seconds.". So a short
trip often has equal stamps, and its duration is `trip_seconds`; the stamps only bound it.
On daylight-saving days a wall-clock stamp can mean two instants (see `_readings`).

The functions take and return DataFrames; nothing here reads or writes storage. TRIPS, at the
end, is what the silver job needs to know of the dataset: its table, rules and contract.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse.silver.contract import load_contract
from lakehouse.silver.raw import line_checks, not_text, parse_lines
from lakehouse.silver.rules import MONEY, WIDE_MONEY, Check, first_reason, let, local_timestamp, missing_fields
from lakehouse.silver.spec import TABLE_PROPERTIES, DatasetSpec

SOURCE_TIME_ZONE = "America/Chicago"
# Chicago's 77 community areas; an area outside them is an unknown zone id.
COMMUNITY_AREAS = (1, 77)
MONEY_FIELDS = ("fare", "tips", "tolls", "extras", "trip_total")
# Limits beyond which a value is an error of the feed, not a real trip.
MAX_FARE = 1000
MAX_TRIP_TOTAL = 2000
MAX_MILES = 300
MAX_SECONDS = 24 * 3600
MAX_MPH = 100
# Each stamp is within half a step of the true time ("rounded to the nearest 15 minutes"), so
# the true duration is within one step of the stamps' difference. Any consistent rounding to a
# 15-minute grid (nearest, down or up) keeps that bound, so it needs no guess about the city's.
STAMP_STEP_SECONDS = 15 * 60
TOTAL_TOLERANCE = 0.05
TEXT_FIELDS = ("trip_id", "taxi_id", "payment_type", "company")

# silver.trips, column by column: the table's DDL and the rows the job writes.
TABLE_COLUMNS = {
    "trip_id": "STRING NOT NULL COMMENT 'natural key (source trip id)'",
    "taxi_id": "STRING NOT NULL COMMENT 'the taxi: the driver dimension of gold'",
    "pickup_at": "TIMESTAMP NOT NULL COMMENT 'UTC'",
    "dropoff_at": "TIMESTAMP NOT NULL COMMENT 'UTC'",
    "pickup_date": "DATE NOT NULL COMMENT 'local (America/Chicago) day of pickup; the bronze partition'",
    "trip_seconds": "INT",
    "trip_miles": "DECIMAL(8,2)",
    "pickup_community_area": "INT",
    "dropoff_community_area": "INT",
    "fare": "DECIMAL(10,2) NOT NULL",
    "tips": "DECIMAL(10,2)",
    "tolls": "DECIMAL(10,2)",
    "extras": "DECIMAL(10,2)",
    "trip_total": "DECIMAL(10,2) NOT NULL",
    "payment_type": "STRING",
    "company": "STRING",
    "source_file": "STRING NOT NULL",
}
TABLE_LAYOUT = f"USING iceberg PARTITIONED BY (pickup_date)\nTBLPROPERTIES ({TABLE_PROPERTIES}, 'write.distribution-mode'='hash')"
SILVER_COLUMNS = tuple(TABLE_COLUMNS)

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


def _readings(local: Column, picked: Column) -> tuple[Column, Column]:
    """The earliest and latest UTC instant a local America/Chicago wall-clock time can mean.

    They are one instant, except on the two daylight-saving days: when the clocks fall back
    (2024-11-03) 01:00–01:59 happens twice, an hour apart (CDT, then CST); when they spring
    forward (2024-03-10) 02:00–02:59 never happens, and such a stamp is read with either offset
    (the one before the change gives the later instant). A stamp rounded to the nearest 15
    minutes can be 02:00 that day (a trip at 01:53 CST), which means 03:00 CDT.

    Spark's `to_utc_timestamp` reads a repeated time as its first occurrence and a skipped one
    with the offset before the change (java.time's ZonedDateTime.ofLocal); the other reading is
    an hour away (Chicago's shifts are one hour). DuckDB's default differs (the second
    occurrence), so bench/duckdb/silver_trips.sql finds both readings whichever it picked.
    `local` is the wall clock as a UTC-session timestamp (settings.py: session time zone UTC),
    `picked` its `to_utc_timestamp`.
    """
    hour = F.expr("INTERVAL 1 HOUR")
    # Skipped: the picked instant reads back as the stamp plus the skipped hour.
    earliest = F.when(F.from_utc_timestamp(picked, SOURCE_TIME_ZONE) != local, picked - hour).otherwise(picked)
    # Repeated: an hour later reads back as the same stamp.
    latest = F.when(F.from_utc_timestamp(picked + hour, SOURCE_TIME_ZONE) == local, picked + hour).otherwise(picked)
    return earliest, latest


def _best_instants(pickup_local: Column, dropoff_local: Column, seconds: Column) -> Column:
    """struct(pickup_at, dropoff_at): the readings of the two stamps (`_readings`) that fit the
    trip best. A trip cannot end before it starts, so a pair of readings that does is out; of
    the others, the pair whose length is closest to `trip_seconds` (the meter's own duration),
    or the shortest when there is no positive `trip_seconds`; on a tie, the earlier instants.
    When every pair ends before it starts, the earliest readings, and the trip is rejected
    (`dropoff_before_pickup`).

    A trip from 01:45 (CDT) to 01:00 (the second time, CST) on the fall-back day ends 15 minutes
    after it starts, not 45 before: its end stamp is read as the second 01:00.
    """
    # In order of preference on a tie: earlier pickup, then earlier dropoff.
    pairs = [("pickup_earliest", "dropoff_earliest"), ("pickup_earliest", "dropoff_latest"),
             ("pickup_latest", "dropoff_earliest"), ("pickup_latest", "dropoff_latest")]
    readings = ("pickup_earliest", "pickup_latest", "dropoff_earliest", "dropoff_latest")

    def keep(x: Column, *names: str) -> list[Column]:
        return [x[n].alias(n) for n in names]

    def picked(x: Column) -> Column:
        return F.struct(*keep(x, "pickup_local", "dropoff_local", "trip_seconds"),
                        F.to_utc_timestamp(x["pickup_local"], SOURCE_TIME_ZONE).alias("pickup_picked"),
                        F.to_utc_timestamp(x["dropoff_local"], SOURCE_TIME_ZONE).alias("dropoff_picked"))

    def with_readings(x: Column) -> Column:
        (pe, pl), (de, dl) = _readings(x["pickup_local"], x["pickup_picked"]), _readings(x["dropoff_local"], x["dropoff_picked"])
        return F.struct(*keep(x, "trip_seconds"), *[r.alias(n) for r, n in zip((pe, pl, de, dl), readings, strict=True)])

    def with_lengths(x: Column) -> Column:
        return F.struct(*keep(x, "trip_seconds", *readings),
                        *[(F.unix_micros(x[d]) - F.unix_micros(x[p])).alias(f"length_{i}") for i, (p, d) in enumerate(pairs)])

    def with_best_pair(x: Column) -> Column:
        seconds = x["trip_seconds"]

        def key(i: int) -> Column:
            # Fit times the number of pairs plus i: the least key is the best pair, ties going
            # to the lower i. NULL (which `least` skips) for a pair that ends before it starts.
            length = x[f"length_{i}"]
            fit = F.when(seconds > 0, F.abs(length - seconds.cast("long") * 1_000_000)).otherwise(length)
            return F.when(length >= 0, fit * len(pairs) + i)

        best = F.coalesce(F.least(*[key(i) for i in range(len(pairs))]) % len(pairs), F.lit(0))
        return F.struct(*keep(x, *readings), best.alias("pair"))

    def chosen(x: Column) -> Column:
        pair = x["pair"]
        return F.struct(F.when(pair >= 2, x["pickup_latest"]).otherwise(x["pickup_earliest"]).alias("pickup_at"),
                        F.when(pair % 2 == 1, x["dropoff_latest"]).otherwise(x["dropoff_earliest"]).alias("dropoff_at"))

    value = F.struct(pickup_local.alias("pickup_local"), dropoff_local.alias("dropoff_local"), seconds.alias("trip_seconds"))
    for step in (picked, with_readings, with_lengths, with_best_pair, chosen):
        value = let(value, step)
    return value


def type_trips(parsed: DataFrame) -> DataFrame:
    """Raw text columns `raw_<field>` and their typed values, side by side."""
    with_fields = parsed.withColumn("raw_fields", F.from_json("raw_line", RAW_SCHEMA))
    df = with_fields.select("*", *[_raw(f).alias(f"raw_{f}") for f in RAW_FIELDS])
    # The stamps and trip_seconds first, as columns: the instants refer to each several times.
    stamped = df.select(
        "*",
        local_timestamp(F.col("raw_trip_start_timestamp")).alias("pickup_local"),
        local_timestamp(F.col("raw_trip_end_timestamp")).alias("dropoff_local"),
        F.expr("try_cast(try_cast(raw_trip_seconds AS double) AS int)").alias("trip_seconds"),
    )
    pickup_local, dropoff_local = F.col("pickup_local"), F.col("dropoff_local")
    # Only a stamp from 01:00 to 02:59 can have two readings (US clocks change at 02:00 local):
    # the other trips skip the search, the lambdas of which Spark does not compile.
    near_change = F.hour(pickup_local).isin(1, 2) | F.hour(dropoff_local).isin(1, 2)
    instants = F.when(near_change, _best_instants(pickup_local, dropoff_local, F.col("trip_seconds"))).otherwise(F.struct(
        F.to_utc_timestamp(pickup_local, SOURCE_TIME_ZONE).alias("pickup_at"),
        F.to_utc_timestamp(dropoff_local, SOURCE_TIME_ZONE).alias("dropoff_at"),
    ))
    typed = stamped.withColumn("instants", instants).select(
        "*",
        F.col("raw_trip_id").alias("trip_id"),
        F.col("raw_taxi_id").alias("taxi_id"),
        F.col("instants.pickup_at").alias("pickup_at"),
        F.col("instants.dropoff_at").alias("dropoff_at"),
        F.to_date("pickup_local").alias("pickup_date"),
        F.expr("try_cast(raw_trip_miles AS decimal(8,2))").alias("trip_miles"),
        F.expr("try_cast(try_cast(raw_pickup_community_area AS double) AS int)").alias("pickup_community_area"),
        F.expr("try_cast(try_cast(raw_dropoff_community_area AS double) AS int)").alias("dropoff_community_area"),
        *[F.col(f"raw_{m}").try_cast(WIDE_MONEY).alias(f"amount_{m}") for m in MONEY_FIELDS],
        F.col("raw_payment_type").alias("payment_type"),
        F.col("raw_company").alias("company"),
    )
    return typed.select("*", *[F.col(f"amount_{m}").try_cast(MONEY).alias(m) for m in MONEY_FIELDS])


def with_reject_reason(typed: DataFrame, partition_date: Column, required: tuple[str, ...]) -> DataFrame:
    """Adds `reason`: why the record cannot enter silver (NULL for a valid record).

    Checks run in order and the first failure names the record's reason. `required` is the
    contract's: the raw fields a record must carry.
    """
    checks: list[Check] = [*line_checks()]
    checks += missing_fields(required, {f: F.col(f"raw_{f}") for f in RAW_FIELDS}).values()
    checks += [(not_text(f), f"invalid_value:{f}") for f in TEXT_FIELDS]
    invalid = {
        # The local stamps, not the instants (NULL alike): fewer uses of the instants' expression.
        "trip_start_timestamp": F.col("pickup_local"), "trip_end_timestamp": F.col("dropoff_local"),
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
        # Rounding keeps order (a trip that ends after it starts never gets an end stamp before
        # its start stamp), so an end before the start is an error of the feed, never rounding;
        # the daylight-saving readings were already tried (`_best_instants`).
        (F.col("dropoff_at") < F.col("pickup_at"), "dropoff_before_pickup"),
        # Equal stamps are a short trip when the meter timed it. With no positive trip_seconds
        # nothing in the record shows that any time passed: a zero is the meter not timing the
        # trip (a flag pull with no miles, most of them in the real sample) and an absent one is
        # a null (the API leaves nulls out), so the record cannot be told from a meter started
        # and stopped at once. Unequal stamps without trip_seconds stay: the stamps show time.
        ((F.col("dropoff_at") == F.col("pickup_at")) & (F.coalesce(F.col("trip_seconds"), F.lit(0)) == 0), "zero_duration"),
        ((F.col("trip_seconds") < 0) | (F.col("trip_seconds") > MAX_SECONDS), "implausible_duration"),
        # The reported duration can be plausible while the timestamps are not.
        (F.col("dropoff_at").cast("long") - F.col("pickup_at").cast("long") > MAX_SECONDS, "implausible_duration"),
        # Leniently: only a trip_seconds the rounded stamps cannot allow (more than one 15-minute
        # step from their difference), which means one of the two is wrong, as total_mismatch
        # means for the amounts. A zero or absent trip_seconds is not a duration and is not checked.
        ((F.col("trip_seconds") > 0)
         & (F.abs(F.unix_micros(F.col("dropoff_at")) - F.unix_micros(F.col("pickup_at")) - F.col("trip_seconds").cast("long") * 1_000_000)
            > STAMP_STEP_SECONDS * 1_000_000), "duration_mismatch"),
        (F.col("trip_miles") > MAX_MILES, "implausible_distance"),
        ((F.col("trip_miles") < 0), "implausible_distance"),
        ((F.col("trip_seconds") > 0) & (F.col("trip_miles") / (F.col("trip_seconds") / 3600.0) > MAX_MPH), "implausible_speed"),
        (F.col("pickup_date") != partition_date, "pickup_outside_partition_day"),
    ]
    lo, hi = COMMUNITY_AREAS
    # An absent area is valid: "This column will be blank for locations outside Chicago."
    for side in ("pickup", "dropoff"):
        area = F.col(f"{side}_community_area")
        checks.append((area.isNotNull() & ((area < lo) | (area > hi)), f"unknown_zone:{side}_community_area"))
    return typed.withColumn("reason", first_reason(checks))


def check_trips(lines: DataFrame, partition_date: Column, required: tuple[str, ...]) -> DataFrame:
    """Every line typed and given its reject reason (NULL when valid). `partition_date` is the
    day of the bronze partition each line came from (the job's `source_date`)."""
    return with_reject_reason(type_trips(parse_lines(lines)), partition_date, required)


TRIPS = DatasetSpec(
    name="trips",
    columns=TABLE_COLUMNS,
    layout=TABLE_LAYOUT,
    date_column="pickup_date",
    check=check_trips,
    contract=load_contract("trips"),
    # A rejected record keeps the trip id it was sent with, when it has one.
    rejected_extra={"trip_id": ("raw_trip_id", "STRING")},
    # 15 days of ~100k trips a day is ~1.5M records, which the window's sort still holds in a 3 GB
    # driver's memory (30 days spilled 670 MB). A month in two batches instead of five saved
    # ~10 s of per-batch costs (counts, three commits, markers, driver gaps) of ~110.
    batch_days=15,
)
