"""The rollover and the students who moved during the year (WAVE2 §12, rollover checklist):
repeaters go to the same grade (same student, a new class row), dropped-out and transferred-out
students are not pulled into the next year, a student who changed class moves on from its new
class, one who came back moves once, and rows already in the next year are never overwritten."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.core import clock
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.organisation.models import GradeLevel, Level, SchoolClass, SchoolYear
from hoso.rollover import actions
from hoso.rollover.models import Rollover
from hoso.students import actions as student_actions
from hoso.students.models import Enrolment, Student
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def approve(school_class, decisions: dict) -> None:
    cr, _ = ClassResult.objects.update_or_create(
        school_class=school_class,
        period="year",
        defaults={"state": ClassResult.State.APPROVED, "approved_at": clock.now()},
    )
    for student, decision in decisions.items():
        StudentResult.objects.update_or_create(
            class_result=cr,
            student=student,
            defaults={
                "data": {"decision": decision},
                "inputs_hash": "test",
                "ruleset_version": "TT22_2021@test",
                "computed_at": clock.now(),
            },
        )


@pytest.fixture
def moved(world):
    """6A1: An promoted; Chí changed to 6A2 (repeats there); Dũng dropped out; Em dropped out
    and came back to 6A1 (promoted); Giang transferred out. 6A2: Bình repeats."""
    GradeLevel.objects.create(school=world.school, number=7, level=Level.LOWER_SECONDARY)
    clerk = world.actor("clerk")
    s = {"an": world.student_a, "binh": world.student_b}
    for key, name in (
        ("chi", "Lê Văn Chí"),
        ("dung", "Phạm Văn Dũng"),
        ("em", "Hồ Văn Em"),
        ("giang", "Vũ Thị Giang"),
    ):
        s[key] = make_student(world.school, world.class_a, name)

    def open_of(key):
        return s[key].enrolments.get(end_date__isnull=True)

    student_actions.enrolment_change_class(
        actor=clerk, enrolment=open_of("chi"), school_class=world.class_b, on=date(2026, 12, 2)
    )
    student_actions.enrolment_end(
        actor=clerk, enrolment=open_of("dung"), status="dropped_out", end_date=date(2027, 1, 5)
    )
    student_actions.enrolment_end(
        actor=clerk, enrolment=open_of("em"), status="dropped_out", end_date=date(2026, 10, 1)
    )
    student_actions.enrolment_return(
        actor=clerk, student=s["em"], school_class=world.class_a, on=date(2026, 10, 20)
    )
    student_actions.enrolment_end(
        actor=clerk, enrolment=open_of("giang"), status="transferred_out", end_date=date(2027, 2, 1)
    )
    approve(world.class_a, {s["an"]: "LEN_LOP", s["em"]: "LEN_LOP"})
    approve(world.class_b, {s["binh"]: "O_LAI_LOP", s["chi"]: "O_LAI_LOP"})
    world.s = s
    return world


def _run(world, django_capture_on_commit_callbacks) -> tuple[Rollover, SchoolYear]:
    clerk = world.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=world.year)
    assert rollover.problems == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.rollover_queue(actor=clerk, rollover=rollover)
    rollover.refresh_from_db()
    assert rollover.state == Rollover.State.DONE, rollover.error
    return rollover, SchoolYear.objects.get(school=world.school, name="2027-2028")


def test_moved_students_at_the_rollover(moved, django_capture_on_commit_callbacks):
    w = moved
    rollover, new = _run(w, django_capture_on_commit_callbacks)
    placed = {e.student_id: e for e in Enrolment.objects.filter(year=new)}
    # repeaters: the same grade, the same student, a new class row in the new year
    for key in ("binh", "chi"):
        e = placed[w.s[key].pk]
        assert e.school_class.grade.number == 6 and e.school_class.year == new
        assert e.school_class.name == "6A2"  # Chí repeats from the class it changed to
        assert e.school_class.pk != w.class_b.pk
    assert Student.objects.filter(school=w.school).count() == 6  # no student created
    # promoted, the one who came back moved once
    assert placed[w.s["an"].pk].school_class.name == "7A1"
    assert placed[w.s["em"].pk].school_class.name == "7A1"
    assert Enrolment.objects.filter(student=w.s["em"], year=new).count() == 1
    # those who left the school stay behind
    assert w.s["dung"].pk not in placed and w.s["giang"].pk not in placed
    assert set(placed) == {w.s[k].pk for k in ("an", "binh", "chi", "em")}
    # last year's rows: the outcome on the open ones, the left ones untouched
    old = Enrolment.objects.filter(year=w.year)
    assert set(old.filter(outcome="repeating").values_list("student_id", flat=True)) == {
        w.s["binh"].pk,
        w.s["chi"].pk,
    }
    left = old.filter(end_date__isnull=False)
    assert set(left.values_list("status", flat=True)) == {
        "class_changed",
        "dropped_out",
        "transferred_out",
    }
    assert not left.exclude(outcome="").exists()
    w.year.refresh_from_db()
    assert w.year.is_closed  # nobody waits


def test_rows_in_the_next_year_are_not_overwritten_for_a_repeater(
    moved, django_capture_on_commit_callbacks
):
    w = moved
    new = SchoolYear.objects.create(
        school=w.school, name="2027-2028", start_date=date(2027, 9, 6), end_date=date(2028, 5, 30)
    )
    placed_by_hand = SchoolClass.objects.create(year=new, grade=w.class_a.grade, name="6A3")
    Enrolment.objects.create(
        student=w.s["chi"], year=new, school_class=placed_by_hand, start_date=date(2027, 9, 6)
    )
    rollover, _ = _run(w, django_capture_on_commit_callbacks)
    assert [s["name"] for s in rollover.result["skipped"]] == ["Lê Văn Chí"]
    assert Enrolment.objects.get(student=w.s["chi"], year=new).school_class == placed_by_hand
