"""The child's page costs a fixed number of queries: more subjects, more columns, more months of
attendance, more transcripts do not add any."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hoso.attendance.models import AttendanceMark
from hoso.core import clock
from hoso.gradebook.tests.results_helpers import put
from hoso.organisation.models import Subject, SubjectOffering
from hoso.parents.child.models import PublicationSettings

from .helpers import approved_term1, finalise

pytestmark = pytest.mark.django_db

#: the page's queries on a server, approved period and comments included (bench/pages.py
#: enforces ≤ 25 on the demo): 9 of every page (session, user, actor, the layout's year list and
#: notices), 10 of the page, 3 of its audit line; the test's transaction adds savepoints, not
#: counted
PINNED = 22


def _count(client, world) -> int:
    url = reverse("parents:child", args=[world.student_a.pk])
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(
        [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    )


def _marks(world, days: int):
    today = clock.today()
    for n in range(days):
        AttendanceMark.objects.get_or_create(
            school=world.school,
            student=world.student_a,
            school_class=world.class_a,
            date=today - timedelta(days=1 + 3 * n),
            session="morning",
            period=0,
            defaults={"status": "absent", "marked_at": timezone.now()},
        )


def test_queries_do_not_grow_with_subjects_columns_or_months(client, world):
    """GIVEN term I approved for seven subjects, columns published once finalised, a month of
    absences
    WHEN the page is measured, then again with three more subjects, more finalised columns and
    absences over three months
    THEN the same number of queries, within the pinned budget."""
    PublicationSettings.objects.create(school=world.school, mode="columns")
    rich, _ = approved_term1(world)
    term2 = rich.term2
    put(world, world.student_a, world.math, term2, {"TX1": "8.0"})
    finalise(world, world.math, term2, "TX1")
    _marks(world, 5)
    client.force_login(world.users["parent"])
    small = _count(client, world)

    for n in range(3):
        subject = Subject.objects.create(
            school=world.school,
            level=world.math.level,
            code=f"EXTRA{n}",
            name=f"Môn thêm {n}",
            assessment="score",
            order=20 + n,
        )
        SubjectOffering.objects.create(
            subject=subject, grade=world.class_a.grade, periods_per_year=70
        )
        put(world, world.student_a, subject, term2, {"TX1": "9.0", "TX2": "8.0", "GK": "7.5"})
        for column in ("TX1", "TX2", "GK"):
            finalise(world, subject, term2, column)
    _marks(world, 30)
    large = _count(client, world)
    assert large == small
    assert large == PINNED
