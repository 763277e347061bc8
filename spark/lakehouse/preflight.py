"""Checks a job makes before it starts Spark: a dependency that is down fails the job at once,
with a message that names it, instead of a stack trace minutes later from deep inside."""
from __future__ import annotations

import socket
from collections.abc import Mapping
from urllib.parse import urlparse


class DependencyDown(RuntimeError):
    """A service the job needs does not answer."""


def check_reachable(name: str, uri: str, timeout_s: float = 5.0) -> None:
    parsed = urlparse(uri)
    host, port = parsed.hostname, parsed.port
    if not host or not port:
        raise DependencyDown(f"{name}: '{uri}' has no host and port")
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return
    except OSError as e:
        raise DependencyDown(
            f"the {name} at {uri} is not reachable ({e.strerror or e}); start it "
            f"(locally: lakehouse local up) and run the job again"
        ) from None


def check_job_dependencies(env: Mapping[str, str]) -> None:
    """The Hive Metastore and the object store, which every Spark job of the lakehouse uses."""
    check_reachable("Hive Metastore", env["LAKEHOUSE_METASTORE_URI"])
    check_reachable("object store", env["LAKEHOUSE_S3_ENDPOINT"])
