"""Builders shared by the progress, reminder and anomaly tests."""

from __future__ import annotations

from datetime import date, datetime

from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.progress.deadlines import LOCAL_TZ
from hoso.organisation.models import Position, TeachingAssignment
from hoso.testing.factories import make_staff, make_student


def vn(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=LOCAL_TZ)


def put(
    world,
    student,
    school_class,
    subject,
    column: str,
    value: str,
    *,
    entered_at: datetime | None = None,
    assessed_on: date | None = None,
    term=None,
) -> Assessment:
    """A result as if entered at ``entered_at`` (tests of counting, not of entry)."""
    at = entered_at or vn(2026, 9, 14, 10)
    return Assessment.objects.create(
        student=student,
        school_class=school_class,
        subject=subject,
        term=term or world.term1,
        column=column,
        value=value,
        assessed_on=assessed_on or at.astimezone(LOCAL_TZ).date(),
        entered_by=world.users["subject"],
        entered_at=at,
        updated_at=at,
    )


def add_parallel_teaching(world):
    """6A2 gets math (the maths subject teacher) and literature (a second literature teacher
    of the Ngữ văn department, which has no head)."""
    lit_dept = world.people["homeroom"].department
    lit2 = make_staff(
        world.school, "Trịnh Thị Hương", username=f"lit2.{world.school.code}", department=lit_dept
    )
    world.people["lit2"] = lit2
    world.users["lit2"] = lit2.user
    TeachingAssignment.objects.create(
        teacher=world.people["subject"],
        school_class=world.class_b,
        subject=world.math,
        term=world.term1,
    )
    TeachingAssignment.objects.create(
        teacher=lit2, school_class=world.class_b, subject=world.literature, term=world.term1
    )
    return lit2


def more_students(world, school_class, names: list[str]):
    return [make_student(world.school, school_class, name) for name in names]


def second_vice(world):
    vice2 = make_staff(
        world.school,
        "Phan Văn Long",
        Position.VICE_PRINCIPAL,
        username=f"vice2.{world.school.code}",
    )
    world.people["vice2"] = vice2
    world.users["vice2"] = vice2.user
    return vice2
