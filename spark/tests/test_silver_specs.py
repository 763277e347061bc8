"""Each dataset's spec against its contract and its table: the natural key and the required
fields come from the contract (spark/contracts), and the rows the job writes have the schema
the table's DDL declares."""
from __future__ import annotations

from dataclasses import replace

import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import StructType
from pyspark.testing import assertSchemaEqual

from lakehouse.silver.bronze import LINES_SCHEMA
from lakehouse.silver.contract import load_contract
from lakehouse.silver.job import DATASETS
from lakehouse.silver.spec import column_list
from lakehouse.silver.transform import rejected_rows, silver_rows, stage
from lakehouse.silver.trips import TRIPS
from support import bronze_lines, silver_and_rejected, trip


@pytest.mark.parametrize("name", DATASETS)
def test_the_natural_key_and_required_fields_are_the_contracts(name: str) -> None:
    spec = DATASETS[name]
    contract = load_contract(spec.contract.dataset)
    assert (spec.natural_key, spec.required) == (contract.natural_key, contract.required)
    assert spec.natural_key and set(spec.natural_key) <= set(spec.silver_columns)


@pytest.mark.parametrize("name", DATASETS)
def test_the_rows_written_have_the_schema_of_the_tables_ddl(spark: SparkSession, name: str) -> None:
    """The expected schemas are read from the DDL's column lists by Spark's own parser; the
    rows' schemas come from the job's staging of no lines (planned, not run)."""
    spec = DATASETS[name]
    staged = stage(spec, spark.createDataFrame([], LINES_SCHEMA))
    assertSchemaEqual(silver_rows(spec, staged).schema, StructType.fromDDL(column_list(spec.columns)))
    assertSchemaEqual(rejected_rows(spec, staged).schema, StructType.fromDDL(column_list(spec.rejected_columns)))


def test_the_contract_decides_which_fields_a_record_must_carry(spark: SparkSession) -> None:
    lax = replace(TRIPS, contract=replace(TRIPS.contract, required=("trip_id",)))
    lines = bronze_lines(spark, trip(taxi_id=None))
    _, rejected = silver_and_rejected(TRIPS, lines)
    assert [r.reason for r in rejected.collect()] == ["missing_field:taxi_id"]
    silver, _ = silver_and_rejected(lax, lines)
    assert [(r.trip_id, r.taxi_id) for r in silver.collect()] == [("t1", None)]


def test_a_required_field_the_rules_do_not_read_is_refused_before_anything_runs(spark: SparkSession) -> None:
    surge = replace(TRIPS, contract=replace(TRIPS.contract, required=("trip_id", "surge_multiplier")))
    with pytest.raises(ValueError, match="the contract requires surge_multiplier, which silver's rules do not read"):
        stage(surge, spark.createDataFrame([], LINES_SCHEMA))
