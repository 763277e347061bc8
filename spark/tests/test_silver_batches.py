"""How a range of days is cut into batches: by each dataset's records a day, unless --batch-days."""
from datetime import date, timedelta

import pytest

from lakehouse.silver.contract import load_contract
from lakehouse.silver.job import DATASETS, NYC_WEATHER, TRIPS, WEATHER, parse_args, plan_batches

YEAR = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]


def test_a_year_of_trips_runs_in_batches_of_15_days() -> None:
    batches = plan_batches(TRIPS, YEAR, parse_args(["--from", "2025-01-01", "--to", "2025-12-31"]).batch_days)
    assert [len(b) for b in batches] == [15] * 24 + [5]
    assert [d for b in batches for d in b] == YEAR


def test_a_year_of_weather_is_one_batch() -> None:
    # One record a day: weekly batches paid 53 batches' fixed costs for 365 records.
    assert plan_batches(WEATHER, YEAR, None) == [YEAR]
    leap_year = [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]
    assert plan_batches(WEATHER, leap_year, None) == [leap_year]


def test_batch_days_sets_the_size_of_every_dataset() -> None:
    request = parse_args(["--from", "2025-01-01", "--to", "2025-01-10", "--batch-days", "3"])
    for spec in (TRIPS, WEATHER):
        assert [len(b) for b in plan_batches(spec, request.days, request.batch_days)] == [3, 3, 3, 1]


def test_datasets_by_name_weather_first_and_unknown_ones_refused() -> None:
    assert parse_args(["--date", "2024-02-14"]).datasets == ["weather", "trips"]
    assert parse_args(["--date", "2024-02-14", "--dataset", "nyc_yellow_trips,weather"]).datasets == ["weather", "nyc_yellow_trips"]
    assert parse_args(["--date", "2024-02-14", "--dataset", "trips"]).datasets == ["trips"]
    assert parse_args(["--date", "2024-02-14", "--dataset", "nyc_yellow_trips,nyc_weather"]).datasets == ["nyc_weather", "nyc_yellow_trips"]
    with pytest.raises(SystemExit):
        parse_args(["--date", "2024-02-14", "--dataset", "trips,taxis"])


def test_new_yorks_weather_is_its_own_dataset_with_weathers_rules_and_contract() -> None:
    assert DATASETS["nyc_weather"] is NYC_WEATHER
    # Its own tables: one row a day per city, so the two cities' days cannot share a table.
    assert (NYC_WEATHER.table, NYC_WEATHER.rejected_table) == ("iceberg.silver.nyc_weather", "iceberg.silver.nyc_weather_rejected")
    assert {NYC_WEATHER.table, NYC_WEATHER.rejected_table}.isdisjoint({WEATHER.table, WEATHER.rejected_table})
    # The same Open-Meteo answer: the same checks, columns and contract file.
    assert NYC_WEATHER.check is WEATHER.check
    assert (NYC_WEATHER.silver_columns, NYC_WEATHER.table_ddl) == (WEATHER.silver_columns, WEATHER.table_ddl)
    assert NYC_WEATHER.contract == load_contract("weather")


def test_every_dataset_has_its_own_tables() -> None:
    tables = [t for spec in DATASETS.values() for t in (spec.table, spec.rejected_table)]
    assert len(set(tables)) == len(tables)
    assert (TRIPS.table, TRIPS.rejected_table) == ("iceberg.silver.trips", "iceberg.silver.trips_rejected")
