"""Table maintenance for silver and gold, run by Spark (Trino has no z-order).

    spark-submit lakehouse/maintenance/job.py [--layer silver|gold|all] [--dry-run]

Per table: compact small files (bin-pack), or rewrite with a z-order on the dashboard's
filter columns for the large tables; rewrite the manifests (a daily append adds one, and every
query's planning reads them all); expire snapshots older than the retention (keeping
the last few, so time travel over recent runs still works); remove orphan files (files no
snapshot references, e.g. left by a crashed write) older than a safety margin, so a write
in progress is never touched.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from pyspark.sql import SparkSession

from lakehouse.preflight import DependencyDown, check_job_dependencies
from lakehouse.session import lakehouse_session
from lakehouse.settings import CATALOG


@dataclass(frozen=True)
class TablePlan:
    table: str
    layer: str
    # Columns of the z-order; empty means a plain bin-pack compaction.
    zorder: tuple[str, ...] = ()


# The z-order of the large tables, on the columns the dashboards and the jobs filter by. Every
# other table of a layer is bin-packed. The tables are listed from the catalog at run time, so a
# new model or dataset is maintained without being named here.
ZORDER: dict[str, tuple[str, ...]] = {
    "silver.trips": ("pickup_date", "taxi_id"),
    "gold.fct_trips": ("trip_date", "driver_id"),
    "gold.daily_revenue_by_driver": ("revenue_date", "driver_id"),
}
# The layers, each the schema of its name (gold_internal holds dbt's views and the NYC seed: no data
# files of note).
LAYERS = ("silver", "gold")


def table_plans(layer: str, tables_by_schema: dict[str, list[str]]) -> list[TablePlan]:
    """What to maintain for `--layer` (silver, gold or all), given each schema's Iceberg tables."""
    return [
        TablePlan(f"{schema}.{name}", schema, ZORDER.get(f"{schema}.{name}", ()))
        for schema in (LAYERS if layer == "all" else (layer,))
        for name in sorted(tables_by_schema.get(schema, []))
    ]


@dataclass
class TableResult:
    table: str
    files_before: int
    files_after: int
    rewritten_files: int
    added_files: int
    manifests_before: int
    manifests_after: int
    expired_snapshots: int
    orphan_files_removed: int
    seconds: float


def log(message: str) -> None:
    print(f"[maintain {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def data_files(spark: SparkSession, table: str) -> int:
    return spark.sql(f"SELECT count(*) AS n FROM {CATALOG}.{table}.files").collect()[0]["n"]


def manifests(spark: SparkSession, table: str) -> int:
    """The manifests of the table's current snapshot: what a query's planning reads."""
    return spark.sql(f"SELECT count(*) AS n FROM {CATALOG}.{table}.manifests").collect()[0]["n"]


def iceberg_tables(spark: SparkSession, schemas: list[str]) -> dict[str, list[str]]:
    """Each schema's tables in the catalog (Iceberg's Hive catalog lists only Iceberg tables, not
    Trino's views); a schema not made yet has none."""
    existing = {row[0] for row in spark.sql(f"SHOW NAMESPACES IN {CATALOG}").collect()}
    return {schema: [row["tableName"] for row in spark.sql(f"SHOW TABLES IN {CATALOG}.{schema}").collect()]
            for schema in schemas if schema in existing}


def list_unsorted_order(spark: SparkSession, table: str) -> bool:
    """Adds the unsorted order (id 0) to the table's sort orders when it is missing; True if added.

    Iceberg 1.11+ fails every z-order rewrite of a table created with a sort order ("Cannot use
    output sort order id 0 because the table does not contain a sort order with that id",
    apache/iceberg#17814, open): the rewrite marks its output unsorted (id 0), and a table whose
    creator declared a sort order lists only id 1. Trino creates gold's tables so
    (`sorted_by`). Listing id 0 changes no data and not the default order that writers use.
    """
    jvm = spark.sparkContext._jvm
    iceberg_table = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, f"{CATALOG}.{table}")
    operations = iceberg_table.operations()
    base = operations.current()
    if base.sortOrdersById().containsKey(0):
        return False
    unsorted = jvm.org.apache.iceberg.SortOrder.unsorted()
    operations.commit(base, jvm.org.apache.iceberg.TableMetadata.buildFrom(base).addSortOrder(unsorted).build())
    return True


