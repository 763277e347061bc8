"""Object-store calls run several at a time, with results in order and failures raised."""
import threading
import time

import pytest

from lakehouse.storage import concurrently


def test_results_keep_the_items_order_while_calls_overlap() -> None:
    in_flight, most = 0, 0
    lock = threading.Lock()

    def call(n: int) -> int:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.02 * (5 - n % 5))  # later items finish first
        with lock:
            in_flight -= 1
        return n * n

    assert concurrently(call, range(20), workers=4) == [n * n for n in range(20)]
    assert most == 4


def test_a_failing_call_is_raised() -> None:
    def call(n: int) -> int:
        if n == 3:
            raise FileNotFoundError("s3a://bronze/x: no such object")
        return n

    with pytest.raises(FileNotFoundError, match="no such object"):
        concurrently(call, range(8))
