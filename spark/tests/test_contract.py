"""The contract check: added, missing and retyped fields; record-level mess is not a schema change."""
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

    with pytest.raises(ContractViolation, match=r"s3a://bronze/trips/year=2024/month=03/day=05 breaks the contract of dataset 'trips'(.|\n)*surge: added"):
        enforce(CONTRACT, {"trip_id": {"string": 1}, "fare": {"string": 1}, "tips": {"string": 1}, "surge": {"string": 1}}, "s3a://bronze/trips/year=2024/month=03/day=05")