def maintain(spark: SparkSession, plan: TablePlan, retain_days: int, retain_last: int, orphan_margin_hours: int) -> TableResult:
    t0 = time.monotonic()
    full = f"{plan.table}"
    before = data_files(spark, full)
    manifests_before = manifests(spark, full)
    if plan.zorder:
        if list_unsorted_order(spark, full):
            log(f"{full}: listed the unsorted sort order (id 0), which z-order rewrites need (apache/iceberg#17814)")
        order = ",".join(plan.zorder)
        rewrite = spark.sql(
            f"CALL {CATALOG}.system.rewrite_data_files(table => '{full}', strategy => 'sort', "
            f"sort_order => 'zorder({order})', options => map('min-input-files', '2', 'rewrite-all', 'false'))"
        ).collect()[0]
    else:
        rewrite = spark.sql(
            f"CALL {CATALOG}.system.rewrite_data_files(table => '{full}', options => map('min-input-files', '2'))"
        ).collect()[0]
    # After the rewrite, so its new files' entries are clustered with the rest: without this, a
    # table appended to daily keeps a manifest per day, and planning a year-wide query reads ~365.
    spark.sql(f"CALL {CATALOG}.system.rewrite_manifests(table => '{full}')").collect()
    older_than = (datetime.now(UTC) - timedelta(days=retain_days)).strftime("%Y-%m-%d %H:%M:%S")
    expired = spark.sql(
        f"CALL {CATALOG}.system.expire_snapshots(table => '{full}', older_than => TIMESTAMP '{older_than}', retain_last => {retain_last})"
    ).collect()[0]
    orphan_before = (datetime.now(UTC) - timedelta(hours=orphan_margin_hours)).strftime("%Y-%m-%d %H:%M:%S")
    orphans = spark.sql(
        f"CALL {CATALOG}.system.remove_orphan_files(table => '{full}', older_than => TIMESTAMP '{orphan_before}')"
    ).collect()
    after = data_files(spark, full)
    return TableResult(
        table=full,
        files_before=before,
        files_after=after,
        rewritten_files=int(rewrite["rewritten_data_files_count"]),
        added_files=int(rewrite["added_data_files_count"]),
        manifests_before=manifests_before,
        manifests_after=manifests(spark, full),
        expired_snapshots=int(sum(v for k, v in expired.asDict().items()
                                  if k.startswith("deleted_") and k.endswith("_count") and "manifest" not in k and "statistics" not in k)),
        orphan_files_removed=len(orphans),
        seconds=round(time.monotonic() - t0, 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maintain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--layer", choices=[*LAYERS, "all"], default="all")
    parser.add_argument("--date", help="the scheduled run's logical day (recorded in the report; maintenance covers whole tables)")
    parser.add_argument("--retain-days", type=int, default=7, help="expire snapshots older than this (default 7)")
    parser.add_argument("--retain-last", type=int, default=5, help="but always keep this many (default 5)")
    parser.add_argument("--orphan-margin-hours", type=int, default=24,
                        help="only remove unreferenced files older than this, so running writes are safe (default 24)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check_job_dependencies(os.environ)
    except DependencyDown as e:
        log(f"FAILED: {e}")
        return 3
    spark = lakehouse_session("lakehouse-maintenance")
    spark.sparkContext.setLogLevel("WARN")
    try:
        results = []
        plans = table_plans(args.layer, iceberg_tables(spark, list(LAYERS)))
        log(f"{len(plans)} table(s) to maintain: {', '.join(p.table for p in plans) or 'none yet'}")
        for plan in plans:
            result = maintain(spark, plan, args.retain_days, args.retain_last, args.orphan_margin_hours)
            log(f"{result.table}: files {result.files_before} -> {result.files_after}, "
                f"manifests {result.manifests_before} -> {result.manifests_after}, "
                f"{result.expired_snapshots} expired snapshot files, {result.orphan_files_removed} orphans removed ({result.seconds}s)")
            results.append(result)
        print(json.dumps({"logical_date": args.date, "results": [asdict(r) for r in results]}))
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
