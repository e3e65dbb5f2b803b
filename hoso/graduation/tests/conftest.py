"""A grade-9 class in the small school: its homeroom teacher, a council's worth of staff, three
students with approved "Lên lớp" year results; helpers for results and absences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from hoso.accounts.actor import build_actor
from hoso.attendance.models import AttendanceMark
from hoso.core import clock
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.graduation import actions
from hoso.graduation.models import CouncilMember
from hoso.organisation.models import (
    GradeLevel,
    HomeroomAssignment,
    Level,
    Position,
    SchoolClass,
)
from hoso.testing.factories import make_staff, make_student

REVIEW = date(2027, 6, 5)


def approve(school_class, decisions: dict, period: str = "year") -> ClassResult:
    """The grade book's approved result of ``period`` for the class: {student: data}."""
    cr, _ = ClassResult.objects.update_or_create(
        school_class=school_class, period=period, defaults={"state": ClassResult.State.APPROVED}
    )
    for student, data in decisions.items():
        StudentResult.objects.update_or_create(
            class_result=cr,
            student=student,
            defaults={
                "data": data,
                "inputs_hash": "x",
                "ruleset_version": "TT22",
                "computed_at": clock.now(),
            },
        )
    return cr


def absent(student, school_class, count: int, *, session: str = "morning", start=None) -> None:
    day = start or date(2026, 9, 7)
    made = 0
    while made < count:
        if day.weekday() < 5:
            AttendanceMark.objects.create(
                school=school_class.year.school,
                student=student,
                school_class=school_class,
                date=day,
                session=session,
                status="absent",
                excuse="excused",
                marked_at=clock.now(),
            )
            made += 1
        day += timedelta(days=1)


@dataclass
class Grade9:
    world: object
    grade: GradeLevel
    klass: SchoolClass
    other: SchoolClass
    homeroom: object  # Staff of 9A1
    students: list
    council_staff: list

    def actor(self, key: str):
        if key == "homeroom9":
            return build_actor(self.homeroom.user, self.world.school, self.world.year)
        return self.world.actor(key)

    def full_council(self, rnd, size: int = 7) -> None:
        roles = ["chair", "vice_chair", "secretary"] + ["member"] * (size - 3)
        kinds = {
            0: CouncilMember.Kind.PRINCIPAL,
            1: CouncilMember.Kind.VICE_PRINCIPAL,
        }
        for i, staff in enumerate(self.council_staff[:size]):
            actions.council_member_add(
                actor=self.world.actor("principal"),
                rnd=rnd,
                staff=staff,
                role=roles[i],
                kind=kinds.get(i, CouncilMember.Kind.OTHER),
            )

    def dossier_all(self, rnd) -> None:
        for c in rnd.candidates.all():
            actions.candidate_update(
                actor=self.world.actor("clerk"),
                candidate=c,
                dossier={"hoc_ba": True, "birth_certificate": True},
                has_priority=False,
                age_exception="",
            )


@pytest.fixture
def g9(world):
    grade = GradeLevel.objects.create(school=world.school, number=9, level=Level.LOWER_SECONDARY)
    klass = SchoolClass.objects.create(year=world.year, grade=grade, name="9A1")
    other = SchoolClass.objects.create(year=world.year, grade=grade, name="9A2")
    homeroom = make_staff(world.school, "Phan Thị Chín", username=f"hr9.{world.school.code}")
    HomeroomAssignment.objects.create(teacher=homeroom, school_class=klass)
    students = [
        make_student(world.school, klass, "Lê Minh Khang", birth=date(2012, 2, 1)),
        make_student(world.school, klass, "Võ Thị Ngọc", birth=date(2012, 5, 9), gender="F"),
        make_student(world.school, other, "Trịnh Quốc Bảo", birth=date(2012, 8, 3)),
    ]
    approve(klass, {s: {"decision": "LEN_LOP"} for s in students[:2]})
    approve(other, {students[2]: {"decision": "LEN_LOP"}})
    p = world.people
    council_staff = [
        p["principal"],
        p["vice"],
        p["clerk"],
        p["dept_head"],
        homeroom,
        p["doi"],
        p["homeroom"],
        p["subject"],
        p["deputy"],
    ]
    assert p["principal"].position == Position.PRINCIPAL
    return Grade9(world, grade, klass, other, homeroom, students, council_staff)
