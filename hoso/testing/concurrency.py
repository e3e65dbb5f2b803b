"""Run functions at the same moment in threads (each with its own database connection), for
tests of concurrent writers on PostgreSQL."""

from __future__ import annotations

import threading

from django.db import connections


def race(*fns, timeout: float | None = None) -> list:
    """Start ``fns`` together behind a barrier; their results, or the exception each raised."""
    barrier = threading.Barrier(len(fns))
    results: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
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
