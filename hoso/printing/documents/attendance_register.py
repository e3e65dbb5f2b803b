"""Sổ điểm danh tháng (the monthly attendance register of a class), A4 landscape.

One column per day of the month; days without school (weekends, the year's holidays, outside
the year) are shaded and empty. A class with two sessions a day gives each student two
sub-rows (sáng, chiều); each cell holds the session's letter: P (absent, excused), K (absent,
unexcused), ? (absent, not yet confirmed), M (late), S (left early); empty = present. Then the
month's totals per student from :func:`hoso.attendance.selectors.totals` — P, K and the
counted total (P + K + ?, the sessions that count toward the year's limit). Students who left
the class are struck through with the date; students who joined show from their first day.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Q

from hoso.attendance.models import AttendanceMark
from hoso.attendance.selectors import school_days, sessions_of, settings_for, totals
from hoso.core.text import nfc
from hoso.printing.documents.common import (
    header,
    homeroom_of,
    person_name,
    principal_of,
    signatures,
)
from hoso.printing.render import is_landscape, render_pdf
from hoso.students.models import Enrolment

WEEKDAY_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
SESSION_SHORT = {"morning": "Sáng", "afternoon": "Chiều"}
STATUS_LABELS = dict(Enrolment.Status.choices)
LEGEND = (
    "P: nghỉ có phép; K: nghỉ không phép; ?: nghỉ chưa xác nhận; M: đi muộn; S: về sớm; "
    "ô trống: có mặt; ô tô xám: không phải ngày học."
)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def attendance_register_data(*, school_class, year: int, month: int) -> dict:
    """The register's data (JSON, deterministic) for ``school_class`` in ``month``/``year``."""
    school_year = school_class.year
    school = school_year.school
    first, last = month_bounds(year, month)
    settings = settings_for(school.pk)
    sessions = sessions_of(school_class, settings)
    open_days = set(school_days(school_class, first, last))
    days = []
    day = first
    while day <= last:
        days.append({"d": day.day, "wd": WEEKDAY_SHORT[day.weekday()], "open": day in open_days})
        day = date.fromordinal(day.toordinal() + 1)
    members = list(
        Enrolment.objects.filter(school_class=school_class, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("student")
        .order_by("student__sort_name", "student__student_code", "start_date")
    )
    seen: dict[int, Enrolment] = {}
    for e in members:  # one row per student (the last enrolment of the month in the class)
        seen[e.student_id] = e
    marks: dict[tuple[int, int, str], str] = {}
    for m in AttendanceMark.objects.filter(
        school_class=school_class, date__gte=first, date__lte=last, period=0
    ):
        marks[(m.student_id, m.date.day, m.session)] = m.letter
    month_totals = totals(
        school_id=school.pk,
        start=first,
        end=last,
        student_ids=list(seen),
        class_ids=[school_class.pk],
        settings=settings,
    )
    students = []
    for number, e in enumerate(seen.values(), start=1):
        left = e.end_date is not None and e.end_date <= last
        note = ""
        if left:
            what = STATUS_LABELS.get(e.status, "") if e.status != "studying" else "Chuyển lớp"
            note = f"{what or 'Rời lớp'} từ {e.end_date:%d/%m/%Y}"
        elif e.start_date > first:
            note = f"Vào lớp từ {e.start_date:%d/%m/%Y}"
        t = month_totals.get(e.student_id)
        students.append(
            {
                "no": number,
                "name": nfc(e.student.full_name),
                "left": left,
                "note": note,
                "rows": [
                    {
                        "session": SESSION_SHORT[s],
                        "cells": [
                            marks.get((e.student_id, d["d"], s), "") if d["open"] else ""
                            for d in days
                        ],
                    }
                    for s in sessions
                ],
                "p": t.excused if t else 0,
                "k": t.unexcused if t else 0,
                "total": t.absent if t else 0,
            }
        )
    homeroom = homeroom_of(school_class)
    counted = (
        "buổi chính" if settings.counted_sessions == "main" and len(sessions) > 1 else "mọi buổi"
    )
    return {
        "kind": "attendance_register",
        "landscape": is_landscape("attendance_register"),
        "title": "SỔ ĐIỂM DANH",
        "subtitle": f"Tháng {month:02d} năm {year} — Lớp {nfc(school_class.name)}",
        "header": header(school),
        "info": [
            ["Lớp", nfc(school_class.name)],
            ["Năm học", school_year.name],
            ["Giáo viên chủ nhiệm", person_name(homeroom)],
            ["Số ngày học trong tháng", str(len(open_days))],
        ],
        "days": days,
        "two_sessions": len(sessions) > 1,
        "students": students,
        "notes": [
            LEGEND,
            f"Cột P, K, Tổng: số buổi nghỉ trong tháng tính vào giới hạn nghỉ ({counted}); "
            "Tổng gồm cả buổi nghỉ chưa xác nhận.",
        ],
        "signatures": signatures(
            "attendance_register",
            {"homeroom": person_name(homeroom), "principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def render_attendance_register(data: dict) -> bytes:
    return render_pdf("attendance_register.typ", data)
