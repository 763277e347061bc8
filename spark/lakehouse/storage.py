"""Small object-store helpers through Spark's own Hadoop filesystem (S3A): the job needs
no second S3 client, and the same code works on any filesystem Spark can reach."""
from __future__ import annotations

from pyspark.sql import SparkSession


def _fs_and_path(spark: SparkSession, uri: str):  # noqa: ANN202 (py4j objects)
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def read_text(spark: SparkSession, uri: str) -> str | None:
    """The object's content, or None when it does not exist."""
    fs, path = _fs_and_path(spark, uri)
    if not fs.exists(path):
        return None
    stream = fs.open(path)
    try:
        return spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()


def size(spark: SparkSession, uri: str) -> int | None:
    """The object's size in bytes, or None when it does not exist."""
    fs, path = _fs_and_path(spark, uri)
    return int(fs.getFileStatus(path).getLen()) if fs.exists(path) else None


def write_text(spark: SparkSession, uri: str, content: str) -> None:
    """Writes (replaces) one small object."""
    fs, path = _fs_and_path(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(content.encode("utf-8")))
    finally:
        out.close()


def delete(spark: SparkSession, uri: str) -> None:
    fs, path = _fs_and_path(spark, uri)
    fs.delete(path, False)


def list_files(spark: SparkSession, uri: str) -> list[str]:
    """Object URIs directly under a prefix ('directory'); empty when there is none."""
    fs, path = _fs_and_path(spark, uri)
    if not fs.exists(path):
        return []
    return sorted(str(s.getPath().toString()) for s in fs.listStatus(path) if s.isFile())
