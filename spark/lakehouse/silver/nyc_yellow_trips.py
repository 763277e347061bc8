"""NYC TLC yellow trips in silver: the pure transformations of raw lines into typed records with
their reject reasons, and the table they fill.

Longer than ~250 lines on purpose: one dataset's rules, each with the reason it exists (and
the quirks kept on purpose), its daylight-saving readings, its natural key and its table
change together, and apart a rule would lose its why.

The raw record is one row of TLC's monthly Parquet file as src/ingest/connectors/nyc.ts
writes it: TLC's column names, numbers as JSON numbers, `tpep_pickup_datetime` and
`tpep_dropoff_datetime` as "YYYY-MM-DDTHH:MM:SS", `store_and_fwd_flag` "Y"/"N", nulls as null.
Column meanings are TLC's data dictionary for yellow trip records.

Time zone rule: TLC's stamps are the meter's local New York wall clock with no offset, to the
second. Silver stores `pickup_at` and `dropoff_at` as UTC instants and `pickup_date` as the
local calendar day of the pickup stamp, which is also the bronze partition the record came
from (the connector splits the month by that stamp's day): a trip over midnight belongs to the
day it started. On daylight-saving days a stamp can mean two instants, or none (`_readings`).

TLC has no trip id, so the natural key is `trip_key`, a digest of the whole typed record
(`_trip_key`).

The functions take and return DataFrames; nothing here reads or writes storage.
NYC_YELLOW_TRIPS, at the end, is what the silver job needs to know of the dataset.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse.silver.contract import load_contract
from lakehouse.silver.raw import line_checks, not_text, parse_lines
from lakehouse.silver.rules import MONEY, WIDE_MONEY, Check, first_reason, let, local_timestamp, missing_fields
from lakehouse.silver.spec import TABLE_PROPERTIES, DatasetSpec

SOURCE_TIME_ZONE = "America/New_York"
# TLC's taxi zone table (taxi_zone_lookup.csv) numbers its zones 1-265. 264 ("Unknown") and
# 265 ("Outside of NYC") are rows of that table: the meter did not know the place, or it was
# outside the city. Those trips happened and were paid, so they stay (gold labels them from
# the zone table); only an id the table does not have is an unknown zone.
LOCATION_IDS = (1, 265)
# Silver name → TLC field. `airport_fee` is spelt `Airport_fee` in some years' files (READ_NAMES).
MONEY_FIELDS = {
    "fare_amount": "fare_amount", "extra": "extra", "mta_tax": "mta_tax", "tip_amount": "tip_amount",
    "tolls_amount": "tolls_amount", "improvement_surcharge": "improvement_surcharge",
    "congestion_surcharge": "congestion_surcharge", "airport_fee": "airport_fee",
    "cbd_congestion_fee": "cbd_congestion_fee", "total_amount": "total_amount",
}
INTEGER_FIELDS = {
    "vendor_id": "VendorID", "passenger_count": "passenger_count", "rate_code_id": "RatecodeID",
    "pickup_location_id": "PULocationID", "dropoff_location_id": "DOLocationID", "payment_type": "payment_type",
}
# Limits beyond which a value is an error of the meter or the feed, not a real trip (as for
# Chicago: trips.py). A negotiated fare to another state stays well below them.
MAX_FARE = 1000
MAX_TOTAL = 2000
MAX_MILES = 300
MAX_SECONDS = 24 * 3600
MAX_MPH = 100

RAW_FIELDS = ("VendorID", "tpep_pickup_datetime", "tpep_dropoff_datetime", "passenger_count", "trip_distance",
              "RatecodeID", "store_and_fwd_flag", "PULocationID", "DOLocationID", "payment_type", "fare_amount",
              "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge", "total_amount",
              "congestion_surcharge", "airport_fee", "Airport_fee", "cbd_congestion_fee")
# Every field read as text, whatever its JSON type (a number keeps its digits as sent), in one
# streaming pass of Spark's JSON reader (trips.py says why not VARIANT lookups). The reader
# matches names exactly, so `airport_fee` and `Airport_fee` (the spelling of some years' files)
# are two fields; Spark's column resolution ignores case, though, and would call either name
# ambiguous. The parsed struct is therefore cast (by position) to distinct names, and the raw
# columns are named after them (`raw_airport_fee_capitalised`).
READ_NAMES = {"Airport_fee": "airport_fee_capitalised"}
RAW_SCHEMA = "struct<" + ", ".join(f"`{f}`: string" for f in RAW_FIELDS) + ">"
READ_SCHEMA = "struct<" + ", ".join(f"`{READ_NAMES.get(f, f)}`: string" for f in RAW_FIELDS) + ">"

# silver.nyc_yellow_trips, column by column: the table's DDL and the rows the job writes.
TABLE_COLUMNS = {
    "trip_key": "STRING NOT NULL COMMENT 'natural key: sha-256 of the typed record (TLC has no trip id)'",
    "vendor_id": "INT NOT NULL COMMENT 'TLC VendorID: the meter vendor, not a driver'",
    "pickup_at": "TIMESTAMP NOT NULL COMMENT 'UTC'",
    "dropoff_at": "TIMESTAMP NOT NULL COMMENT 'UTC'",
    "pickup_date": "DATE NOT NULL COMMENT 'local (America/New_York) day of pickup; the bronze partition'",
    "trip_seconds": "INT NOT NULL COMMENT 'dropoff_at - pickup_at'",
    "passenger_count": "INT",
    "trip_miles": "DECIMAL(8,2)",
    "rate_code_id": "INT",
    "is_store_and_forward": "BOOLEAN",
    "pickup_location_id": "INT NOT NULL COMMENT 'TLC taxi zone (1-265)'",
    "dropoff_location_id": "INT NOT NULL COMMENT 'TLC taxi zone (1-265)'",
    "payment_type": "INT",
    "fare_amount": "DECIMAL(10,2) NOT NULL",
    "extra": "DECIMAL(10,2)",
    "mta_tax": "DECIMAL(10,2)",
    "tip_amount": "DECIMAL(10,2)",
    "tolls_amount": "DECIMAL(10,2)",
    "improvement_surcharge": "DECIMAL(10,2)",
    "congestion_surcharge": "DECIMAL(10,2)",
    "airport_fee": "DECIMAL(10,2)",
    "cbd_congestion_fee": "DECIMAL(10,2)",
    "total_amount": "DECIMAL(10,2) NOT NULL",
    "source_file": "STRING NOT NULL",
}
TABLE_LAYOUT = f"USING iceberg PARTITIONED BY (pickup_date)\nTBLPROPERTIES ({TABLE_PROPERTIES}, 'write.distribution-mode'='hash')"
SILVER_COLUMNS = tuple(TABLE_COLUMNS)
# What the key digests: every value of the record as typed, none derived from others.
KEY_COLUMNS = tuple(c for c in SILVER_COLUMNS if c not in ("trip_key", "pickup_date", "trip_seconds", "source_file"))


def _raw(field: str) -> Column:
    """The raw value as trimmed text (numbers and strings alike); NULL when absent or empty."""
    value = F.trim(F.col("raw_fields")[READ_NAMES.get(field, field)])
    return F.when(value == "", F.lit(None)).otherwise(value)


def _raw_name(field: str) -> str:
    """The column of a raw field's text: `raw_<field>`, by its distinct read name."""
    return f"raw_{READ_NAMES.get(field, field)}"


