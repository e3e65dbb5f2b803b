"""An import batch can be cancelled while it waits for the worker (the commit then writes
nothing), and a commit lost with its worker is run again or, lost too often, fails visibly;
cancel, retry and the loss are audited.

GIVEN the class-list world of students' test_import and an upload of two students, queued."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.imports import actions
from hoso.imports.models import ImportBatch
from hoso.students.importing.importer import CLASS_LIST
from hoso.students.models import Student
from hoso.students.tests.test_import import ANH, BINH, make_world, template_row, xlsx

pytestmark = pytest.mark.django_db
State = ImportBatch.State


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def queued(world):
    actor = world.actor("homeroom")
    batch = actions.import_upload(
        actor=actor,
        importer=CLASS_LIST,
        target=world.school_class,
        filename="lop.xlsx",
        data=xlsx([template_row(**ANH), template_row(**BINH)]),
    )
    actions.import_queue_commit(actor=actor, batch=batch)  # on_commit never runs here
    batch.refresh_from_db()
    assert batch.state == State.QUEUED
    return batch


def test_a_queued_batch_is_cancelled_and_the_commit_then_writes_nothing(world, queued):
    actions.import_cancel(actor=world.actor("homeroom"), batch=queued)
    assert actions.import_run_commit(batch_id=queued.pk).state == State.CANCELLED
    assert Student.objects.filter(school=world.school).count() == 0
    event = AuditEvent.objects.get(event_type="import.cancelled")
    assert event.before == {"state": "queued"}


def test_a_lost_commit_runs_again_and_writes_once(world, queued):
    assert actions.import_worker_lost(batch_id=queued.pk, give_up=False) is True
    assert actions.import_run_commit(batch_id=queued.pk).state == State.COMMITTED
    assert actions.import_run_commit(batch_id=queued.pk).state == State.COMMITTED  # twice
    assert Student.objects.filter(school=world.school).count() == 2
    assert actions.import_worker_lost(batch_id=queued.pk, give_up=False) is False


def test_a_commit_lost_too_often_fails_visibly_and_can_be_retried(world, queued):
    assert actions.import_worker_lost(batch_id=queued.pk, give_up=True) is False
    queued.refresh_from_db()
    assert queued.state == State.FAILED
    assert "dừng đột ngột" in queued.errors[0]["message"]
    actions.import_retry(actor=world.actor("homeroom"), batch=queued)
    queued.refresh_from_db()
    assert queued.state == State.PREVIEW and not queued.errors
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"import.worker_lost", "import.retried"} <= types
