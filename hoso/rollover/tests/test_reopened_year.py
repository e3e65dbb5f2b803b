"""A closed year reopened for one area: that area may be written, the others stay read-only,
and everything is read-only again once the time is up (no job needed).

GIVEN the small school's year closed WHEN the principal reopens it for an area THEN…"""

from __future__ import annotations

from datetime import timedelta

import pytest

from hoso.accounts.policies import Perm, can
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.gradebook.entry.actions import assessment_save
from hoso.gradebook.entry.sheets import load_sheet
from hoso.records.policies import can_sync
from hoso.rollover import actions
from hoso.transcripts.policies import can_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    world.year.is_closed = True
    world.year.save()
    return world


def reopen(w, *areas, days=5):
    actions.year_reopen(
        actor=w.actor("principal"),
        year=w.year,
        reason="Còn việc của năm trước",
        purpose="Hoàn thiện " + ", ".join(areas),
        scope=list(areas),
        until=clock.now() + timedelta(days=days),
    )
    w.year.refresh_from_db()


def save_math(w):
    sheet = load_sheet(w.class_a, w.math, w.term1)
    return assessment_save(
        actor=w.actor("subject"), sheet=sheet, student=w.student_a, column_key="TX1", raw_value="8"
    )


def test_a_closed_year_refuses_every_area(closed):
    w = closed
    assert w.actor("clerk").readonly_year
    assert not can(w.actor("clerk"), Perm.EDIT_STUDENTS)
    assert not can_draft(w.actor("homeroom"), w.class_a)
    with pytest.raises(DomainError) as exc:
        save_math(w)
    assert "khóa" in exc.value.message


def test_reopened_for_transcripts_only(closed, time_machine):
    w = closed
    reopen(w, "transcripts")
    homeroom = w.actor("homeroom")
    assert not homeroom.readonly_year and homeroom.can_write("transcripts")
    assert can_draft(homeroom, w.class_a)
    assert not can(w.actor("clerk"), Perm.EDIT_STUDENTS)  # students: still read-only
    assert not can(w.actor("principal"), Perm.MANAGE_ORGANISATION)
    with pytest.raises(DomainError):
        save_math(w)  # the grade book: still read-only
    time_machine.move_to(clock.now() + timedelta(days=6))
    w.year.refresh_from_db()
    assert w.actor("homeroom").readonly_year
    assert not can_draft(w.actor("homeroom"), w.class_a)


def test_reopened_for_students_and_the_grade_book(closed):
    w = closed
    reopen(w, "students", "gradebook", "records")
    assert can(w.actor("clerk"), Perm.EDIT_STUDENTS)
    assert save_math(w).value == "8.0"
    assert not can_draft(w.actor("homeroom"), w.class_a)
    assert can_sync(w.actor("principal")) and w.actor("principal").can_write("records")
