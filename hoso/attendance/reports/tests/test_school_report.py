"""Báo cáo chuyên cần toàn trường: the numbers per class and for the school, the classes that
have not taken today's roll, who sees it, the Excel file."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from hoso.attendance.actions import take_roll
from hoso.attendance.models import AttendanceMark
from hoso.attendance.reports.selectors import period_bounds, school_report
from hoso.core import clock
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # the tests' clock: a Friday


@pytest.fixture
def week(world):
    """6A1 (two sessions a day in the small school) took Monday–Thursday mornings and today's
    morning; 6A2 took nothing. Marks: a P and a K on Monday, a late on Tuesday, an afternoon K
    (not counted), a pending absence today."""
    w = world
    homeroom = w.actor("homeroom")
    other = make_student(w.school, w.class_a, "Lê Thu Hà")
    plan = {
        date(2026, 11, 16): {w.student_a.pk: "absent", other.pk: "absent"},
        date(2026, 11, 17): {other.pk: "late"},
        date(2026, 11, 18): {},
        date(2026, 11, 19): {},
        TODAY: {w.student_a.pk: "absent"},
    }
    for day, marks in plan.items():
        take_roll(actor=homeroom, school_class=w.class_a, day=day, session="morning", marks=marks)
    take_roll(
        actor=homeroom,
        school_class=w.class_a,
        day=date(2026, 11, 16),
        session="afternoon",
        marks={other.pk: "absent"},
    )
    AttendanceMark.objects.filter(date=date(2026, 11, 16), student=w.student_a).update(
        excuse="excused", confirmed_at=clock.now()
    )
    AttendanceMark.objects.filter(date=date(2026, 11, 16), student=other).update(
        excuse="unexcused", confirmed_at=clock.now()
    )
    return other


def test_period_bounds():
    assert period_bounds("ngay", TODAY) == (TODAY, TODAY)
    assert period_bounds("tuan", TODAY) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("thang", TODAY) == (date(2026, 11, 1), date(2026, 11, 30))


def test_the_week_per_class_and_for_the_school(world, week):
    report = school_report(world.year, "tuan", TODAY)
    lines = {line.school_class.name: line for line in report.lines}
    a, b = lines["6A1"], lines["6A2"]
    sessions_a = 2 if world.class_a.sessions_per_day >= 2 else 1
    assert a.students == 2 and a.taken == 6 and a.expected == 5 * sessions_a
    # Counted: Monday P (An) and K (Hà) mornings, today's pending; the afternoon K is not.
    assert (a.excused, a.unexcused, a.pending, a.late, a.absent) == (1, 1, 1, 1, 3)
    assert b.taken == 0 and b.absent == 0 and b.missing == b.expected > 0
    assert report.total.absent == 3 and report.total.taken == 6
    assert report.total.students == a.students + b.students
    not_taken = {c.name: s for c, s in report.not_taken_today}
    assert "6A2" in not_taken
    assert ("6A1" in not_taken) is (sessions_a == 2)  # the afternoon is still to take


def test_the_page_and_the_excel_for_leaders_and_the_clerk(client, world, week):
    from openpyxl import load_workbook

    url = reverse("attendance_reports:school")
    for who in ("principal", "clerk"):
        client.force_login(world.users[who])
        html = client.get(url, {"ky": "tuan", "ngay": "2026-11-18"}).content.decode()
        assert "Từ 16/11/2026 đến 22/11/2026" in html
        assert "chưa điểm danh" in html and "6A2" in html
    xlsx = client.get(reverse("attendance_reports:school_xlsx"), {"ky": "tuan"})
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["6A1"][4:9] == (1, 1, 1, 3, 1) and rows["Toàn trường"][7] == 3
    month = client.get(url, {"ky": "thang"}).content.decode()
    assert f"lop={world.class_a.pk}&amp;thang=2026-11" in month  # the register of the month
    bad = client.get(url, {"ngay": "hôm qua"})
    assert bad.status_code == 200 and "không hợp lệ" in bad.content.decode()


@pytest.mark.parametrize("who", ["homeroom", "subject", "parent"])
def test_others_are_refused(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse("attendance_reports:school")).status_code == 403
