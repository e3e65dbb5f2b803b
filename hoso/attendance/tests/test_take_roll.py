"""Taking a roll: everyone present but the marked, scope, days, members only, audited."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from hoso.attendance.actions import take_roll
from hoso.attendance.models import AttendanceMark, AttendanceRoll
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 19)  # a Thursday of term I, before the fixed clock's today


def test_homeroom_marks_the_absent_the_rest_are_present(world):
    w = world
    other = make_student(w.school, w.class_a, "Trần Văn Bình")
    roll = take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=DAY,
        session="morning",
        marks={w.student_a.id: "absent", other.id: "late"},
    )
    marks = {m.student_id: m.status for m in AttendanceMark.objects.all()}
    assert marks == {w.student_a.id: "absent", other.id: "late"}
    # Retaken: the late one came on time after all.
    take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=DAY,
        session="morning",
        marks={w.student_a.id: "absent"},
    )
    assert list(AttendanceMark.objects.values_list("student_id", flat=True)) == [w.student_a.id]
    assert AttendanceRoll.objects.get() == roll
    events = AuditEvent.objects.filter(event_type="attendance.roll_taken").order_by("id")
    assert events.count() == 2
    assert events.last().before["marks"] == {
        str(w.student_a.id): "absent",
        str(other.id): "late",
    }


def test_only_the_homeroom_teacher_or_a_leader(world):
    w = world
    for who in ("subject", "parent", "clerk"):
        with pytest.raises(PermissionDenied):
            take_roll(
                actor=w.actor(who), school_class=w.class_a, day=DAY, session="morning", marks={}
            )
    take_roll(
        actor=w.actor("principal"), school_class=w.class_a, day=DAY, session="morning", marks={}
    )


@pytest.mark.parametrize(
    "day,session",
    [(date(2026, 11, 21), "morning"), (date(2026, 11, 23), "morning"), (DAY, "evening")],
    ids=["saturday", "future", "bad-session"],
)
def test_refused_days_and_sessions(world, day, session):
    w = world
    with pytest.raises(DomainError):
        take_roll(
            actor=w.actor("homeroom"), school_class=w.class_a, day=day, session=session, marks={}
        )
    assert not AttendanceRoll.objects.exists()


def test_a_student_who_left_is_not_marked_after_leaving(world):
    w = world
    Enrolment.objects.filter(student=w.student_a).update(
        status="transferred_out", end_date=date(2026, 11, 10)
    )
    with pytest.raises(DomainError):
        take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=DAY,
            session="morning",
            marks={w.student_a.id: "absent"},
        )
    # Before leaving, yes.
    take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=date(2026, 11, 9),
        session="morning",
        marks={w.student_a.id: "absent"},
    )
    assert AttendanceMark.objects.count() == 1
