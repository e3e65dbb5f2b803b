"""The school's attendance report (báo cáo chuyên cần) for a day, a week or a month.

Per class: students studying, session rolls taken / expected (school days so far × the class's
sessions), counted absences P / K / not yet confirmed (the same counted sessions as
``selectors.totals``), late arrivals; the school's totals; and the classes that have not yet
taken today's roll. Reads only; a handful of queries whatever the school's size.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from hoso.attendance.models import AttendanceMark, AttendanceRoll, Excuse, Status
from hoso.attendance.selectors import counted_q, school_days, sessions_of, settings_for
from hoso.core import clock
from hoso.organisation.models import SchoolClass, SchoolYear
from hoso.students.models import Enrolment

PERIODS = {"ngay": "Ngày", "tuan": "Tuần", "thang": "Tháng"}


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The day itself, its week (Monday–Sunday) or its month."""
    if kind == "tuan":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == "thang":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


@dataclass
class ClassLine:
    school_class: SchoolClass
    students: int = 0
    taken: int = 0
    expected: int = 0
    excused: int = 0
    unexcused: int = 0
    pending: int = 0
    late: int = 0

    @property
    def absent(self) -> int:
        return self.excused + self.unexcused + self.pending

    @property
    def missing(self) -> int:
        return max(self.expected - self.taken, 0)


@dataclass
class Report:
    kind: str
    start: date
    end: date
    lines: list[ClassLine] = field(default_factory=list)
    total: ClassLine | None = None
    not_taken_today: list[tuple[SchoolClass, list[str]]] = field(default_factory=list)
    today: date | None = None


def school_report(year: SchoolYear, kind: str, day: date) -> Report:
    start, end = period_bounds(kind, day)
    today = clock.today()
    settings = settings_for(year.school_id)
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("grade", "year")
        .order_by("grade__number", "name")
    )
    report = Report(kind=kind, start=start, end=end, today=today)
    if not classes:
        report.total = ClassLine(school_class=None)
        return report
    # The school's days of the period so far (a future day expects no roll yet).
    days = school_days(classes[0], start, min(end, today)) if start <= today else []
    today_open = bool(school_days(classes[0], today, today))
    students = dict(
        Enrolment.objects.studying()
        .filter(school_class__in=classes)
        .values_list("school_class_id")
        .annotate(n=Count("id"))
    )
    taken = dict(
        AttendanceRoll.objects.filter(
            school_id=year.school_id, date__gte=start, date__lte=end, period=0
        )
        .values_list("school_class_id")
        .annotate(n=Count("id"))
    )
    marks = {
        row["school_class_id"]: row
        for row in AttendanceMark.objects.filter(
            counted_q(settings) | Q(period=0, status=Status.LATE),
            school_id=year.school_id,
            date__gte=start,
            date__lte=end,
        )
        .values("school_class_id")
        .annotate(
            excused=Count(
                "id",
                filter=Q(counted_q(settings), status=Status.ABSENT, excuse=Excuse.EXCUSED),
            ),
            unexcused=Count(
                "id",
                filter=Q(counted_q(settings), status=Status.ABSENT, excuse=Excuse.UNEXCUSED),
            ),
            pending=Count(
                "id", filter=Q(counted_q(settings), status=Status.ABSENT, excuse=Excuse.PENDING)
            ),
            late=Count("id", filter=Q(period=0, status=Status.LATE)),
        )
    }
    today_rolls: dict[int, set[str]] = {}
    if today_open:
        for cid, session in AttendanceRoll.objects.filter(
            school_id=year.school_id, date=today, period=0
        ).values_list("school_class_id", "session"):
            today_rolls.setdefault(cid, set()).add(session)
    total = ClassLine(school_class=None)
    for c in classes:
        sessions = sessions_of(c, settings)
        m = marks.get(c.pk, {})
        line = ClassLine(
            school_class=c,
            students=students.get(c.pk, 0),
            taken=taken.get(c.pk, 0),
            expected=len(days) * len(sessions),
            excused=m.get("excused", 0),
            unexcused=m.get("unexcused", 0),
            pending=m.get("pending", 0),
            late=m.get("late", 0),
        )
        report.lines.append(line)
        for name in ("students", "taken", "expected", "excused", "unexcused", "pending", "late"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        if today_open and line.students:
            missing = [s for s in sessions if s not in today_rolls.get(c.pk, set())]
            if missing:
                labels = {"morning": "sáng", "afternoon": "chiều"}
                report.not_taken_today.append((c, [labels[s] for s in missing]))
    report.total = total
    return report
