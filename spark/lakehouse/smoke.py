"""Smoke job: proves Spark, the Hive Metastore and the object store work together.

Creates an Iceberg table through the metastore, writes three rows to S3, reads them back
and prints a JSON report. Used by the integration tests and `lakehouse local check`.
"""
from __future__ import annotations

import argparse
import json

from lakehouse.session import lakehouse_session
from lakehouse.settings import CATALOG


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--location", required=True, help="s3:// location of the schema")
    args = parser.parse_args()

    spark = lakehouse_session("lakehouse-smoke")
    try:
        table = f"{CATALOG}.{args.schema}.spark_written"
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {CATALOG}.{args.schema} LOCATION '{args.location}'")
        spark.sql(f"CREATE OR REPLACE TABLE {table} (id BIGINT, name STRING) USING iceberg")
        spark.createDataFrame([(1, "bronze"), (2, "silver"), (3, "gold")], "id BIGINT, name STRING").writeTo(table).append()
        rows = spark.table(table).orderBy("id").collect()
        print(json.dumps({"table": table, "rows_read_back": len(rows), "names": [r.name for r in rows]}))
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