def _raw_money(name: str) -> Column:
    """The raw text of an amount. The airport fee comes under either spelling; in the (never
    seen) record with both, the capitalised one wins: a fixed choice, not a judgement."""
    if name == "airport_fee":
        return F.coalesce(F.col(_raw_name("Airport_fee")), F.col(_raw_name("airport_fee")))
    return F.col(_raw_name(MONEY_FIELDS[name]))


def _integer(raw: Column) -> Column:
    """An integral number (TLC's codes and counts; some years' files store them as doubles,
    1.0), or NULL for anything else: 1.5 passengers or zone 161.5 is not a value to round."""
    number = raw.try_cast("double")
    return F.when((number == F.floor(number)) & (F.abs(number) <= 2_147_483_647), number.cast("int"))


def _readings(local: Column) -> tuple[Column, Column]:
    """(picked, other): the UTC instants a New York wall-clock time can mean, Spark's reading
    first. They are one instant except on the two daylight-saving days, handled deliberately:
    - Fall back (e.g. 2024-11-03): 01:00:00-01:59:59 happens twice, first EDT (UTC-4), then an
      hour later EST (UTC-5). Spark's `to_utc_timestamp` picks the first; the other is an hour
      later.
    - Spring forward (e.g. 2024-03-10): 02:00:00-02:59:59 never happens on a correct clock; a
      meter that wrote it had not yet moved its clock on. Spark reads it with the offset before
      the change, EST (02:30 -> 07:30Z, which is 03:30 EDT): what such a meter meant. The other
      reading, with EDT (06:30Z, 01:30 EST), is a clock moved on early.
    New York's shifts are one hour, so the other reading is an hour away. `_best_instants`
    chooses between them with the trip's other stamp. `local` is the wall clock as a
    UTC-session timestamp (settings.py: session time zone UTC).
    """
    hour = F.expr("INTERVAL 1 HOUR")
    picked = F.to_utc_timestamp(local, SOURCE_TIME_ZONE)
    # Repeated: an hour later reads back as the same stamp. Skipped: the picked instant reads
    # back as the stamp plus the skipped hour.
    other = (F.when(F.from_utc_timestamp(picked + hour, SOURCE_TIME_ZONE) == local, picked + hour)
             .when(F.from_utc_timestamp(picked, SOURCE_TIME_ZONE) != local, picked - hour)
             .otherwise(picked))
    return picked, other


