"""Concurrent requests on PostgreSQL: five print requests of one person at once create at most
MAX_OPEN_JOBS jobs; a job started twice by the queue runs once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hoso.core.errors import DomainError
from hoso.printing import actions
from hoso.printing.models import PrintJob

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are only meaningful on PostgreSQL (run with DATABASE_URL=postgres://…)",
    ),
]


@pytest.fixture(autouse=True)
def _queue_holds_jobs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _race(fn, n):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_requests_respect_the_open_job_limit(world):
    actor = world.actor("clerk")
    results = _race(lambda: actions.job_create(actor=actor, scope="school", output="pdf").pk, n=5)
    made = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == actions.MAX_OPEN_JOBS, results
    assert len(refused) == 5 - actions.MAX_OPEN_JOBS
    assert all(r.code == "printing.too_many_jobs" for r in refused)
    assert PrintJob.objects.count() == actions.MAX_OPEN_JOBS


def test_a_job_run_twice_at_once_renders_once(world):
    job = actions.job_create(
        actor=world.actor("homeroom"), scope="class", output="pdf", class_id=world.class_a.pk
    )
    results = _race(lambda: actions.job_run(job.pk).state, n=2)
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == 1
    from hoso.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="printing.job_done").count() == 1
    assert "done" in results
