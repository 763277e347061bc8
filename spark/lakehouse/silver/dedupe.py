"""Deduplication on a dataset's natural key: the version sent last wins."""
from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


def flag_latest(checked: DataFrame, key: tuple[str, ...]) -> DataFrame:
    """Adds `is_latest`: true on exactly one valid record per key, the one sent last (later
    file name, then later position in the file: `source_file`, `source_order`); false on the
    older versions and on every rejected record.

    Exact copies and re-sent records with the same key collapse alike. Flagging instead of
    filtering lets the job count silver rows and duplicates from the same shuffled data that it
    writes, without deduplicating twice.
    """
    latest_valid_first = Window.partitionBy(*key).orderBy(
        F.col("reason").isNull().desc(), F.col("source_file").desc(), F.col("source_order").desc()
    )
    return checked.withColumn("is_latest", F.col("reason").isNull() & (F.row_number().over(latest_valid_first) == 1))