def _best_instants(pickup_local: Column, dropoff_local: Column) -> Column:
    """struct(pickup_at, dropoff_at): of the readings of both stamps (`_readings`), the pair
    that does not end before it starts and is the shortest; on a tie, Spark's own readings
    (the first occurrence of a repeated time, EST for a skipped one). When every pair ends
    before it starts, Spark's readings, and the trip is rejected (`dropoff_before_pickup`).

    TLC records no meter duration (unlike Chicago's trip_seconds), so the shortest consistent
    reading is the rule: the meter's clock runs forward, and a trip read an hour longer than it
    need be is the less likely one. So on the fall-back day 01:50 -> 01:10 is 20 minutes (EDT
    to the second, EST 01:10), 01:40 -> 02:05 is 25 (the second 01:40), and 01:10 -> 01:25 is 15
    minutes either way, read as EDT; on the spring-forward day 01:55 -> 02:05 is 10 minutes,
    ending at 07:05Z (03:05 EDT).
    """
    pairs = [("pickup_picked", "dropoff_picked"), ("pickup_picked", "dropoff_other"),
             ("pickup_other", "dropoff_picked"), ("pickup_other", "dropoff_other")]

    def with_readings(x: Column) -> Column:
        (pp, po), (dp, do) = _readings(x["pickup_local"]), _readings(x["dropoff_local"])
        return F.struct(pp.alias("pickup_picked"), po.alias("pickup_other"), dp.alias("dropoff_picked"), do.alias("dropoff_other"))

    def chosen(x: Column) -> Column:
        def key(i: int) -> Column:
            # Length times the number of pairs plus i: the least key is the shortest pair, ties
            # going to the lower i (Spark's readings first). NULL, which `least` skips, for a
            # pair that ends before it starts.
            p, d = pairs[i]
            length = F.unix_micros(x[d]) - F.unix_micros(x[p])
            return F.when(length >= 0, length * len(pairs) + i)

        pair = F.coalesce(F.least(*[key(i) for i in range(len(pairs))]) % len(pairs), F.lit(0))
        return F.struct(F.when(pair >= 2, x["pickup_other"]).otherwise(x["pickup_picked"]).alias("pickup_at"),
                        F.when(pair % 2 == 1, x["dropoff_other"]).otherwise(x["dropoff_picked"]).alias("dropoff_at"))

    value = F.struct(pickup_local.alias("pickup_local"), dropoff_local.alias("dropoff_local"))
    for step in (with_readings, chosen):
        value = let(value, step)
    return value


def _trip_key(columns: tuple[str, ...]) -> Column:
    """The natural key: sha-256 (hex) of the record's typed values, as JSON.

    TLC publishes no trip id. A digest of the whole record, rather than a composite of a few
    fields, because no small subset is safe: a handful of vendors meter every yellow cab, so
    two cabs of one vendor can start and end trips between the same busy zones in the same
    second (at ~100,000 trips a day, with thousands a day on the busiest zone pairs, such
    pairs are to be expected), and then only the distance and the amounts tell them apart.
    Two records equal in every value (vendor, both stamps to the second, zones, distance,
    passengers, codes and every amount) are one trip sent twice. Typed values, not the raw
    line: `1` and `1.0`, `"airport_fee": null` and an absent field, or the two spellings of
    airport_fee are the same record. Instants as microseconds, so the key does not depend on
    the session's time zone. A refund (its amounts negated) has a key of its own; it is
    rejected anyway (`refund_or_void`).
    """
    values = [F.unix_micros(F.col(c)).alias(c) if c in ("pickup_at", "dropoff_at") else F.col(c) for c in columns]
    return F.sha2(F.to_json(F.struct(*values)), 256)


