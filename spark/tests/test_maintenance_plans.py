"""Which tables maintenance takes, from what the catalog lists."""
from lakehouse.maintenance.job import table_plans


def test_every_listed_table_of_the_layer_is_maintained_and_the_large_ones_z_ordered():
    listed = {
        "silver": ["trips", "weather", "nyc_yellow_trips", "nyc_yellow_trips_rejected"],
        "gold": ["fct_trips", "dim_weather", "nyc_revenue_trends"],
    }
    plans = {p.table: p for p in table_plans("all", listed)}
    assert set(plans) == {f"{schema}.{name}" for schema, names in listed.items() for name in names}
    assert plans["silver.trips"].zorder == ("pickup_date", "taxi_id")
    assert plans["gold.fct_trips"].zorder == ("trip_date", "driver_id")
    assert plans["gold.dim_weather"].zorder == ()
    assert {p.layer for p in table_plans("gold", listed)} == {"gold"}
    assert [p.table for p in table_plans("silver", listed)] == [
        "silver.nyc_yellow_trips", "silver.nyc_yellow_trips_rejected", "silver.trips", "silver.weather"]


def test_a_layer_whose_schema_does_not_exist_yet_has_nothing_to_maintain():
    assert table_plans("gold", {"silver": ["trips"]}) == []
