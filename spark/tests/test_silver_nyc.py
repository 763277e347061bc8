"""NYC TLC yellow trips in silver: each rule, the daylight-saving readings, the natural key, the
contract's optional fields and the reconciliation, on tiny DataFrames, through the job's own
staging (transform.stage) and the rows it writes. Expected values are worked out by hand from
the rules (New York is UTC-5 in winter, UTC-4 in summer). Over ~250 lines: the dataset's case
tables (rules, daylight saving) are most of it, and they read best beside their record builder."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from lakehouse.silver.bronze import LINES_SCHEMA
from lakehouse.silver.contract import check_profile, enforce, load_contract
from lakehouse.silver.nyc_yellow_trips import NYC_YELLOW_TRIPS
from lakehouse.silver.transform import count_days, reconcile, rejected_rows, stage
from support import bronze_lines, silver_and_rejected

NULL = object()


def null() -> object:
    """A field sent as JSON null (tlc() drops a field given None)."""
    return NULL


def tlc(**overrides: object) -> dict:
    """A valid raw trip as the NYC connector writes it (TLC's names; numbers as JSON numbers;
    naive wall-clock stamps), a 2024 file's shape, with overrides. `None` removes a field;
    `null()` sends it as JSON null."""
    record: dict = {
        "VendorID": 2,
        "tpep_pickup_datetime": "2024-03-05T08:15:00",
        "tpep_dropoff_datetime": "2024-03-05T08:35:00",
        "passenger_count": 1,
        "trip_distance": 5.2,
        "RatecodeID": 1,
        "store_and_fwd_flag": "N",
        "PULocationID": 161,
        "DOLocationID": 132,
        "payment_type": 1,
        "fare_amount": 24.7,
        "extra": 2.5,
        "mta_tax": 0.5,
        "tip_amount": 5.0,
        "tolls_amount": 0,
        "improvement_surcharge": 1,
        # 24.70 + 2.50 + 0.50 + 5.00 + 0 + 1.00 + 2.50 + 0 = 36.20
        "total_amount": 36.2,
        "congestion_surcharge": 2.5,
        "Airport_fee": 0,
    }
    record.update(overrides)
    return {k: (None if v is NULL else v) for k, v in record.items() if v is not None}


def clean(lines: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(silver rows, rejected rows) as the job writes them for these lines."""
    return silver_and_rejected(NYC_YELLOW_TRIPS, lines)


def test_a_valid_trip_is_typed_with_utc_instants_and_the_local_day(spark: SparkSession) -> None:
    silver, rejected = clean(bronze_lines(spark, tlc()))
    assert rejected.count() == 0
    row = silver.collect()[0].asDict()
    key = row.pop("trip_key")
    assert len(key) == 64 and all(c in "0123456789abcdef" for c in key)
    assert row == {
        "vendor_id": 2,
        # 08:15 in New York on 5 March 2024 (EST, UTC-5) is 13:15 UTC.
        "pickup_at": datetime(2024, 3, 5, 13, 15), "dropoff_at": datetime(2024, 3, 5, 13, 35),
        "pickup_date": date(2024, 3, 5), "trip_seconds": 1200,
        "passenger_count": 1, "trip_miles": Decimal("5.20"), "rate_code_id": 1, "is_store_and_forward": False,
        "pickup_location_id": 161, "dropoff_location_id": 132, "payment_type": 1,
        "fare_amount": Decimal("24.70"), "extra": Decimal("2.50"), "mta_tax": Decimal("0.50"),
        "tip_amount": Decimal("5.00"), "tolls_amount": Decimal("0.00"), "improvement_surcharge": Decimal("1.00"),
        "congestion_surcharge": Decimal("2.50"), "airport_fee": Decimal("0.00"), "cbd_congestion_fee": None,
        "total_amount": Decimal("36.20"), "source_file": "part-00000.json",
    }


