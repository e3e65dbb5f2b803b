"""Worker leases and the recovery of tasks lost with their worker (hoso/core/jobs.py).

GIVEN tasks on the database backend marked RUNNING by a worker, and that worker's lease,
WHEN recover_jobs runs, THEN only the tasks of workers whose lease expired are failed ("worker
lost") and handed to the handler their domain registered, which requeues them or, after
HOSO_JOB_MAX_ATTEMPTS lost runs in a row, gives up.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from hoso.core import clock, jobs
from hoso.core.models import WorkerLease

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@task()
def followed(item_id: int) -> int:
    return item_id


@task()
def unfollowed(item_id: int) -> int:
    return item_id


@jobs.on_worker_lost(followed)
def _followed_lost(*, args, kwargs, give_up):
    CALLS.append({"args": args, "give_up": give_up})
    return not give_up


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HOSO_JOB_LEASE_SECONDS = 60
    settings.HOSO_JOB_MAX_ATTEMPTS = 3
    CALLS.clear()


def running(a_task, *args, worker="w1", started_ago=5) -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=a_task.enqueue(*args).id)
    result.status = "RUNNING"
    result.worker_ids = [worker]
    result.started_at = clock.now() - timedelta(seconds=started_ago)
    result.save()
    return result


def lease(worker="w1", seen_ago=5) -> WorkerLease:
    now = clock.now()
    return WorkerLease.objects.create(
        worker_id=worker,
        hostname="h",
        pid=1,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(seconds=seen_ago),
    )


def test_a_task_of_a_live_worker_is_left_alone():
    lease(seen_ago=5)
    result = running(followed, 7, started_ago=3600)
    assert jobs.recover_jobs() == []
    result.refresh_from_db()
    assert result.status == "RUNNING" and CALLS == []


def test_a_task_of_a_dead_worker_is_failed_and_requeued_by_its_domain():
    lease(seen_ago=61)
    result = running(followed, 7)
    [recovered] = jobs.recover_jobs()
    assert recovered.outcome == "requeued" and recovered.worker_id == "w1"
    result.refresh_from_db()
    assert result.status == "FAILED" and result.exception_class_path == jobs.LOST
    assert "dừng đột ngột" in result.traceback
    assert CALLS == [{"args": [7], "give_up": False}]
    again = DBTaskResult.objects.exclude(pk=result.pk).get()
    assert again.status == "READY" and again.args_kwargs == result.args_kwargs
    assert not WorkerLease.objects.exists()  # the dead worker's lease is gone
    assert jobs.recover_jobs() == []  # recovered once


def test_a_worker_without_a_lease_counts_from_the_start_of_its_task():
    young = running(followed, 1, worker="plain", started_ago=30)
    old = running(followed, 2, worker="plain", started_ago=90)
    assert [r.task_id for r in jobs.recover_jobs()] == [str(old.pk)]
    young.refresh_from_db()
    assert young.status == "RUNNING"


def test_after_max_attempts_lost_runs_in_a_row_the_domain_gives_up():
    for attempt in (1, 2, 3):
        lease(worker=f"w{attempt}", seen_ago=120)
        if attempt == 1:
            running(followed, 7, worker="w1")
        else:
            ready = DBTaskResult.objects.get(status="READY")
            ready.status, ready.worker_ids = "RUNNING", [f"w{attempt}"]
            ready.started_at = clock.now()
            ready.save()
        [recovered] = jobs.recover_jobs()
        assert recovered.outcome == ("left" if attempt == 3 else "requeued")
    assert [c["give_up"] for c in CALLS] == [False, False, True]
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_finished_run_resets_the_count():
    finished = DBTaskResult.objects.get(pk=followed.enqueue(7).id)
    finished.status, finished.finished_at = "SUCCESSFUL", clock.now()
    finished.save()
    lease(seen_ago=120)
    running(followed, 7)
    jobs.recover_jobs()
    assert CALLS == [{"args": [7], "give_up": False}]


def test_a_task_without_a_handler_is_only_marked_failed():
    lease(seen_ago=120)
    result = running(unfollowed, 3)
    [recovered] = jobs.recover_jobs()
    assert recovered.outcome == "failed"
    result.refresh_from_db()
    assert result.status == "FAILED" and result.exception_class_path == jobs.LOST
    assert DBTaskResult.objects.count() == 1


def test_a_worker_never_declares_itself_lost():
    lease(seen_ago=120)
    running(followed, 7)
    assert jobs.recover_jobs(exclude_worker="w1") == []


def test_the_heartbeat_renews_and_gives_back_its_lease(settings):
    settings.HOSO_JOB_HEARTBEAT_SECONDS = 3600  # the thread sleeps; beats are called here
    beat = jobs.Heartbeat("me", recover=False)
    beat.start()
    first = WorkerLease.objects.get(worker_id="me").heartbeat_at
    WorkerLease.objects.filter(worker_id="me").delete()  # e.g. recovered by mistake
    beat.beat()
    assert WorkerLease.objects.get(worker_id="me").heartbeat_at >= first
    beat.stop()
    assert not WorkerLease.objects.filter(worker_id="me").exists()


def test_the_recover_jobs_command_reports(capsys):
    lease(seen_ago=120)
    running(followed, 7)
    call_command("recover_jobs")
    assert "Đã thu hồi 1 việc." in capsys.readouterr().out
