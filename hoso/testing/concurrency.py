"""Run functions at the same moment in threads (each with its own database connection), for
the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def race(*fns: Callable[[], object]) -> list[object]:
    """Start every function at once (a barrier); their results, or the exception each raised."""
    barrier = threading.Barrier(len(fns))
    results: list[object] = [None] * len(fns)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fns[i]()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def postgres_only_marks() -> list:
    """``pytestmark`` of a module of PostgreSQL concurrency tests (skipped elsewhere)."""
    import pytest
    from django.db import connection

    return [
        pytest.mark.postgres_only,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(
            connection.vendor != "postgresql",
            reason="row locks are only meaningful on PostgreSQL (run with DATABASE_URL=postgres://…)",
        ),
    ]
