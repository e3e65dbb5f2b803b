"""Reading attendance: a school's settings, the totals of a period, the days of a month.

``totals`` is the one definition of "how many sessions a student missed": the 45-session rule,
the results, the class book, the transcript, the promotion and graduation lists and the reports
all read it. It counts session marks (``period = 0``) only; with
``CountedSessions.MAIN`` only the school's main session of the day (a class with one session a
day counts that session whichever it is).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from hoso.attendance.models import (
    AttendanceMark,
    AttendanceSettings,
    CountedSessions,
    Excuse,
    Status,
)
from hoso.organisation.models import Holiday, SchoolClass


def settings_for(school_id: int) -> AttendanceSettings:
    """The school's settings; the defaults (unsaved) when it never changed them."""
    found = AttendanceSettings.objects.filter(school_id=school_id).first()
    return found or AttendanceSettings(school_id=school_id)


@dataclass(frozen=True)
class Totals:
    """Sessions missed in a period, on the counted sessions."""

    excused: int = 0  # P, confirmed
    unexcused: int = 0  # K (confirmed, or unconfirmed after the window)
    pending: int = 0  # absent, not yet confirmed
    late: int = 0
    left_early: int = 0

    @property
    def absent(self) -> int:
        """Every missed counted session: what the 45-session rule counts (P + K + pending)."""
        return self.excused + self.unexcused + self.pending


def counted_q(settings: AttendanceSettings, prefix: str = "") -> Q:
    """The marks that count toward the limit: session marks of the counted sessions."""
    q = Q(**{f"{prefix}period": 0})
    if settings.counted_sessions == CountedSessions.MAIN:
        q &= Q(**{f"{prefix}session": settings.main_session}) | Q(
            **{f"{prefix}school_class__sessions_per_day__lte": 1}
        )
    return q


def totals(
    *,
    school_id: int,
    start: date,
    end: date,
    student_ids: Iterable[int] | None = None,
    class_ids: Iterable[int] | None = None,
    settings: AttendanceSettings | None = None,
) -> dict[int, Totals]:
    """Per student, the counted sessions missed between ``start`` and ``end`` (inclusive), in
    any class (a student who changed class keeps the absences of the old one). One query."""
    settings = settings or settings_for(school_id)
    marks = AttendanceMark.objects.filter(
        counted_q(settings), school_id=school_id, date__gte=start, date__lte=end
    )
    if student_ids is not None:
        marks = marks.filter(student_id__in=list(student_ids))
    if class_ids is not None:
        marks = marks.filter(school_class_id__in=list(class_ids))
    rows = marks.values("student_id").annotate(
        excused=Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.EXCUSED)),
        unexcused=Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.UNEXCUSED)),
        pending=Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.PENDING)),
        late=Count("id", filter=Q(status=Status.LATE)),
        left_early=Count("id", filter=Q(status=Status.LEFT_EARLY)),
    )
    return {
        r["student_id"]: Totals(
            excused=r["excused"],
            unexcused=r["unexcused"],
            pending=r["pending"],
            late=r["late"],
            left_early=r["left_early"],
        )
        for r in rows
    }


def school_days(school_class: SchoolClass, start: date, end: date) -> list[date]:
    """The days a class has school between ``start`` and ``end``: the school's weekdays inside
    the year, without the year's holidays."""
    year = school_class.year
    settings = settings_for(year.school_id)
    weekdays = settings.school_weekdays()
    first, last = max(start, year.start_date), min(end, year.end_date)
    off: set[date] = set()
    for h in Holiday.objects.filter(year=year, start_date__lte=last, end_date__gte=first):
        day = h.start_date
        while day <= h.end_date:
            off.add(day)
            day += timedelta(days=1)
    out, day = [], first
    while day <= last:
        if day.weekday() in weekdays and day not in off:
            out.append(day)
        day += timedelta(days=1)
    return out


def sessions_of(school_class: SchoolClass, settings: AttendanceSettings) -> list[str]:
    """The sessions a class has each day: both for two sessions a day; the main one else."""
    if school_class.sessions_per_day >= 2:
        return ["morning", "afternoon"]
    return [settings.main_session]
