"""The monthly confirmation: in the window, after it (closed), and the finalising job."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hoso.attendance import selectors
from hoso.attendance.actions import confirm_month, finalise_months, take_roll
from hoso.attendance.models import AttendanceMark, AttendanceSettings
from hoso.audit.models import AuditEvent
from hoso.core.clock import VN_TZ
from hoso.core.errors import DomainError
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


def at(day: date, hour: int = 9):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ), tick=False
    )


def _absences(w, days, student=None):
    student = student or w.student_a
    for d in days:
        take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=d,
            session="morning",
            marks={student.id: "absent"},
        )
    return list(AttendanceMark.objects.filter(student=student).order_by("date"))


def test_month_state_follows_the_window():
    s = AttendanceSettings(confirm_from=1, confirm_until=5)
    assert selectors.month_state(s, OCT, date(2026, 10, 20)) == "open"
    assert selectors.month_state(s, OCT, date(2026, 11, 5)) == "open"
    assert selectors.month_state(s, OCT, date(2026, 11, 6)) == "closed"
    assert selectors.month_state(s, OCT, date(2026, 9, 30)) == "future"
    late = AttendanceSettings(confirm_from=3, confirm_until=7)
    assert selectors.month_state(late, OCT, date(2026, 11, 2)) == "waiting"
    assert selectors.month_state(late, OCT, date(2026, 11, 7)) == "open"
    assert selectors.closed_months_before(s, date(2026, 11, 6)) == OCT
    assert selectors.closed_months_before(s, date(2026, 11, 5)) == date(2026, 9, 1)


def test_homeroom_confirms_in_the_window_and_it_is_audited(world):
    w = world
    with at(date(2026, 11, 3)):
        a, b = _absences(w, [date(2026, 10, 14), date(2026, 10, 15)])
        n = confirm_month(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            month=OCT,
            excuses={a.pk: "excused", b.pk: "unexcused"},
        )
    assert n == 2
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.letter, b.letter) == ("P", "K")
    assert a.confirmed_by == w.users["homeroom"] and a.confirmed_at is not None
    event = AuditEvent.objects.get(event_type="attendance.month_confirmed")
    assert event.before["excuses"] == {str(a.pk): "", str(b.pk): ""}
    assert event.after["excuses"] == {str(a.pk): "excused", str(b.pk): "unexcused"}


def test_after_the_window_edits_are_refused(world):
    w = world
    with at(date(2026, 11, 3)):
        (a,) = _absences(w, [date(2026, 10, 14)])
    with at(date(2026, 11, 6)):
        with pytest.raises(DomainError) as exc:
            confirm_month(
                actor=w.actor("homeroom"),
                school_class=w.class_a,
                month=OCT,
                excuses={a.pk: "excused"},
            )
        assert exc.value.code == "attendance_month_confirmed"
        assert "đề nghị sửa" in exc.value.message
        with pytest.raises(DomainError) as exc:
            take_roll(
                actor=w.actor("homeroom"),
                school_class=w.class_a,
                day=date(2026, 10, 14),
                session="morning",
                marks={},
            )
        assert exc.value.code == "attendance_month_confirmed"
    a.refresh_from_db()
    assert a.excuse == "" and a.status == "absent"


def test_only_the_homeroom_teacher_or_a_leader_confirms(world):
    w = world
    with at(date(2026, 11, 3)):
        (a,) = _absences(w, [date(2026, 10, 14)])
        for who in ("subject", "parent", "clerk", "admin"):
            with pytest.raises(PermissionDenied):
                confirm_month(
                    actor=w.actor(who),
                    school_class=w.class_a,
                    month=OCT,
                    excuses={a.pk: "excused"},
                )


def test_a_mark_of_another_class_is_refused(world):
    w = world
    with at(date(2026, 11, 3)):
        (a,) = _absences(w, [date(2026, 10, 14)])
        with pytest.raises(DomainError) as exc:
            confirm_month(
                actor=w.actor("principal"),
                school_class=w.class_b,
                month=OCT,
                excuses={a.pk: "excused"},
            )
    assert exc.value.code == "attendance_no_mark"


def test_finalise_on_the_sixth_makes_the_unconfirmed_unexcused_once(world):
    w = world
    other = make_student(w.school, w.class_a, "Lê Thị Cúc")
    with at(date(2026, 11, 3)):
        a, b = _absences(w, [date(2026, 10, 14), date(2026, 10, 15)])
        (c,) = _absences(w, [date(2026, 10, 16)], student=other)
        confirm_month(
            actor=w.actor("homeroom"), school_class=w.class_a, month=OCT, excuses={a.pk: "excused"}
        )
        # Inside the window nothing happens.
        assert finalise_months() == []
    with at(date(2026, 11, 5), hour=23):
        assert finalise_months() == []
    with at(date(2026, 11, 6), hour=0):
        out = io.StringIO()
        call_command("attendance_finalise", stdout=out)
        assert "Lớp 6A1 tháng 2026-10: 2 lượt thành không phép" in out.getvalue()
        again = finalise_months()
    assert again == []  # idempotent
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.letter, b.letter, c.letter) == ("P", "K", "K")
    assert a.confirmed_by == w.users["homeroom"]
    assert b.confirmed_at is not None and b.confirmed_by is None
    events = AuditEvent.objects.filter(event_type="attendance.month_finalised")
    assert events.count() == 1
    assert events.get().after == {
        "class": "6A1",
        "month": "2026-10",
        "unexcused": 2,
        "excused_kept": 0,
    }


def test_finalise_leaves_the_open_month_alone(world):
    w = world
    (n,) = _absences(w, [date(2026, 11, 19)])
    assert finalise_months() == []
    n.refresh_from_db()
    assert n.excuse == "" and n.confirmed_at is None
