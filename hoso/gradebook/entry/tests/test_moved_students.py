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


def _moved_with_tx1(world):
    """An: TX1 = 8 entered in 6A1, then moved to 6A2 on 02/11 (the same teacher teaches both)."""
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


def test_class_change_keeps_the_old_row_and_carries_the_student(world):
    _moved_with_tx1(world)
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


def test_the_new_class_cannot_overwrite_what_the_old_class_holds(client, world):
    from hoso.audit.models import AuditEvent
    from hoso.gradebook.entry.models import Assessment

    _moved_with_tx1(world)
    saved_before = AuditEvent.objects.filter(event_type="grade.saved").count()
    with pytest.raises(Exception) as info:
        _save(world, world.class_b, world.student_a, "TX1", "3")
    assert getattr(info.value, "code", "") == "OTHER_CLASS"
    assert "lớp 6A1" in info.value.message and "đơn đề nghị sửa điểm" in info.value.message
    cell = Assessment.objects.get(student=world.student_a, column="TX1")
    assert (cell.value, cell.school_class_id) == ("8.0", world.class_a.pk)
    assert AuditEvent.objects.filter(event_type="grade.saved").count() == saved_before
    # the old class still reads 8, the new class shows it read-only with where it came from
    assert _rows(world, world.class_a)[world.student_a.pk].cells["TX1"].value == "8.0"
    data = sheet_data(load_sheet(world.class_b, world.math, world.term1))
    assert data.other_class == {(world.student_a.pk, "TX1"): "6A1"}
    client.force_login(world.users["subject"])
    url = reverse("gradebook:sheet", args=[world.class_b.pk, world.math.pk, world.term1.pk])
    body = client.get(url).content.decode()
    assert "Nhập ở lớp 6A1 trước khi chuyển lớp" in body and "other-class" in body
    # the grid's save answers the same refusal
    save = reverse("gradebook:save_cell", args=[world.class_b.pk, world.math.pk, world.term1.pk])
    answer = client.post(
        save,
        data={"student": world.student_a.pk, "column": "TX1", "value": "3", "version": 1},
    )
    assert answer.status_code == 400 and "OTHER_CLASS" in answer.content.decode()
    assert Assessment.objects.get(student=world.student_a, column="TX1").value == "8.0"


def test_a_cell_from_the_old_class_is_corrected_by_a_request(world):
    from hoso.gradebook.corrections.actions import correction_request, protection_error
    from hoso.gradebook.corrections.tests.test_corrections import pdf

    _moved_with_tx1(world)
    sheet = load_sheet(world.class_b, world.math, world.term1)
    actor = world.actor("subject")
    assert protection_error(actor, sheet, "TX1") is None  # the column is open
    reason = protection_error(actor, sheet, "TX1", world.student_a)
    assert reason is not None and reason.code == "OTHER_CLASS"
    assert protection_error(actor, sheet, "TX2", world.student_a) is None
    request = correction_request(
        actor=actor,
        sheet=sheet,
        student=world.student_a,
        column_key="TX1",
        new_value="7",
        reason="Nhập nhầm khi còn ở lớp 6A1",
        files=[pdf()],
    )
    assert (request.single.old_value, request.single.new_value) == ("8.0", "7.0")


def test_books_hashes_and_signed_copies_carry_the_cells_brought_from_the_old_class(world):
    from hoso.gradebook.entry.selectors import class_cells
    from hoso.gradebook.signoff.actions import sheet_hash

    _moved_with_tx1(world)
    new_hash = sheet_hash(world.class_b, world.math, world.term1)
    _save(world, world.class_b, world.student_a, "TX2", "6")
    cells_b = {(c.student_id, c.column): c.value for c in class_cells(world.class_b, world.term1)}
    assert cells_b == {(world.student_a.pk, "TX1"): "8.0", (world.student_a.pk, "TX2"): "6.0"}
    cells_a = {(c.student_id, c.column): c.value for c in class_cells(world.class_a, world.term1)}
    assert cells_a == {(world.student_a.pk, "TX1"): "8.0"}  # not 6A2's TX2
    # the teacher's confirmation of 6A2 covers the brought cell; 6A1's does not move with 6A2
    assert sheet_hash(world.class_b, world.math, world.term1) != new_hash
    before_a = sheet_hash(world.class_a, world.math, world.term1)
    _save(world, world.class_b, world.student_a, "TX3", "9")
    assert sheet_hash(world.class_a, world.math, world.term1) == before_a
