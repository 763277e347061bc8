"""The one way a lakehouse job builds its Spark session: settings from the environment."""
from __future__ import annotations

import os

from pyspark.sql import SparkSession

from lakehouse.settings import spark_conf


def lakehouse_session(app_name: str) -> SparkSession:
    builder = SparkSession.builder.appName(app_name)
    for key, value in spark_conf(os.environ).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
