"""Every daily page of bench/pages.py asks the database a fixed number of times, whatever the
size of the class or of the school (issue 14): GIVEN the small school, WHEN a page is opened,
then the school grows (more students in the class, another class with its students and teacher,
more records waiting) and the page is opened again, THEN it made the same number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.archive.testing import make_obligation, make_record_type
from hoso.organisation.models import HomeroomAssignment, SchoolClass, TeachingAssignment
from hoso.testing.factories import make_staff, make_student

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 11, 13, 17, 0, tzinfo=VN)


def _records(world) -> dict:
    """A record type reviewed by the department head, one plan submitted by the subject
    teacher (waiting in the head's inbox) and one by the homeroom teacher."""
    plans = make_record_type(world.school, chain=["department_head"])
    return {
        "plans": plans,
        "subject": make_obligation(
            world.year,
            plans,
            owner_staff=world.people["subject"],
            due_at=DUE,
            first_submitted_at=DUE - timedelta(days=1),
        ),
    }


def _grow(world, records) -> None:
    """Five more students in 6A1, a class 6A3 of five with its homeroom and maths teachers,
    and a submitted plan of every teacher of the maths department for six weeks."""
    for i in range(5):
        make_student(world.school, world.class_a, f"Lê Văn Thêm{i}")
    class_c = SchoolClass.objects.create(year=world.year, grade=world.class_a.grade, name="6A3")
    for i in range(5):
        make_student(world.school, class_c, f"Phạm Thị Mới{i}", gender="F")
    teacher = make_staff(world.school, "Trịnh Văn Mới", username="new.teacher")
    TeachingAssignment.objects.create(
        teacher=teacher, school_class=class_c, subject=world.math, term=world.term1
    )
    TeachingAssignment.objects.create(
        teacher=world.people["subject"],
        school_class=class_c,
        subject=world.literature,
        term=world.term1,
    )
    HomeroomAssignment.objects.create(teacher=teacher, school_class=class_c)
    for person in (world.people["subject"], world.people["deputy"]):
        for week in range(6):
            make_obligation(
                world.year,
                records["plans"],
                owner_staff=person,
                due_at=DUE - timedelta(weeks=week + 1),
                first_submitted_at=DUE - timedelta(weeks=week + 1, days=1),
            )


def _pages(world, records) -> list[tuple[str, str]]:
    a, math, term = world.class_a.pk, world.math.pk, world.term1.pk
    return [
        ("principal", reverse("home:index")),
        ("vice", reverse("home:index")),
        ("dept_head", reverse("home:index")),
        ("homeroom", reverse("home:index")),
        ("subject", reverse("home:index")),
        ("clerk", reverse("home:index")),
        ("admin", reverse("home:index")),
        ("parent", reverse("home:index")),
        ("inspector", reverse("home:index")),
        ("subject", reverse("gradebook:sheet", args=[a, math, term])),
        ("principal", reverse("gradebook:results_class", args=[a])),
        ("principal", reverse("gradebook:results_lists")),
        ("principal", reverse("gradebook:progress")),
        ("dept_head", reverse("records:inbox")),
        ("dept_head", reverse("records:obligation", args=[records["subject"].pk])),
        ("subject", reverse("records:mine")),
        ("principal", reverse("records:board")),
        ("principal", reverse("transcripts:class", args=[a])),
        ("principal", reverse("organisation:classes")),
        ("principal", reverse("organisation:class_detail", args=[a])),
        ("homeroom", reverse("students:detail", args=[world.student_a.pk])),
        ("parent", reverse("students:detail", args=[world.student_a.pk])),
        ("clerk", reverse("students:register")),
        ("admin", reverse("accounts:admin")),
    ]


PAGES = [
    "principal home",
    "vice home",
    "dept_head home",
    "homeroom home",
    "subject home",
    "clerk home",
    "admin home",
    "parent home",
    "inspector home",
    "grid",
    "results of a class",
    "results lists",
    "progress board",
    "records inbox",
    "record",
    "my records",
    "compliance board",
    "transcripts of a class",
    "class list",
    "class",
    "student (homeroom)",
    "student (parent)",
    "enrolment register",
    "accounts",
]


# Pages still over bench/pages.py's limit of 25 queries (docs/PERFORMANCE.md, "Pages"): bounded,
# but not yet within it.
OVER_THE_LIMIT: dict[str, str] = {}


def _count(client: Client, url: str) -> int:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(PAGES)), ids=PAGES)
def test_the_page_asks_the_same_whatever_the_size(world, index):
    records = _records(world)
    role, url = _pages(world, records)[index]
    client = Client()
    client.force_login(world.users[role])
    client.get(url)  # warm: session, the actor's caches
    small = _count(client, url)
    _grow(world, records)
    client.get(url)
    assert _count(client, url) == small
    if PAGES[index] in OVER_THE_LIMIT:
        assert small > 25  # fixed? remove it from OVER_THE_LIMIT
        pytest.xfail(OVER_THE_LIMIT[PAGES[index]])
    assert small <= 25
