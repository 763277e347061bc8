"""A dependency that is down is named at once."""
import socket

import pytest

from lakehouse.preflight import DependencyDown, check_reachable


def test_a_listening_port_passes() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_reachable("Hive Metastore", f"thrift://127.0.0.1:{server.getsockname()[1]}")


def test_a_closed_port_names_the_service_and_what_to_do() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DependencyDown, match=rf"the Hive Metastore at thrift://127.0.0.1:{port} is not reachable .*lakehouse local up"):
        check_reachable("Hive Metastore", f"thrift://127.0.0.1:{port}", timeout_s=1)
