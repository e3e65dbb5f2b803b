"""The attendance demo: GIVEN the lower-secondary demo seeded on the suite's day (20/11/2026),
THEN each class has the rolls of its last school days before it, a handful of absences (P and
K in the closed October, P and unconfirmed in the open November), a few late arrivals, nothing
after the day, and the well-known parent's leave request waits for the homeroom teacher."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.attendance.models import AttendanceMark, AttendanceRoll, LeaveRequest
from hoso.core import clock
from hoso.organisation.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20T18:00:00")]


def test_a_month_of_rolls_and_a_handful_of_absences():
    from hoso.demo.actions import demo_seed

    demo_seed(codes=("THCS-NT",))
    school = School.objects.get(code="THCS-NT")
    today = clock.today()
    rolls = AttendanceRoll.objects.filter(school=school)
    assert rolls.exists() and not rolls.filter(date__gte=today).exists()
    per_class = {
        c: rolls.filter(school_class_id=c, period=0).values("date").distinct().count()
        for c in rolls.values_list("school_class_id", flat=True).distinct()
    }
    assert set(per_class.values()) == {22}
    marks = AttendanceMark.objects.filter(school=school)
    absent = marks.filter(status="absent")
    october = absent.filter(date__lt=date(2026, 11, 1))
    november = absent.filter(date__gte=date(2026, 11, 1))
    assert october.filter(excuse="excused").exists() and october.filter(excuse="unexcused").exists()
    assert not october.filter(confirmed_at__isnull=True).exists()
    assert november.filter(excuse="", confirmed_at__isnull=True).exists()
    assert marks.filter(status="late").exists()
    # A handful: about one student in a hundred per session, not a storm.
    assert absent.count() < rolls.count() * 2
    assert not marks.filter(date__gt=today).exists()
    leave = LeaveRequest.objects.get(school=school)
    assert leave.state == "sent" and leave.start_date <= today
    assert marks.filter(student=leave.student, source="leave", confirmed_at=None).exists()
