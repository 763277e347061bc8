"""A session-scoped local SparkSession for the pure transformation tests (no services)."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyspark
import pytest
from pyspark.sql import SparkSession

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def functions_jar(tmp: Path) -> str:
    """The silver job's JVM functions (spark/functions): the jar the test runner built
    (LAKEHOUSE_SPARK_FUNCTIONS_JAR), or one built here with the same script."""
    built = os.environ.get("LAKEHOUSE_SPARK_FUNCTIONS_JAR")
    if built:
        return built
    jar = tmp / "lakehouse-spark-functions.jar"
    spark_jars = os.path.join(os.path.dirname(pyspark.__file__), "jars")
    subprocess.run(["bash", str(FUNCTIONS / "build.sh"), spark_jars, str(jar)], check=True)
    return str(jar)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("lakehouse-unit-tests")
        .config("spark.jars", functions_jar(tmp_path_factory.mktemp("functions")))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
