from datetime import date

import pytest
from django.db import IntegrityError, transaction

from hoso.organisation.models import SchoolClass, SchoolYear, TeachingAssignment


@pytest.mark.django_db
def test_school_weeks_follow_the_calendar(world):
    weeks = world.year.weeks()
    assert weeks[0] == (1, date(2026, 8, 31), date(2026, 9, 6))  # 5 Sep 2026 is a Saturday
    assert weeks[1][1] == date(2026, 9, 7)
    assert world.year.week_of(date(2026, 9, 5)) == 1
    assert world.year.week_of(date(2026, 9, 7)) == 2
    assert world.year.week_of(date(2026, 11, 22)) == 12
    assert world.year.week_of(date(2027, 6, 30)) is None
    assert weeks[-1][1] <= world.year.end_date <= weeks[-1][2]


@pytest.mark.django_db
def test_class_names_are_unique_within_a_year(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolClass.objects.create(year=world.year, grade=world.class_a.grade, name="6A1")


@pytest.mark.django_db
def test_one_teacher_owns_a_class_subject_term(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachingAssignment.objects.create(
            teacher=world.people["homeroom"],
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
        )


@pytest.mark.django_db
def test_year_dates_are_checked(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolYear.objects.create(
            school=world.school,
            name="2030-2031",
            start_date=date(2031, 1, 1),
            end_date=date(2030, 9, 1),
        )
