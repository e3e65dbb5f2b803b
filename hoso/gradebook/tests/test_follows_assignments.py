"""The grade book follows the teacher of a column from the date of a change (phân công from a
date, ADR 0004): GIVEN Toán 6A1 (term I) handed from Vũ Minh Đức to Phạm Thị Hoa from
1 December, WHEN each enters, finalises, is reminded or counted, THEN the column answers to its
teacher of the day and nothing already entered changes owner."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.core.errors import PermissionDeniedError
from hoso.gradebook.entry.actions import assessment_save, columns_finalise
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.progress.actions import grade_reminders_send
from hoso.gradebook.progress.selectors import progress_board
from hoso.gradebook.tests.progress_helpers import put, vn
from hoso.notifications.models import Notification
from hoso.organisation.assignments.tests.helpers import DEC_31, replace_math


def save(world, who, column, value):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    return assessment_save(
        actor=world.actor(who),
        sheet=sheet,
        student=world.student_a,
        column_key=column,
        raw_value=value,
    )


def refused(world, who, column="TX3"):
    with pytest.raises(PermissionDeniedError) as exc:
        save(world, who, column, "5")
    return exc.value.code == GradebookError.NOT_ASSIGNED


@pytest.mark.django_db
def test_from_the_date_the_new_teacher_enters_and_the_old_one_no_longer(world, time_machine):
    replace_math(world)
    # Before 1 December the column is still the old teacher's
    save(world, "subject", "TX1", "7")
    assert refused(world, "deputy")
    time_machine.move_to(date(2026, 12, 1))
    assert refused(world, "subject")
    save(world, "deputy", "TX2", "8")
    # Nothing already entered changed owner
    authors = dict(
        Assessment.objects.filter(subject=world.math).values_list("column", "entered_by")
    )
    assert authors == {"TX1": world.users["subject"].pk, "TX2": world.users["deputy"].pk}
    # The new teacher finalises the column; the old one's result stays its own
    sheet = load_sheet(world.class_a, world.math, world.term1)
    columns_finalise(actor=world.actor("deputy"), sheet=sheet, column_keys=["TX1"])
    assert SheetColumn.objects.get(column="TX1").finalised_by == world.users["deputy"]
    assert Assessment.objects.get(column="TX1").entered_by == world.users["subject"]


@pytest.mark.django_db
def test_after_a_temporary_replacement_the_teacher_writes_again(world, time_machine):
    replace_math(world, ends_on=DEC_31)
    time_machine.move_to(date(2026, 12, 15))
    save(world, "deputy", "TX1", "6")
    assert refused(world, "subject")
    time_machine.move_to(date(2027, 1, 4))
    save(world, "subject", "TX2", "9")
    assert refused(world, "deputy")
    assert Assessment.objects.get(column="TX1").entered_by == world.users["deputy"]


@pytest.mark.django_db
def test_reminders_go_to_the_teacher_of_the_day(world):
    replace_math(world)
    friday = vn(2026, 12, 4, 16)  # the day before Saturday 5/12 15:00
    grade_reminders_send(now=friday, schools=[world.school])
    reminded = set(
        Notification.objects.filter(kind__startswith="grade_reminder", text__contains="Toán")
        .values_list("user_id", flat=True)
        .distinct()
    )
    assert reminded == {world.users["deputy"].pk}
    # and before the change, the old teacher was the one reminded
    Notification.objects.all().delete()
    grade_reminders_send(now=vn(2026, 11, 27, 16), schools=[world.school])
    reminded = set(
        Notification.objects.filter(kind__startswith="grade_reminder", text__contains="Toán")
        .values_list("user_id", flat=True)
        .distinct()
    )
    assert reminded == {world.users["subject"].pk}


@pytest.mark.django_db
def test_progress_names_the_teacher_of_the_day_and_not_its_predecessors_lateness(world):
    # A result the old teacher entered late (due Saturday 19/9, entered 30/9)
    put(
        world,
        world.student_a,
        world.class_a,
        world.math,
        "TX1",
        "7",
        entered_at=vn(2026, 9, 30, 10),
        assessed_on=date(2026, 9, 14),
    )
    vice = world.actor("vice")

    def math_row(now):
        board = progress_board(vice, term=world.term1, now=now)
        return next(r for r in board.rows if r.subject == world.math)

    before = math_row(vn(2026, 11, 25, 10))
    assert before.teacher == world.people["subject"] and before.counts.late == 1
    replace_math(world)
    after = math_row(vn(2026, 12, 2, 10))
    assert after.teacher == world.people["deputy"]
    assert after.counts.late == 0  # the predecessor's lateness is not the new teacher's
    assert after.counts.entered == before.counts.entered  # the result itself still counts