def test_the_key_is_the_sha256_of_the_typed_record(spark: SparkSession) -> None:
    """The key's definition, written out: the typed values as JSON (nulls left out, instants as
    microseconds since the epoch: 2024-03-05T13:15:00Z is 1709644500 s)."""
    silver, _ = clean(bronze_lines(spark, tlc()))
    expected_json = (
        '{"vendor_id":2,"pickup_at":1709644500000000,"dropoff_at":1709645700000000,"passenger_count":1,'
        '"trip_miles":5.20,"rate_code_id":1,"is_store_and_forward":false,"pickup_location_id":161,'
        '"dropoff_location_id":132,"payment_type":1,"fare_amount":24.70,"extra":2.50,"mta_tax":0.50,'
        '"tip_amount":5.00,"tolls_amount":0.00,"improvement_surcharge":1.00,"congestion_surcharge":2.50,'
        '"airport_fee":0.00,"total_amount":36.20}'
    )
    assert silver.collect()[0].trip_key == hashlib.sha256(expected_json.encode()).hexdigest()


def test_fields_of_other_years_absent_or_renamed_are_null_or_read(spark: SparkSession) -> None:
    """Earlier files lack congestion_surcharge and the airport fee (absent = null, valid); some
    years spell it airport_fee; 2025's files add cbd_congestion_fee."""
    early = tlc(congestion_surcharge=None, Airport_fee=None, total_amount=33.7)  # 36.20 - 2.50
    lower_case = tlc(Airport_fee=None, airport_fee=1.75, total_amount=37.95)
    with_cbd = tlc(tpep_pickup_datetime="2024-03-05T09:00:00", tpep_dropoff_datetime="2024-03-05T09:20:00",
                   cbd_congestion_fee=0.75, total_amount=36.95)
    as_null = tlc(tpep_pickup_datetime="2024-03-05T10:00:00", tpep_dropoff_datetime="2024-03-05T10:20:00",
                  congestion_surcharge=null(), Airport_fee=null(), passenger_count=null(), RatecodeID=null(), store_and_fwd_flag=null(),
                  total_amount=33.7)
    silver, rejected = clean(bronze_lines(spark, early, lower_case, with_cbd, as_null))
    assert rejected.count() == 0
    got = sorted((r.pickup_at.hour, r.total_amount, r.congestion_surcharge, r.airport_fee, r.cbd_congestion_fee, r.passenger_count,
                  r.is_store_and_forward) for r in silver.collect())
    assert got == [
        (13, Decimal("33.70"), None, None, None, 1, False),
        (13, Decimal("37.95"), Decimal("2.50"), Decimal("1.75"), None, 1, False),
        (14, Decimal("36.95"), Decimal("2.50"), Decimal("0.00"), Decimal("0.75"), 1, False),
        (15, Decimal("33.70"), None, None, None, None, None),
    ]


def test_quirks_that_are_valid_trips_are_kept(spark: SparkSession) -> None:
    """Zero distance, equal stamps, store-and-forward 'Y', zones 264/265, codes sent as doubles,
    amounts and codes sent as strings."""
    kept = [
        tlc(trip_distance=0, tpep_dropoff_datetime="2024-03-05T08:15:00", PULocationID=264, DOLocationID=265),
        tlc(store_and_fwd_flag="Y", passenger_count=0, tip_amount=6.0, total_amount=37.2),
        tlc(passenger_count=2.0, RatecodeID=99.0, VendorID=1.0, tip_amount=7.0, total_amount=38.2),
        tlc(fare_amount="24.70", PULocationID="48", tip_amount=8.0, total_amount=39.2),
    ]
    silver, rejected = clean(bronze_lines(spark, *kept))
    assert [r.reason for r in rejected.collect()] == []
    rows = sorted(silver.collect(), key=lambda r: r.tip_amount)
    zero_distance, store_and_forward, doubles, strings = rows
    assert (zero_distance.trip_miles, zero_distance.trip_seconds) == (Decimal("0.00"), 0)
    assert (zero_distance.pickup_location_id, zero_distance.dropoff_location_id) == (264, 265)
    assert (store_and_forward.is_store_and_forward, store_and_forward.passenger_count) == (True, 0)
    assert (doubles.vendor_id, doubles.passenger_count, doubles.rate_code_id) == (1, 2, 99)
    assert (strings.fare_amount, strings.pickup_location_id) == (Decimal("24.70"), 48)


