"""Sổ điểm danh tháng: the marks, the month's totals, who left, the page and who prints it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from hoso.attendance.models import AttendanceMark
from hoso.core import clock
from hoso.organisation.models import Holiday
from hoso.printing.documents import attendance_register_data, render_attendance_register
from hoso.printing.tests.pdfcheck import assert_fonts_pinned, pdf_text
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def mark(world, student, day, session, status="absent", excuse=""):
    AttendanceMark.objects.create(
        school=world.school,
        student=student,
        school_class=world.class_a,
        date=day,
        session=session,
        status=status,
        excuse=excuse,
        marked_at=clock.now(),
    )


@pytest.fixture
def november(world):
    w = world
    Holiday.objects.create(
        year=w.year, name="Nghỉ bù", start_date=date(2026, 11, 20), end_date=date(2026, 11, 20)
    )
    mark(w, w.student_a, date(2026, 11, 3), "morning", excuse="excused")
    mark(w, w.student_a, date(2026, 11, 4), "morning", excuse="unexcused")
    mark(w, w.student_a, date(2026, 11, 4), "afternoon", excuse="unexcused")  # not counted
    mark(w, w.student_a, date(2026, 11, 5), "morning")  # not confirmed yet
    mark(w, w.student_a, date(2026, 11, 6), "morning", status="late")
    mark(w, w.student_a, date(2026, 11, 9), "afternoon", status="left_early")
    leaver = make_student(w.school, w.class_a, "Hoàng Minh Đức")
    mark(w, leaver, date(2026, 11, 10), "morning", excuse="excused")
    enrolment = Enrolment.objects.get(student=leaver, end_date__isnull=True)
    enrolment.end_date = date(2026, 11, 16)
    enrolment.status = Enrolment.Status.TRANSFERRED_OUT
    enrolment.save()
    return leaver


def test_the_data_holds_every_mark_the_totals_and_the_leavers(world, november):
    data = attendance_register_data(school_class=world.class_a, year=2026, month=11)
    days = {d["d"]: d for d in data["days"]}
    assert len(days) == 30 and data["two_sessions"] is True
    assert days[1]["open"] is False  # Sunday
    assert days[20]["open"] is False  # the holiday
    assert days[3]["open"] is True and days[3]["wd"] == "T3"
    assert data["info"][3] == ["Số ngày học trong tháng", "20"]
    an = next(s for s in data["students"] if s["name"] == world.student_a.full_name)
    morning, afternoon = an["rows"]
    assert (morning["session"], afternoon["session"]) == ("Sáng", "Chiều")
    assert [morning["cells"][i - 1] for i in (3, 4, 5, 6)] == ["P", "K", "?", "M"]
    assert afternoon["cells"][3] == "K" and afternoon["cells"][8] == "S"
    # The month's counted totals: the afternoon K is a second session, not counted.
    assert (an["p"], an["k"], an["total"]) == (1, 1, 3)
    leaver = next(s for s in data["students"] if s["name"] == november.full_name)
    assert leaver["left"] is True and leaver["note"] == "Chuyển đi từ 16/11/2026"
    assert leaver["rows"][0]["cells"][9] == "P"


def test_the_pdf_prints_the_marks(world, november):
    pdf = render_attendance_register(
        attendance_register_data(school_class=world.class_a, year=2026, month=11)
    )
    assert_fonts_pinned(pdf)
    text = pdf_text(pdf)
    assert "SỔ ĐIỂM DANH" in text and "Tháng 11 năm 2026 — Lớp 6A1" in text
    assert "GIÁO VIÊN CHỦ NHIỆM" in text
    an_line = next(line for line in text.splitlines() if world.student_a.full_name in line)
    assert re.search(r"1\s+1\s+3\s*$", an_line)  # P, K, total at the end of the row
    sang = next(line for line in text.splitlines() if line.strip().startswith("Sáng"))
    assert re.findall(r"\b[PKM?]\b|\?", sang)[:4] == ["P", "K", "?", "M"]
    assert "Chuyển đi từ 16/11/2026" in text


def test_the_homeroom_teacher_prints_it_and_others_do_not(client, world, november):
    url = reverse("printing:attendance_register")
    client.force_login(world.users["homeroom"])
    page = client.get(url, {"lop": world.class_a.pk, "thang": "2026-11"})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert "Nguyễn Văn An" in pdf_text(page.content)
    bad = client.get(url, {"lop": world.class_a.pk, "thang": "2025-11"})
    assert bad.status_code == 400 and "không thuộc năm học" in bad.content.decode()
    index = client.get(reverse("printing:index")).content.decode()
    assert "In sổ điểm danh tháng" in index and 'value="2026-11" selected' in index
    client.force_login(world.users["subject"])
    assert client.get(url, {"lop": world.class_a.pk}).status_code in (403, 404)
    client.force_login(world.users["principal"])
    assert client.get(url, {"lop": world.class_a.pk}).status_code == 200  # this month
