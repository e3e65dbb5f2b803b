"""The demo on any reference day: one school seeded at each of several days of the school year.

Each test seeds the lower-secondary school (the one with last year's approved class and issued
transcripts) on its own day — the clock marker sets it, as ``seed_demo`` takes the clock's today
by default — inside the test's transaction. Not marked ``calendar``: the days are its own.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso.accounts.models import User
from hoso.core import clock
from hoso.demo import data
from hoso.organisation.models import School, SchoolClass, SchoolYear, Staff
from hoso.students.models import Enrolment, RegisterEntry, Student

COHERENCE_DAYS = ("2026-09-03", "2026-12-07", "2027-01-14", "2027-05-27", "2027-07-15")


@pytest.mark.parametrize(
    "day", [pytest.param(d, marks=pytest.mark.clock(f"{d}T18:00:00")) for d in COHERENCE_DAYS]
)
@pytest.mark.django_db
def test_demo_is_coherent_on(day):
    """GIVEN the lower-secondary demo seeded on ``day`` (the clock's today, as seed_demo does by
    default) THEN nothing is dated after it, last year is closed with its results approved,
    hand-ins due before it are settled, and the grade book holds exactly what is past."""
    from hoso.demo.actions import demo_seed
    from hoso.gradebook.entry.models import Assessment, SheetColumn
    from hoso.gradebook.results.models import ClassResult
    from hoso.records.models import Decision, Obligation, Submission

    today = date.fromisoformat(day)
    assert clock.today() == today
    demo_seed(codes=("THCS-NT",))
    now = clock.now()
    cal = data.demo_calendar(today)
    school = School.objects.get(code="THCS-NT")
    years = {y.name: y for y in SchoolYear.objects.filter(school=school)}
    current, previous = years[cal.current.name], years[cal.previous.name]
    assert previous.is_closed and not current.is_closed and len(years) == 2
    # Nothing happened after today.
    assert not Enrolment.objects.filter(start_date__gt=today).exists()
    assert not RegisterEntry.objects.filter(entered_on__gt=today).exists()
    assert not Staff.objects.filter(start_date__gt=today).exists()
    assert not Student.objects.filter(birth_date__gt=today).exists()
    assert not Assessment.objects.filter(assessed_on__gt=today).exists()
    assert not Assessment.objects.filter(entered_at__gt=now).exists()
    assert not SheetColumn.objects.filter(finalised_at__gt=now).exists()
    assert not Submission.objects.filter(uploaded_at__gt=now).exists()
    assert not Decision.objects.filter(at__gt=now).exists()
    # Last year: its class results approved, every one of its columns finalised.
    assert ClassResult.objects.filter(
        school_class__year=previous, period="year", state=ClassResult.State.APPROVED
    ).exists()
    assert not SheetColumn.objects.filter(
        school_class__year=previous, finalised_at__isnull=True
    ).exists()
    # Hand-ins: due before today → most handed in; due over a week ahead → untouched.
    obligations = Obligation.objects.filter(year=current, is_active=True)
    due = obligations.filter(due_at__lt=now)
    if due.count() >= 20:
        settled = due.filter(state__in=["submitted", "approved", "returned"]).count()
        assert settled >= due.count() / 2, (settled, due.count())
    assert (
        not obligations.filter(due_at__gt=now + timedelta(days=7)).exclude(state="pending").exists()
    )
    # Grade book: a term not started is empty; a term over is filled in every class.
    cells = Assessment.objects.filter(term__year=current)
    classes = set(SchoolClass.objects.filter(year=current).values_list("pk", flat=True))
    for term in current.terms.all():
        in_term = cells.filter(term=term)
        if term.start_date > today:
            assert not in_term.exists()
        if term.end_date < today:
            for key in ("TX1", "GK", "CK"):
                filled = set(in_term.filter(column=key).values_list("school_class_id", flat=True))
                assert filled == classes, (term.number, key)
    if today < cal.current.start + timedelta(days=14):
        assert not cells.exists()
    # After the year's last day it is over: two classes (6A1, and 9A1 for the graduation review)
    # have their results approved, like last year.
    approved = ClassResult.objects.filter(
        school_class__year=current, state=ClassResult.State.APPROVED
    )
    if today > cal.current.end:
        assert set(approved.values_list("school_class__name", "period")) == {
            (name, period) for name in ("6A1", "9A1") for period in ("term1", "term2", "year")
        }
    else:
        assert not approved.exists()
    # The demo subject teacher keeps open columns to write in once anything is entered.
    gvbm = User.objects.get(username="gvbm")
    mine = cells.filter(entered_by=gvbm)
    if mine.exists():
        finalised = set(
            SheetColumn.objects.filter(
                finalised_by=gvbm, term__year=current, finalised_at__isnull=False
            ).values_list("school_class_id", "subject_id", "term_id", "column")
        )
        assert (
            finalised
            and set(mine.values_list("school_class_id", "subject_id", "term_id", "column"))
            - finalised
        )