REFUND = tlc(payment_type=4, fare_amount=-24.7, extra=-2.5, mta_tax=-0.5, tip_amount=0, improvement_surcharge=-1,
             congestion_surcharge=-2.5, total_amount=-31.2)

RULE_CASES = [
    ('{"VendorID": 2, "fare_amount": ', "unparseable_json"),
    (json.dumps(tlc()) + "}", "unparseable_json"),
    ("[1, 2]", "not_a_json_object"),
    (tlc(VendorID=None), "missing_field:VendorID"),
    (tlc(tpep_pickup_datetime=None), "missing_field:tpep_pickup_datetime"),
    (tlc(tpep_dropoff_datetime=""), "missing_field:tpep_dropoff_datetime"),
    (tlc(PULocationID=null()), "missing_field:PULocationID"),
    (tlc(total_amount=None), "missing_field:total_amount"),
    (tlc(store_and_fwd_flag="X"), "invalid_value:store_and_fwd_flag"),
    (tlc(store_and_fwd_flag=True), "invalid_value:store_and_fwd_flag"),
    (tlc(tpep_pickup_datetime="03/05/2024 08:15:00"), "invalid_value:tpep_pickup_datetime"),
    (tlc(passenger_count=1.5), "invalid_value:passenger_count"),
    (tlc(DOLocationID="midtown"), "invalid_value:DOLocationID"),
    (tlc(trip_distance="far"), "invalid_value:trip_distance"),
    (tlc(fare_amount="twelve"), "invalid_value:fare_amount"),
    (tlc(Airport_fee={"jfk": 1.75}), "invalid_value:airport_fee"),
    (REFUND, "refund_or_void"),
    # A negative part with a total that is not negative: 36.20 - 2.50 - 2.50 = 31.20.
    (tlc(extra=-2.5, total_amount=31.2), "negative_amount:extra"),
    (tlc(fare_amount=1e12, total_amount=1e12 + 11.5), "absurd_amount:fare_amount"),
    (tlc(total_amount=2500), "absurd_amount:total_amount"),
    (tlc(tpep_dropoff_datetime="2024-03-05T08:00:00"), "dropoff_before_pickup"),
    # 24 h 45 min.
    (tlc(tpep_dropoff_datetime="2024-03-06T09:00:00"), "implausible_duration"),
    (tlc(trip_distance=-1.2), "implausible_distance"),
    (tlc(trip_distance=400), "implausible_distance"),
    # 90 miles in 20 minutes: 270 mph.
    (tlc(trip_distance=90), "implausible_speed"),
    (tlc(tpep_pickup_datetime="2024-03-04T23:50:00", tpep_dropoff_datetime="2024-03-05T00:10:00"), "pickup_outside_partition_day"),
    (tlc(PULocationID=266), "unknown_zone:PULocationID"),
    (tlc(DOLocationID=0), "unknown_zone:DOLocationID"),
]


@pytest.fixture(scope="module")
def rule_reasons(spark: SparkSession) -> dict[str, str]:
    """All rule cases cleaned in one job, keyed by their raw line."""
    raws = [r if isinstance(r, str) else json.dumps(r) for r, _ in RULE_CASES]
    silver, rejected = clean(bronze_lines(spark, *raws))
    found = {r.raw_line: r.reason for r in rejected.collect()}
    assert silver.count() == 0
    assert len(found) == len(RULE_CASES), "every case is rejected exactly once"
    return found


@pytest.mark.parametrize(("raw", "reason"), RULE_CASES, ids=[reason for _, reason in RULE_CASES])
def test_each_rule_rejects_with_its_named_reason(rule_reasons: dict[str, str], raw: str | dict, reason: str) -> None:
    assert rule_reasons[raw if isinstance(raw, str) else json.dumps(raw)] == reason


