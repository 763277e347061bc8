"""The contract check: added, missing and retyped fields; record-level mess is not a schema change."""
from pathlib import Path

from pyspark.sql import SparkSession

from lakehouse.silver.contract import Contract, check_profile

CONTRACT = Contract("trips", 1, {"trip_id": "string", "fare": "string", "tips": "string"}, ("trip_id",), ("trip_id",))


def kinds(profile: dict) -> list[tuple[str, str]]:
    return [(v.field, v.kind) for v in check_profile(CONTRACT, profile)]


def test_a_matching_partition_passes_even_with_a_few_mistyped_values() -> None:
    assert kinds({"trip_id": {"string": 100}, "fare": {"string": 97, "number": 3}, "tips": {"string": 90, "null": 10}}) == []


def test_added_missing_and_retyped_fields_are_each_named() -> None:
    profile = {"trip_id": {"string": 100}, "fare": {"number": 100}, "surge": {"string": 100}}
    assert kinds(profile) == [("surge", "added"), ("fare", "retyped"), ("tips", "missing")]


def test_retyped_means_most_values_changed_type() -> None:
    assert kinds({"trip_id": {"string": 10}, "fare": {"string": 5, "number": 5}, "tips": {"string": 1}}) == []
    assert kinds({"trip_id": {"string": 10}, "fare": {"string": 4, "number": 6}, "tips": {"string": 1}}) == [("fare", "retyped")]


def test_an_empty_partition_has_no_shape_to_break() -> None:
    assert kinds({}) == []


def test_the_violation_message_names_dataset_partition_and_fields() -> None:
    import pytest

    from lakehouse.silver.contract import ContractViolation, enforce

    partition = "s3a://bronze/trips/year=2024/month=03/day=05"
    with pytest.raises(ContractViolation, match=rf"{partition} breaks the contract of dataset 'trips'(.|\n)*surge: added"):
        enforce(CONTRACT, {"trip_id": {"string": 1}, "fare": {"string": 1}, "tips": {"string": 1}, "surge": {"string": 1}}, partition)


def test_fields_of_a_shape_are_read_at_the_top_level_only() -> None:
    from lakehouse.silver.contract import fields_of_shape

    shape = '{"a":"string","arr":"array","b":"number","c d,:}\\"":"null","n":"object","t":"boolean"}'
    assert fields_of_shape(shape) == [
        ("a", "string"), ("arr", "array"), ("b", "number"), ('c d,:}"', "null"), ("n", "object"), ("t", "boolean"),
    ]
    assert fields_of_shape("{}") == []


def test_a_shape_with_an_unknown_type_is_an_error_not_a_field() -> None:
    import pytest

    from lakehouse.silver.contract import fields_of_shape

    with pytest.raises(ValueError, match="unknown JSON type 'STRING'"):
        fields_of_shape('{"a":"STRING"}')


def test_a_profile_sums_records_per_field_and_type_over_shapes() -> None:
    from lakehouse.silver.contract import profile_from_shapes

    profile = profile_from_shapes([
        ('{"fare":"string","trip_id":"string"}', 90),
        ('{"trip_id":"string","fare":"number"}', 7),  # the same fields in another order
        ('{"trip_id":"string"}', 2),
        ("array", 5),  # not an object: no fields
        (None, 1),  # unparseable
    ])
    assert profile == {"fare": {"string": 90, "number": 7}, "trip_id": {"string": 99}}


def test_shapes_from_spark_match_the_contract_types(spark: SparkSession) -> None:
    """The shape Spark writes for real records is read back into the contract's JSON types."""
    from pyspark.sql import functions as F

    from lakehouse.silver.contract import profile_from_shapes
    from lakehouse.silver.raw import parse_lines

    raw = ['{"trip_id": "t1", "fare": 12.5, "ok": true, "tags": ["a"], "extra": {"k": 1}, "gone": null}', "not json", "[1, 2]"]
    shapes = parse_lines(spark.createDataFrame([(r,) for r in raw], "raw_line string")).groupBy("shape")
    rows = shapes.agg(F.count("*").alias("n")).collect()
    assert profile_from_shapes([(r["shape"], r["n"]) for r in rows]) == {
        "trip_id": {"string": 1}, "fare": {"number": 1}, "ok": {"boolean": 1},
        "tags": {"array": 1}, "extra": {"object": 1}, "gone": {"null": 1},
    }


def test_a_required_field_the_contract_does_not_list_is_an_error_of_the_file(tmp_path: Path) -> None:
    import json

    import pytest

    from lakehouse.silver.contract import load_contract

    contract = {"dataset": "weather", "version": 1, "natural_key": ["weather_date"], "fields": {"daily": "object"}}
    (tmp_path / "weather.json").write_text(json.dumps({**contract, "required": ["daily.time"]}))
    assert load_contract("weather", tmp_path).required == ("daily.time",)
    (tmp_path / "weather.json").write_text(json.dumps({**contract, "required": ["daily.time", "hourly.time"]}))
    with pytest.raises(ValueError, match=r"required field\(s\) hourly.time not among its fields"):
        load_contract("weather", tmp_path)
