"""A student who changed class during the term: the old class's grid keeps it, read-only and
struck through, with what was entered there; the new class's grid carries it from the change."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hoso.gradebook.entry import actions
from hoso.gradebook.entry.selectors import sheet_data
from hoso.gradebook.entry.sheets import load_sheet
from hoso.organisation.models import TeachingAssignment
from hoso.students import actions as student_actions
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def _save(world, school_class, student, column, value):
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=load_sheet(school_class, world.math, world.term1),
        student=student,
        column_key=column,
        raw_value=value,
    )


def _rows(world, school_class):
    data = sheet_data(load_sheet(school_class, world.math, world.term1))
    return {r.student.pk: r for r in data.rows}


def test_class_change_keeps_the_old_row_and_carries_the_student(world):
    TeachingAssignment.objects.create(
        teacher=world.people["subject"],
        school_class=world.class_b,
        subject=world.math,
        term=world.term1,
    )
    _save(world, world.class_a, world.student_a, "TX1", "8")
    student_actions.enrolment_change_class(
        actor=world.actor("clerk"),
        enrolment=world.student_a.enrolments.get(),
        school_class=world.class_b,
        on=date(2026, 11, 2),
    )
    _save(world, world.class_b, world.student_a, "TX2", "6")
    old = _rows(world, world.class_a)[world.student_a.pk]
    assert not old.active
    assert set(old.cells) == {"TX1"}  # what was entered in 6A1 only
    new = _rows(world, world.class_b)[world.student_a.pk]
    assert new.active and {k: c.value for k, c in new.cells.items()} == {"TX1": "8.0", "TX2": "6.0"}
    # no more entry in the old class
    with pytest.raises(Exception) as info:
        _save(world, world.class_a, world.student_a, "TX3", "9")
    assert getattr(info.value, "code", "") == "NOT_ENROLLED"


def test_a_student_who_came_back_has_one_row_the_open_one(client, world):
    back = make_student(world.school, world.class_a, "Phạm Văn Về")
    clerk = world.actor("clerk")
    student_actions.enrolment_end(
        actor=clerk,
        enrolment=back.enrolments.get(),
        status="dropped_out",
        end_date=date(2026, 10, 1),
    )
    student_actions.enrolment_return(
        actor=clerk, student=back, school_class=world.class_a, on=date(2026, 10, 20)
    )
    assert Enrolment.objects.filter(student=back, school_class=world.class_a).count() == 2
    data = sheet_data(load_sheet(world.class_a, world.math, world.term1))
    assert [r.student.pk for r in data.rows].count(back.pk) == 1
    assert _rows(world, world.class_a)[back.pk].active
    _save(world, world.class_a, back, "TX1", "7")  # writable again


def test_grid_shows_the_leaving_date(client, world):
    student_actions.enrolment_change_class(
        actor=world.actor("clerk"),
        enrolment=world.student_a.enrolments.get(),
        school_class=world.class_b,
        on=date(2026, 11, 2),
        reason="Sĩ số",
    )
    client.force_login(world.users["subject"])
    url = reverse("gradebook:sheet", args=[world.class_a.pk, world.math.pk, world.term1.pk])
    body = client.get(url).content.decode()
    assert "Chuyển lớp 02/11/2026" in body and 'class="left"' in body