def test_the_first_failing_rule_names_the_reason(spark: SparkSession) -> None:
    both = tlc(VendorID=None, total_amount=-5)
    _, rejected = clean(bronze_lines(spark, both, tlc(PULocationID=300, trip_distance=-1)))
    assert sorted(r.reason for r in rejected.collect()) == ["implausible_distance", "missing_field:VendorID"]


def test_rejected_records_keep_the_raw_line_and_the_source(spark: SparkSession) -> None:
    raw = json.dumps(REFUND)
    _, rejected = clean(bronze_lines(spark, raw, source_file="s3a://bronze/nyc_yellow_trips/part-00003.json"))
    row = rejected.collect()[0]
    assert row.asDict() == {"source_date": date(2024, 3, 5), "source_file": "s3a://bronze/nyc_yellow_trips/part-00003.json",
                            "raw_line": raw, "reason": "refund_or_void"}


def test_equal_records_collapse_and_records_that_differ_in_any_value_do_not(spark: SparkSession) -> None:
    first = tlc()
    # The same record as another serialisation would write it: 2.0 for 2, a null fee for an
    # absent one, the fields in another order.
    same_typed = dict(reversed(list(tlc(VendorID=2.0, cbd_congestion_fee=null()).items())))
    # Same vendor, stamps and zones, another tip: another trip.
    other_tip = tlc(tip_amount=6.0, total_amount=37.2)
    early = bronze_lines(spark, first, other_tip, source_file="part-00000.json")
    late = bronze_lines(spark, same_typed, source_file="part-00001.json")
    silver, rejected = clean(early.unionByName(late))
    assert rejected.count() == 0
    assert sorted((r.tip_amount, r.source_file) for r in silver.collect()) == [
        (Decimal("5.00"), "part-00001.json"),  # the version sent last
        (Decimal("6.00"), "part-00000.json"),
    ]


def test_the_job_reconciles_bronze_with_silver_rejected_and_duplicates(spark: SparkSession) -> None:
    """The job's own staging, counts, contract check and reconciliation for the dataset."""
    spec = NYC_YELLOW_TRIPS
    distinct = [tlc(tip_amount=t, total_amount=31.2 + t) for t in range(10)]
    raw = [*distinct, distinct[3], distinct[7], "oops", REFUND]
    day = date(2024, 3, 5)
    staged = stage(spec, bronze_lines(spark, *raw, day=day)).cache()
    counts, profiles = count_days(spec, staged, [day])
    enforce(spec.contract, profiles[day], "bronze/nyc_yellow_trips/2024-03-05")
    (result,) = reconcile(spec, 1, {day: {"objects": [{"name": "part-00000.json.gz", "records": 14}]}}, counts)
    assert (result.bronze_records, result.silver_rows, result.rejected, result.duplicates_removed) == (14, 10, 2, 2)
    assert sorted(r.reason for r in rejected_rows(spec, staged).collect()) == ["refund_or_void", "unparseable_json"]
    staged.unpersist()


def test_the_contract_allows_each_years_fee_fields_and_nothing_else() -> None:
    contract = load_contract("nyc_yellow_trips")
    fees = {"congestion_surcharge", "airport_fee", "Airport_fee", "cbd_congestion_fee"}
    base = {f: {t: 100} for f, t in contract.fields.items() if f not in fees}

    def kinds(profile: dict) -> list[tuple[str, str]]:
        return [(v.field, v.kind) for v in check_profile(contract, profile)]

    assert kinds(base) == []  # before the surcharges existed
    assert kinds({**base, "congestion_surcharge": {"number": 100}, "airport_fee": {"number": 60, "null": 40}}) == []
    later_years = {"congestion_surcharge": {"number": 100}, "Airport_fee": {"number": 100}, "cbd_congestion_fee": {"number": 100}}
    assert kinds({**base, **later_years}) == []
    assert kinds({**base, "cbd_congestion_fee": {"string": 100}}) == [("cbd_congestion_fee", "retyped")]
    assert kinds({**base, "tip_share": {"number": 100}}) == [("tip_share", "added")]
    assert kinds({k: v for k, v in base.items() if k != "extra"}) == [("extra", "missing")]


