"""The save path reads locks and its writability flags with raw SQL; these tests keep the raw
statements equal to their ORM forms on both databases.

GIVEN locks of every scope (school, grade, class, subject, term; past, future, opened), WHEN the
raw and the ORM queries are asked for each sheet, THEN they return the same locks."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from hoso.gradebook.entry import policies
from hoso.gradebook.entry.locks import locks_for_sheet, locks_for_sheet_query
from hoso.gradebook.entry.models import BookLock, SheetColumn
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.models import ClassResult

pytestmark = pytest.mark.django_db


def test_locks_raw_and_orm_agree(world):
    now = timezone.now()
    term2 = world.year.terms.get(number=2)
    ordered_by = world.actor("principal").staff
    scopes = {
        "grade": [None, world.class_a.grade],
        "school_class": [None, world.class_a, world.class_b],
        "subject": [None, world.math, world.literature],
        "term": [None, world.term1, term2],
    }
    for grade, school_class, subject, term in product(*scopes.values()):
        for effective, opened in (
            (now - timedelta(days=1), None),
            (now + timedelta(days=1), None),
            (now - timedelta(days=2), now - timedelta(days=1)),
        ):
            BookLock.objects.create(
                school=world.school,
                year=world.year,
                grade=grade,
                school_class=school_class,
                subject=subject,
                term=term,
                effective_at=effective,
                opened_at=opened,
                ordered_by=ordered_by,
                created_by=world.users["principal"],
            )
    for school_class, subject, term in product(
        (world.class_a, world.class_b), (world.math, world.literature), (world.term1, term2)
    ):
        raw = {lock.pk for lock in locks_for_sheet(school_class, subject, term)}
        orm = set(locks_for_sheet_query(school_class, subject, term).values_list("pk", flat=True))
        assert raw == orm and raw


def test_writable_flags_follow_the_data(world):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    flags = policies.writable_flags(world.actor("subject"), sheet, "GK")
    assert flags == {"assigned": True, "finalised": False, "approved": False}
    assert policies.writable_flags(world.actor("homeroom"), sheet, "GK")["assigned"] is False
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="GK",
        finalised_at=timezone.now(),
    )
    ClassResult.objects.create(school_class=world.class_a, period="year", state="approved")
    flags = policies.writable_flags(world.actor("subject"), sheet, "GK")
    assert flags == {"assigned": True, "finalised": True, "approved": True}
    assert policies.writable_flags(world.actor("subject"), sheet, "CK")["finalised"] is False
