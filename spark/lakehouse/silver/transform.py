"""The silver job's transform: a batch's raw lines staged once, counted, and reconciled, and
the rows its load writes. Every function here takes and returns DataFrames or plain values;
nothing reads or writes storage."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from lakehouse.silver.contract import profile_from_shapes
from lakehouse.silver.dedupe import flag_latest
from lakehouse.silver.layout import manifest_records
from lakehouse.silver.spec import DatasetSpec


class ReconciliationError(RuntimeError):
    """Counts do not add up: nothing is written."""


@dataclass
class DayResult:
    dataset: str
    source_date: str
    bronze_records: int
    silver_rows: int
    rejected: int
    duplicates_removed: int
    contract_version: int


def stage(spec: DatasetSpec, lines: DataFrame) -> DataFrame:
    """Every line checked, typed, flagged latest-per-key and given its shape, narrowed to what
    the counts and the writes need: the raw line is kept only where it is rejected.

    `lines` are bronze.read_lines' (raw_line, source_file, source_order, source_date)."""
    checked = spec.check(lines, F.col("source_date"), spec.required)
    narrow = checked.select(
        *spec.silver_columns, *[column for column, _ in spec.rejected_extra.values()], "source_date", "source_order", "reason",
        F.when(F.col("reason").isNotNull(), F.col("raw_line")).alias("raw_line"),
        "shape",
    )
    return flag_latest(narrow, spec.natural_key)


def silver_rows(spec: DatasetSpec, staged: DataFrame) -> DataFrame:
    """The rows of the silver table: the latest valid version per natural key, in the table's columns."""
    return staged.where("is_latest").select(*spec.silver_columns)


def rejected_rows(spec: DatasetSpec, staged: DataFrame) -> DataFrame:
    """The rows of the rejected table: every rejected line, its source and its reason."""
    extra = [F.col(column).alias(name) for name, (column, _) in spec.rejected_extra.items()]
    return staged.where(F.col("reason").isNotNull()).select("source_date", "source_file", "raw_line", "reason", *extra)


def count_days(spec: DatasetSpec, staged: DataFrame, days: list[date]) -> tuple[dict[date, dict], dict[date, dict[str, dict[str, int]]]]:
    """Per day: lines, valid, rejected (by the bronze partition) and silver rows (by the silver
    date column, so a row that landed on another day does not reconcile); and the raw shape
    profile of each partition for the contract check. Two small aggregations over the cache."""
    counts = {d: {"lines": 0, "valid": 0, "rejected": 0, "silver": 0} for d in days}
    shapes: dict[date, list[tuple[str | None, int]]] = {d: [] for d in days}
    for r in (staged.groupBy("source_date", "shape")
              .agg(F.count("*").alias("lines"), F.count_if(F.col("reason").isNull()).alias("valid"),
                   F.count_if(F.col("reason").isNotNull()).alias("rejected"))
              .collect()):
        for k in ("lines", "valid", "rejected"):
            counts[r["source_date"]][k] += int(r[k])
        shapes[r["source_date"]].append((r["shape"], int(r["lines"])))
    for r in staged.where("is_latest").groupBy(F.col(spec.date_column).alias("d")).count().collect():
        counts.setdefault(r["d"], {"lines": 0, "valid": 0, "rejected": 0, "silver": 0})["silver"] = int(r["count"])
    return counts, {d: profile_from_shapes(s) for d, s in shapes.items()}


def reconcile(spec: DatasetSpec, contract_version: int, manifests: dict[date, dict], counts: dict[date, dict]) -> list[DayResult]:
    """The batch's per-day results, or ReconciliationError when any count does not add up."""
    stray = sorted(set(counts) - set(manifests))
    if stray:
        raise ReconciliationError(f"{spec.name}: silver rows dated {stray} came from other days' partitions; nothing written")
    results = []
    for day, manifest in sorted(manifests.items()):
        c = counts[day]
        declared = manifest_records(manifest)
        if c["lines"] != declared:
            raise ReconciliationError(f"{spec.name} {day}: bronze objects hold {c['lines']} lines but the manifest declares {declared}; "
                                      "the partition is inconsistent, nothing written")
        result = DayResult(spec.name, day.isoformat(), c["lines"], c["silver"], c["rejected"], c["valid"] - c["silver"], contract_version)
        if result.bronze_records != result.silver_rows + result.rejected + result.duplicates_removed:
            raise ReconciliationError(f"{spec.name} {day}: {result} does not reconcile; nothing written")
        results.append(result)
    return results