# Daylight saving, by hand. 2024-11-03: 02:00 EDT (06:00Z) became 01:00 EST, so 01:00-01:59
# happened at 05:xxZ (EDT) and again at 06:xxZ (EST). 2024-03-10: 02:00 EST (07:00Z) became
# 03:00 EDT, so 02:00-02:59 never happened; 02:30 is read as EST (07:30Z) or EDT (06:30Z).
DST_CASES = [
    ("fall-back: into the repeated hour, ends at the second 01:10",
     "2024-11-03", "01:50:00", "01:10:00", ("2024-11-03T05:50:00Z", "2024-11-03T06:10:00Z")),
    ("fall-back: both stamps repeated, read as EDT",
     "2024-11-03", "01:10:00", "01:25:00", ("2024-11-03T05:10:00Z", "2024-11-03T05:25:00Z")),
    ("fall-back: from the second 01:40 to 02:05 EST",
     "2024-11-03", "01:40:00", "02:05:00", ("2024-11-03T06:40:00Z", "2024-11-03T07:05:00Z")),
    ("fall-back: from before the change to the first 01:05",
     "2024-11-03", "00:55:00", "01:05:00", ("2024-11-03T04:55:00Z", "2024-11-03T05:05:00Z")),
    ("fall-back: ends before it starts under every reading",
     "2024-11-03", "01:30:00", "00:50:00", "dropoff_before_pickup"),
    ("spring-forward: ends at a skipped 02:05, read as 03:05 EDT",
     "2024-03-10", "01:55:00", "02:05:00", ("2024-03-10T06:55:00Z", "2024-03-10T07:05:00Z")),
    ("spring-forward: starts at a skipped 02:10, ends 03:20 EDT",
     "2024-03-10", "02:10:00", "03:20:00", ("2024-03-10T07:10:00Z", "2024-03-10T07:20:00Z")),
    ("spring-forward: both stamps skipped, read as EST",
     "2024-03-10", "02:30:00", "02:45:00", ("2024-03-10T07:30:00Z", "2024-03-10T07:45:00Z")),
    ("spring-forward: across the change",
     "2024-03-10", "01:30:00", "03:10:00", ("2024-03-10T06:30:00Z", "2024-03-10T07:10:00Z")),
    ("summer: EDT",
     "2024-07-04", "12:00:00", "12:30:00", ("2024-07-04T16:00:00Z", "2024-07-04T16:30:00Z")),
]


@pytest.fixture(scope="module")
def dst_outcomes(spark: SparkSession) -> dict[int, object]:
    """Every case in its own day's partition, cleaned in one job: the instants, or the reason."""
    rows = []
    for i, (_, day, start, end, _) in enumerate(DST_CASES):
        record = tlc(tpep_pickup_datetime=f"{day}T{start}", tpep_dropoff_datetime=f"{day}T{end}", trip_distance=1.0,
                     tip_amount=float(i), total_amount=31.2 + i)
        rows.append((json.dumps(record), f"day={day}/part-00000.json", (0, i), date.fromisoformat(day)))
    silver, rejected = clean(spark.createDataFrame(rows, LINES_SCHEMA))
    utc = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    outcomes: dict[int, object] = {int(json.loads(r.raw_line)["tip_amount"]): r.reason for r in rejected.collect()}
    instants = [F.date_format("pickup_at", utc).alias("p"), F.date_format("dropoff_at", utc).alias("d")]
    for r in silver.select("tip_amount", "pickup_date", *instants).collect():
        outcomes[int(r.tip_amount)] = (r.p, r.d, r.pickup_date.isoformat())
    return outcomes


@pytest.mark.parametrize("index", range(len(DST_CASES)), ids=[c[0] for c in DST_CASES])
def test_daylight_saving_stamps(dst_outcomes: dict[int, object], index: int) -> None:
    _, day, _, _, expected = DST_CASES[index]
    # The local day of the pickup stamp is the partition day, whatever the offset.
    assert dst_outcomes[index] == (expected if isinstance(expected, str) else (*expected, day))