def type_trips(parsed: DataFrame) -> DataFrame:
    """Raw text columns `raw_<field>` and their typed values, side by side."""
    with_fields = parsed.withColumn("raw_fields", F.from_json("raw_line", RAW_SCHEMA).cast(READ_SCHEMA))
    df = with_fields.select("*", *[_raw(f).alias(_raw_name(f)) for f in RAW_FIELDS])
    stamped = df.select(
        "*",
        local_timestamp(F.col("raw_tpep_pickup_datetime")).alias("pickup_local"),
        local_timestamp(F.col("raw_tpep_dropoff_datetime")).alias("dropoff_local"),
    )
    pickup_local, dropoff_local = F.col("pickup_local"), F.col("dropoff_local")
    # Only a stamp from 01:00 to 02:59 can have two readings (US clocks change at 02:00 local):
    # the other trips skip the search, whose lambdas Spark does not compile.
    near_change = F.hour(pickup_local).isin(1, 2) | F.hour(dropoff_local).isin(1, 2)
    instants = F.when(near_change, _best_instants(pickup_local, dropoff_local)).otherwise(F.struct(
        F.to_utc_timestamp(pickup_local, SOURCE_TIME_ZONE).alias("pickup_at"),
        F.to_utc_timestamp(dropoff_local, SOURCE_TIME_ZONE).alias("dropoff_at"),
    ))
    # An airport fee under either name; both at once would be two fields of one meter, and the
    # later spelling wins.
    raw_money = {name: _raw_money(name) for name in MONEY_FIELDS}
    flag = F.col("raw_store_and_fwd_flag")
    typed = stamped.withColumn("instants", instants).select(
        "*",
        F.col("instants.pickup_at").alias("pickup_at"),
        F.col("instants.dropoff_at").alias("dropoff_at"),
        F.to_date("pickup_local").alias("pickup_date"),
        *[_integer(F.col(f"raw_{field}")).alias(name) for name, field in INTEGER_FIELDS.items()],
        F.col("raw_trip_distance").try_cast(WIDE_MONEY).alias("distance_wide"),
        # "Y = store and forward trip, N = not a store and forward trip": the meter had no
        # connection and sent the record later. Both are valid trips.
        F.when(flag == "Y", F.lit(True)).when(flag == "N", F.lit(False)).alias("is_store_and_forward"),
        *[raw.try_cast(WIDE_MONEY).alias(f"amount_{name}") for name, raw in raw_money.items()],
    )
    typed = typed.select(
        "*",
        (F.col("dropoff_at").cast("long") - F.col("pickup_at").cast("long")).cast("int").alias("trip_seconds"),
        F.col("distance_wide").try_cast("decimal(8,2)").alias("trip_miles"),
        *[F.col(f"amount_{name}").try_cast(MONEY).alias(name) for name in MONEY_FIELDS],
    )
    return typed.withColumn("trip_key", _trip_key(KEY_COLUMNS))


