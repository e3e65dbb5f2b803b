"""A worker killed (SIGKILL) in the middle of an import commit: nothing partial, nothing twice.

GIVEN a class-list upload of three students, queued for commit on the database task backend,
WHEN a real worker (``manage.py run_worker``, a subprocess on the test database) has written every
row inside the commit's transaction and is killed with SIGKILL before it commits,
THEN no student is there and the batch still waits (its task RUNNING on a dead worker);
WHEN a new worker starts after the dead worker's lease expired,
THEN it recovers the lost task (FAILED, "worker lost"), runs the commit again, and the three
students are written once; the batch is COMMITTED.

Slow (two Django processes, ≈ 20 s): ``-m "not worker_kill"`` skips it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from hoso.core import jobs
from hoso.imports import actions as import_actions
from hoso.imports.models import ImportBatch
from hoso.imports.registry import register, unregister
from hoso.imports.tests.slowkind.importer import SLOW_CLASS_LIST
from hoso.students.models import Enrolment, Student
from hoso.students.tests.test_import import AN, ANH, BINH, make_world, template_row, xlsx

pytestmark = [pytest.mark.worker_kill, pytest.mark.django_db(transaction=True)]

DEADLINE = 120  # seconds for each wait: the test never hangs


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(tmp_path: Path, name: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hoso.imports.tests.worker_settings",
        "DATABASE_URL": _database_url(),
        "HOSO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "HOSO_JOB_HEARTBEAT_SECONDS": "1",
        **env,
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "run_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            name,
            *(["--batch"] if name == "second" else []),
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )


def _wait(predicate, what: str, tmp_path: Path) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.name}\n{p.read_text()}" for p in tmp_path.glob("*.log"))
    pytest.fail(f"Timed out waiting for {what}.\n{logs}")


@pytest.fixture
def slow_kind(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    register(SLOW_CLASS_LIST)
    yield SLOW_CLASS_LIST
    unregister(SLOW_CLASS_LIST.kind)


def test_a_worker_killed_mid_commit_leaves_nothing_and_the_next_worker_finishes(
    slow_kind, tmp_path
):
    # GIVEN a queued class-list commit of three students
    world = make_world()
    actor = world.actor("homeroom")
    rows = [template_row(**ANH), template_row(**BINH), template_row(**AN)]
    batch = import_actions.import_upload(
        actor=actor,
        importer=slow_kind,
        target=world.school_class,
        filename="lop6a1.xlsx",
        data=xlsx(rows),
    )
    assert batch.state == ImportBatch.State.PREVIEW and not batch.errors
    import_actions.import_queue_commit(actor=actor, batch=batch)
    task = DBTaskResult.objects.get()
    assert task.status == "READY"

    def students() -> int:
        return Student.objects.filter(school=world.school).count()

    marker = tmp_path / "written"
    first = _worker(
        tmp_path,
        "first",
        HOSO_TEST_COMMIT_PAUSE="300",
        HOSO_TEST_COMMIT_MARKER=str(marker),
    )
    try:
        # WHEN the first worker has written every row, uncommitted, and is killed
        _wait(marker.exists, "the first worker to write the rows", tmp_path)
        assert students() == 0  # written inside the transaction, not visible
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

    # THEN nothing is there, and the batch waits for ever on a dead worker
    assert students() == 0
    assert Enrolment.objects.filter(school_class=world.school_class).count() == 0
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.QUEUED
    task.refresh_from_db()
    assert task.status == "RUNNING" and task.worker_ids == ["first"]

    # WHEN a new worker starts once the dead worker's lease has expired (2 s here)
    time.sleep(3)
    second = _worker(tmp_path, "second", HOSO_JOB_LEASE_SECONDS="2")
    try:
        second.wait(timeout=DEADLINE)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    log = (tmp_path / "second.log").read_text()
    assert second.returncode == 0, log

    # THEN the lost run is failed with its reason, the commit ran again, once
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == jobs.LOST
    assert "dừng đột ngột" in task.traceback
    again = DBTaskResult.objects.exclude(pk=task.pk).get()
    assert again.status == "SUCCESSFUL", again.traceback
    assert again.worker_ids == ["second"]
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED, (batch.errors, log)
    assert batch.result["worker_lost"] == 1
    assert students() == 3
    assert sorted(Student.objects.values_list("student_code", flat=True)) == [
        "HS001",
        "HS002",
        "HS003",
    ]
    assert Enrolment.objects.filter(school_class=world.school_class).count() == 3
