"""Helpers for the transcripts tests: run the signing chain on a class."""

from __future__ import annotations

from hoso.testing.factories import make_student
from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD, approve_results


def add_students(world, n: int, school_class=None) -> list:
    school_class = school_class or world.class_a
    students = [
        make_student(world.school, school_class, f"Lê Thị Hồng Ngọc{i:02d}", gender="F")
        for i in range(n)
    ]
    approve_results(world, school_class)
    return students


def sign_chain(world, school_class=None, *, year=None) -> None:
    """Homeroom → vice principal's check → principal → clerk's seal on the class's drafts."""
    school_class = school_class or world.class_a

    def a(role):
        return world.actor(role, year=year)

    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=school_class, secret=PASSWORD
    )
    actions.transcripts_check(actor=a("vice"), school_class=school_class, approve=True)
    actions.transcripts_principal_sign(
        actor=a("principal"), school_class=school_class, secret=PASSWORD
    )
    actions.transcripts_issue(actor=a("clerk"), school_class=school_class, secret=PASSWORD)


def issue_class(world, school_class=None, *, year=None) -> list[Transcript]:
    """Draft → homeroom → check → principal → seal for every student of the class."""
    school_class = school_class or world.class_a
    actions.transcripts_draft_class(
        actor=world.actor("homeroom", year=year), school_class=school_class
    )
    sign_chain(world, school_class, year=year)
    return list(Transcript.objects.filter(school_class=school_class, state="issued"))
