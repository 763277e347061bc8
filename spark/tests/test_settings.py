"""The Spark settings every job shares: built from the environment, nothing else."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lakehouse.settings import CATALOG, LOCK_HEARTBEAT_KEY, LOCK_HEARTBEAT_MS, MissingSettingError, spark_conf

ENV = {
    "LAKEHOUSE_S3_ENDPOINT": "http://127.0.0.1:9000",
    "LAKEHOUSE_S3_ACCESS_KEY": "lakehouse-spark",
    "LAKEHOUSE_S3_SECRET_KEY": "s3cr3t",
    "LAKEHOUSE_METASTORE_URI": "thrift://127.0.0.1:9083",
}


def test_iceberg_catalog_on_the_metastore_with_s3fileio() -> None:
    conf = spark_conf(ENV)
    cat = f"spark.sql.catalog.{CATALOG}"
    assert conf[cat] == "org.apache.iceberg.spark.SparkCatalog"
    assert conf[f"{cat}.type"] == "hive"
    assert conf[f"{cat}.uri"] == "thrift://127.0.0.1:9083"
    assert conf[f"{cat}.io-impl"] == "org.apache.iceberg.aws.s3.S3FileIO"
    assert conf[f"{cat}.s3.access-key-id"] == "lakehouse-spark"
    assert conf["spark.hadoop.fs.s3a.secret.key"] == "s3cr3t"
    assert conf["spark.sql.session.timeZone"] == "UTC"


def test_region_defaults_and_can_be_set() -> None:
    assert spark_conf(ENV)[f"spark.sql.catalog.{CATALOG}.client.region"] == "us-east-1"
    assert spark_conf({**ENV, "LAKEHOUSE_S3_REGION": "eu-west-1"})["spark.hadoop.fs.s3a.endpoint.region"] == "eu-west-1"


def test_every_missing_variable_is_named() -> None:
    env = dict(ENV)
    del env["LAKEHOUSE_METASTORE_URI"]
    del env["LAKEHOUSE_S3_SECRET_KEY"]
    with pytest.raises(MissingSettingError, match="LAKEHOUSE_S3_SECRET_KEY, LAKEHOUSE_METASTORE_URI"):
        spark_conf(env)


def test_commit_locks_heartbeat_well_within_the_metastores_lock_timeout() -> None:
    """A live job's lock must never expire (three heartbeats per timeout), and a dead job's must
    expire soon: the two values live in two files, the Spark settings and the metastore's site."""
    assert spark_conf(ENV)[f"spark.hadoop.{LOCK_HEARTBEAT_KEY}"] == str(LOCK_HEARTBEAT_MS)
    site = ET.parse(Path(__file__).resolve().parents[2] / "metastore" / "metastore-site.xml").getroot()
    props = {p.findtext("name"): p.findtext("value") for p in site.iter("property")}
    timeout_s = int(re.fullmatch(r"(\d+)s", props["metastore.txn.timeout"]).group(1))
    assert LOCK_HEARTBEAT_MS * 3 <= timeout_s * 1000 <= 120_000
