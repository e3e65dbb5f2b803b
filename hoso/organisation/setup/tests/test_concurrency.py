"""Concurrent set-up writers on PostgreSQL: GIVEN two people submitting at the same moment, THEN
the school's and the year's row locks queue them, and the second is refused with the set-up's own
message (never a database error, never two rows)."""

from __future__ import annotations

import pytest
from django.db import connection

from hoso.core.errors import DomainError
from hoso.organisation.models import Department, SchoolClass, SchoolYear
from hoso.organisation.setup import actions
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import fresh_school, make_year
from hoso.testing.concurrency import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)


def _one_refused(results, code):
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], DomainError) and errors[0].code == code, errors


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_class_make_one():
    fresh = fresh_school()
    make_year(fresh)
    admin, vice = fresh.actor("admin"), fresh.actor("vice")
    results = race(
        lambda: actions.classes_add(actor=admin, grade_number=6, names=["6A1"], sessions_per_day=1),
        lambda: actions.classes_add(actor=vice, grade_number=6, names=["6a1"], sessions_per_day=1),
    )
    _one_refused(results, SetupError.CLASS_NAME_TAKEN)
    assert SchoolClass.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_creating_the_same_year_make_one():
    fresh = fresh_school()
    admin, vice = fresh.actor("admin"), fresh.actor("vice")
    results = race(
        lambda: actions.year_create(actor=admin, plan=cal.proposed_calendar(2026)),
        lambda: actions.year_create(actor=vice, plan=cal.proposed_calendar(2026)),
    )
    _one_refused(results, SetupError.YEAR_NAME_TAKEN)
    assert SchoolYear.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_naming_a_department_alike_make_one():
    fresh = fresh_school()
    admin, vice = fresh.actor("admin"), fresh.actor("vice")
    results = race(
        lambda: actions.department_create(actor=admin, name="Tổ Toán", kind="subject"),
        lambda: actions.department_create(actor=vice, name="tổ toán", kind="subject"),
    )
    _one_refused(results, SetupError.DEPARTMENT_NAME_TAKEN)
    assert Department.objects.count() == 1
