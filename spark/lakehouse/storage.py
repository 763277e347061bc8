"""Small object-store helpers through Spark's own Hadoop filesystem (S3A): the job needs
no second S3 client, and the same code works on any filesystem Spark can reach."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from py4j.java_gateway import JavaObject
from py4j.protocol import Py4JJavaError
from pyspark.sql import SparkSession

T = TypeVar("T")
R = TypeVar("R")

# Calls in flight at once. Each is one to three S3 requests of ~40-130 ms that wait on the
# network, not the CPU: a year's run made ~2,000 of them (manifests, object sizes, markers), one
# after another, which took minutes.
CONCURRENT_CALLS = 8


def concurrently(call: Callable[[T], R], items: Iterable[T], workers: int = CONCURRENT_CALLS) -> list[R]:
    """call(item) for every item, several at a time, results in the items' order; the first
    failure is raised. py4j gives each Python thread its own connection to the JVM, and Hadoop's
    filesystems are thread-safe."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, items))


def _not_found(e: Py4JJavaError) -> bool:
    return e.java_exception.getClass().getName() == "java.io.FileNotFoundException"


def _fs_and_path(spark: SparkSession, uri: str) -> tuple[JavaObject, JavaObject]:
    """Hadoop's FileSystem for `uri` and its Path (py4j handles)."""
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
    """The object's size in bytes, or None when it does not exist (one status request, where
    exists() and then getFileStatus() made two)."""
    fs, path = _fs_and_path(spark, uri)
    try:
        return int(fs.getFileStatus(path).getLen())
    except Py4JJavaError as e:
        if _not_found(e):
            return None
        raise


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
