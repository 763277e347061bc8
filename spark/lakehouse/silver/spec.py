"""What the silver job needs to know of a dataset (DatasetSpec), and how its tables are declared.

Each dataset's module (trips.py, weather.py, nyc_yellow_trips.py) defines its spec beside its
rules; job.py runs every spec the same way. A spec's natural key and required fields are its
contract's (spark/contracts/<dataset>.json): one source of truth for what the bronze records
must carry and what identifies one.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame

from lakehouse.settings import CATALOG
from lakehouse.silver.contract import Contract

TABLE_PROPERTIES = "'format-version'='2', 'write.parquet.compression-codec'='zstd'"
# Every dataset's rejected table: each rejected record with its raw line and its reason.
REJECTED_COLUMNS = {"source_date": "DATE NOT NULL", "source_file": "STRING", "raw_line": "STRING", "reason": "STRING NOT NULL"}
REJECTED_LAYOUT = f"USING iceberg PARTITIONED BY (source_date)\nTBLPROPERTIES ({TABLE_PROPERTIES})"


def column_list(columns: Mapping[str, str]) -> str:
    """`name TYPE …, …`: a table's columns as DDL, the form CREATE TABLE and StructType.fromDDL read."""
    return ",\n  ".join(f"{name} {definition}" for name, definition in columns.items())


def table_ddl(columns: Mapping[str, str], layout: str) -> str:
    """What follows `CREATE TABLE <name>`: the column list, then the layout."""
    return f"(\n  {column_list(columns)}\n) {layout}"


@dataclass(frozen=True)
class DatasetSpec:
    """What differs between datasets; the run itself (job.run_dataset) is the same for all."""

    name: str
    # The silver table's columns in order, name → type, constraints and comment: its DDL's
    # column list and the columns of every row the job writes (Iceberg checks their order).
    columns: Mapping[str, str]
    # What follows the column list in CREATE TABLE: format, partitioning, properties.
    layout: str
    date_column: str
    # (raw lines, the bronze partition's day, the contract's required fields) → every line
    # typed and given its reject reason (NULL when valid).
    check: Callable[[DataFrame, Column, tuple[str, ...]], DataFrame]
    # The raw fields' schema contract, which also gives the natural key and the required fields.
    contract: Contract
    # Columns of the rejected table besides REJECTED_COLUMNS: name → (the checked record's
    # column it holds, its DDL).
    rejected_extra: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # When the table's partitions are coarser than a day (weather: by year), replacing a day
    # cannot drop whole files: the day is replaced with one MERGE on this key instead.
    merge_key: str | None = None
    # Days per batch unless --batch-days says otherwise. A batch's cost is its records plus a
    # fixed ~2.5 s (object checks, three commits, markers): size it by the dataset's records a day.
    batch_days: int = 7

    @property
    def table(self) -> str:
        return f"{CATALOG}.silver.{self.name}"

    @property
    def rejected_table(self) -> str:
        return f"{CATALOG}.silver.{self.name}_rejected"

    @property
    def silver_columns(self) -> tuple[str, ...]:
        return tuple(self.columns)

    @property
    def natural_key(self) -> tuple[str, ...]:
        return self.contract.natural_key

    @property
    def required(self) -> tuple[str, ...]:
        return self.contract.required

    @property
    def table_ddl(self) -> str:
        return table_ddl(self.columns, self.layout)

    @property
    def rejected_columns(self) -> dict[str, str]:
        return {**REJECTED_COLUMNS, **{name: ddl for name, (_, ddl) in self.rejected_extra.items()}}

    @property
    def rejected_ddl(self) -> str:
        return table_ddl(self.rejected_columns, REJECTED_LAYOUT)
