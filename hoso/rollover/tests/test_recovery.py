"""A queued rollover can be cancelled; one whose worker was lost is run again (nothing was
written: the commit is one transaction) or, lost too often, fails visibly.

GIVEN the rollover school of test_rollover (every class's results approved)."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.rollover import actions
from hoso.rollover.models import Rollover
from hoso.rollover.tests.test_rollover import approve_all, school  # noqa: F401 (fixture)
from hoso.students.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(school):  # noqa: F811
    approve_all(school)
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    actions.rollover_queue(actor=clerk, rollover=rollover)  # on_commit never runs here
    rollover.refresh_from_db()
    assert rollover.state == Rollover.State.QUEUED
    return rollover


def test_a_queued_rollover_is_cancelled_and_then_never_runs(school, queued):  # noqa: F811
    actions.rollover_cancel(actor=school.actor("clerk"), rollover=queued)
    assert actions.rollover_run(rollover_id=queued.pk).state == Rollover.State.CANCELLED
    assert not Enrolment.objects.filter(year__school=school.school).exclude(year=school.year)


def test_a_lost_rollover_runs_again_once(school, queued):  # noqa: F811
    Rollover.objects.filter(pk=queued.pk).update(
        state=Rollover.State.RUNNING, started_at=clock.now()
    )
    assert actions.rollover_worker_lost(rollover_id=queued.pk, give_up=False) is True
    queued.refresh_from_db()
    assert queued.state == Rollover.State.QUEUED and queued.started_at is None
    assert actions.rollover_run(rollover_id=queued.pk).state == Rollover.State.DONE
    assert actions.rollover_worker_lost(rollover_id=queued.pk, give_up=False) is False
    assert AuditEvent.objects.filter(event_type="rollover.requeued").count() == 1


def test_a_rollover_lost_too_often_fails_visibly(school, queued):  # noqa: F811
    assert actions.rollover_worker_lost(rollover_id=queued.pk, give_up=True) is False
    queued.refresh_from_db()
    assert queued.state == Rollover.State.FAILED and "dừng đột ngột" in queued.error
