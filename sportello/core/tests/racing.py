"""Real concurrency in tests: calls started at the same moment, each in its own thread and
database connection. Only PostgreSQL shares a test database between connections (SQLite's is
in memory, one connection), so these tests are skipped elsewhere (`needs_postgresql`)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: several connections at once on one database",
)


def race(*calls: Callable[[], object], timeout: float = 60) -> list:
    """Run the calls at the same moment; each call's result, or the exception it raised, in
    the calls' order (the test asserts on both)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # collected and asserted by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def race_times(count: int, call: Callable[[], object]) -> list:
    """`race` the same call `count` times (a double, triple… submit)."""
    return race(*[call] * count)


def race_all(calls: list[Callable[[], object]]) -> tuple[list, list[Exception]]:
    """`race` the calls; what they returned and what they raised, apart."""
    outcomes = race(*calls)
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    return [outcome for outcome in outcomes if not isinstance(outcome, Exception)], errors
