"""One harness for the concurrency tests (grading, awards, seats): real threads, each
with its own database connection, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(
    work: Callable[[int], object],
    count: int,
    *,
    expected: tuple[type[BaseException], ...] = (),
    timeout: int = 300,
) -> tuple[list, list]:
    """Run `work(index)` in `count` threads released together. Returns their results (in
    no particular order; an `expected` exception counts as a result) and every other
    exception. Each thread closes its own database connection when it ends."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait(timeout=30)
            results.append(work(index))
        except expected as refused:
            results.append(refused)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, errors