def with_reject_reason(typed: DataFrame, partition_date: Column, required: tuple[str, ...]) -> DataFrame:
    """Adds `reason`: why the record cannot enter silver (NULL for a valid record).

    Checks run in order and the first failure names the record's reason; `required` is the
    contract's (a record without one of those fields is `missing_field`). Kept on purpose
    (no check):
    - zero-distance trips (`trip_distance` 0: a flag drop, a trip cancelled at the curb with a
      fee, a meter whose distance feed failed): the fare is real money;
    - equal stamps (TLC's are exact seconds, so a meter started and stopped at once): unlike
      Chicago's rounded stamps (trips.py, `zero_duration`) there is no rounding to hide a real
      trip, and a charge was still made, so the record stays as revenue;
    - store-and-forward trips ("Y": the meter held the record until it had a connection);
    - surcharge fields that earlier years' files lack (congestion_surcharge, airport_fee,
      cbd_congestion_fee from 2025): absent means null;
    - passenger counts of 0 (entered by the driver) and VendorID, RatecodeID or payment_type
      codes the dictionary does not list (RatecodeID 99 is its own "Null/unknown"): silver keeps
      the meter's codes and gold names what it knows.
    Not checked: total_amount against the sum of its parts. Without a real TLC sample at hand
    the usual share of mismatches could not be measured, and a rule whose share is unknown could
    reject a whole vendor's month; gold reports TLC's total as it is.
    """
    checks: list[Check] = [*line_checks()]
    checks += missing_fields(required, {f: F.col(_raw_name(f)) for f in RAW_FIELDS}).values()
    flag = F.col("raw_store_and_fwd_flag")
    checks.append((not_text("store_and_fwd_flag"), "invalid_value:store_and_fwd_flag"))
    checks.append((flag.isNotNull() & F.col("is_store_and_forward").isNull(), "invalid_value:store_and_fwd_flag"))
    invalid = {
        "tpep_pickup_datetime": F.col("pickup_local"), "tpep_dropoff_datetime": F.col("dropoff_local"),
        **{field: F.col(name) for name, field in INTEGER_FIELDS.items()},
        "trip_distance": F.col("distance_wide"),
    }
    checks += [(F.col(f"raw_{f}").isNotNull() & typed_col.isNull(), f"invalid_value:{f}") for f, typed_col in invalid.items()]
    amount = {name: F.col(f"amount_{name}") for name in MONEY_FIELDS}
    for name, field in MONEY_FIELDS.items():
        checks.append((_raw_money(name).isNotNull() & amount[name].isNull(), f"invalid_value:{field}"))
    checks += [
        # A negative total is money going back to the passenger: a refund, void or dispute
        # (the dictionary's payment_type 3 "No charge", 4 "Dispute", 6 "Voided trip"), usually
        # a trip's amounts negated. It is not a trip, and TLC gives nothing that links it to
        # the trip it reverses (no trip id), so it cannot be netted against it: kept, it would
        # count as a trip of negative revenue and bend every per-trip figure. Rejected with its
        # own reason, its raw line stays in the rejected table for anyone who wants net figures.
        (amount["total_amount"] < 0, "refund_or_void"),
    ]
    # With a total that is not negative, a negative part is an error of the meter.
    checks += [(amount[name] < 0, f"negative_amount:{field}") for name, field in MONEY_FIELDS.items() if name != "total_amount"]
    checks += [
        (amount["fare_amount"] > MAX_FARE, "absurd_amount:fare_amount"),
        (amount["total_amount"] > MAX_TOTAL, "absurd_amount:total_amount"),
        # The daylight-saving readings were already tried (`_best_instants`): an end before the
        # start under every reading is an error of the meter.
        (F.col("dropoff_at") < F.col("pickup_at"), "dropoff_before_pickup"),
        # A meter left running for more than a day is not one trip.
        (F.col("trip_seconds") > MAX_SECONDS, "implausible_duration"),
        ((F.col("distance_wide") < 0) | (F.col("distance_wide") > MAX_MILES), "implausible_distance"),
        ((F.col("trip_seconds") > 0) & (F.col("distance_wide") / (F.col("trip_seconds") / 3600.0) > MAX_MPH), "implausible_speed"),
        # The connector splits the month by the pickup stamp's local day, so a pickup on another
        # day means the partition is not what it claims.
        (F.col("pickup_date") != partition_date, "pickup_outside_partition_day"),
    ]
    lo, hi = LOCATION_IDS
    for side, field in (("pickup", "PULocationID"), ("dropoff", "DOLocationID")):
        location = F.col(f"{side}_location_id")
        checks.append(((location < lo) | (location > hi), f"unknown_zone:{field}"))
    return typed.withColumn("reason", first_reason(checks))


def check_nyc_yellow_trips(lines: DataFrame, partition_date: Column, required: tuple[str, ...]) -> DataFrame:
    """Every line typed and given its reject reason (NULL when valid). `partition_date` is the
    day of the bronze partition each line came from (the job's `source_date`)."""
    return with_reject_reason(type_trips(parse_lines(lines)), partition_date, required)


NYC_YELLOW_TRIPS = DatasetSpec(
    name="nyc_yellow_trips",
    columns=TABLE_COLUMNS,
    layout=TABLE_LAYOUT,
    date_column="pickup_date",
    check=check_nyc_yellow_trips,
    # Its `required` are the fields without which a record is not a trip silver can use: when and
    # where it started and ended, who metered it, and what it cost. TLC leaves passenger_count,
    # RatecodeID, store_and_fwd_flag and the surcharges null on some records; those are still
    # trips, and stay with the nulls.
    contract=load_contract("nyc_yellow_trips"),
    # NYC's ~100k trips a day is the volume trips' 15-day batches are sized for.
    batch_days=15,
)
