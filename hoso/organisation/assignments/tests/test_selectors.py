"""Who teaches, who is homeroom teacher, on a day: before, on and after a change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso.organisation.assignments import selectors
from hoso.organisation.assignments.tests.helpers import (
    DEC_1,
    DEC_31,
    JAN_1,
    homeroom_from_january,
    replace_math,
)
from hoso.organisation.models import HomeroomAssignment, TeachingAssignment


def teacher_on(world, day):
    return selectors.teacher_of(
        school_class=world.class_a, subject=world.math, term=world.term1, on=day
    )


def test_reference_day_is_today_inside_the_year_its_first_day_before_and_its_last_after(world):
    year = world.year
    assert selectors.reference_day(year, today=date(2026, 11, 20)) == date(2026, 11, 20)
    assert selectors.reference_day(year, today=date(2026, 8, 15)) == year.start_date
    assert selectors.reference_day(year, today=date(2027, 7, 1)) == year.end_date
    assert selectors.reference_day(year) == date(2026, 11, 20)  # the suite's clock


@pytest.mark.django_db
def test_a_replacement_from_a_date_changes_the_teacher_on_that_day_not_before(world):
    # GIVEN Toán 6A1 replaced from 1 December
    replace_math(world)
    # THEN the old teacher teaches until 30 November, the new one from 1 December
    assert teacher_on(world, DEC_1 - timedelta(days=1)) == world.people["subject"]
    assert teacher_on(world, DEC_1) == world.people["deputy"]
    assert teacher_on(world, date(2027, 5, 31)) == world.people["deputy"]
    # and today (20 November) it is still the old one
    assert (
        selectors.teacher_of(school_class=world.class_a, subject=world.math, term=world.term1)
        == world.people["subject"]
    )


@pytest.mark.django_db
def test_a_temporary_replacement_hands_the_class_back_the_day_after(world):
    replace_math(world, ends_on=DEC_31)
    assert teacher_on(world, date(2026, 11, 30)) == world.people["subject"]
    assert teacher_on(world, DEC_1) == world.people["deputy"]
    assert teacher_on(world, DEC_31) == world.people["deputy"]
    assert teacher_on(world, JAN_1) == world.people["subject"]


@pytest.mark.django_db
def test_a_future_change_takes_effect_on_its_day_without_a_job(world, time_machine):
    replace_math(world)
    assert (
        selectors.teacher_of(school_class=world.class_a, subject=world.math, term=world.term1)
        == world.people["subject"]
    )
    time_machine.move_to(date(2026, 12, 1))
    assert (
        selectors.teacher_of(school_class=world.class_a, subject=world.math, term=world.term1)
        == world.people["deputy"]
    )


@pytest.mark.django_db
def test_homeroom_teacher_on_a_day(world):
    homeroom_from_january(world)
    assert selectors.homeroom_teacher_of(world.class_a, on=DEC_31) == world.people["homeroom"]
    assert selectors.homeroom_teacher_of(world.class_a, on=JAN_1) == world.people["deputy"]
    assert selectors.homeroom_teachers([world.class_a.pk, world.class_b.pk], on=JAN_1) == {
        world.class_a.pk: world.people["deputy"]
    }
    assert list(selectors.classes_without_homeroom(world.year.classes.all(), on=JAN_1)) == [
        world.class_b
    ]


@pytest.mark.django_db
def test_a_closed_year_keeps_its_final_owners(world, time_machine):
    # GIVEN a change during the year, and the year over and closed
    replace_math(world)
    world.year.is_closed = True
    world.year.save()
    time_machine.move_to(date(2027, 9, 20))
    # THEN prints and transcripts (the reference day: the year's last) name the final teacher
    assert selectors.reference_day(world.year) == world.year.end_date
    assert selectors.sheet_teachers(school_class=world.class_a, term=world.term1) == {
        (world.math.pk, world.term1.pk): world.people["deputy"],
        (world.literature.pk, world.term1.pk): world.people["homeroom"],
    }


@pytest.mark.django_db
def test_history_lists_every_row_oldest_first(world):
    replace_math(world, ends_on=DEC_31)
    rows = selectors.cell_history(school_class=world.class_a, subject=world.math, term=world.term1)
    assert [(r.teacher.pk, r.starts_on, r.ends_on) for r in rows] == [
        (world.people["subject"].pk, None, date(2026, 11, 30)),
        (world.people["deputy"].pk, DEC_1, DEC_31),
        (world.people["subject"].pk, JAN_1, None),
    ]
    teaching, homerooms = selectors.teacher_history(world.people["subject"], world.year)
    assert len(teaching) == 2 and homerooms == []


@pytest.mark.django_db
def test_in_force_counts_both_ends_of_a_row(world):
    row = TeachingAssignment.objects.get(school_class=world.class_a, subject=world.math)
    row.starts_on, row.ends_on = DEC_1, DEC_31
    row.save()
    assert not row.is_in_force(DEC_1 - timedelta(days=1))
    assert row.is_in_force(DEC_1) and row.is_in_force(DEC_31)
    assert not row.is_in_force(JAN_1)
    assert TeachingAssignment.objects.in_force(DEC_31).filter(pk=row.pk).exists()
    assert not TeachingAssignment.objects.in_force(JAN_1).filter(pk=row.pk).exists()
    assert HomeroomAssignment.objects.in_force(JAN_1).count() == 1
