"""Reading attendance: a school's settings, the totals of a period, the days of a month.

``totals`` is the one definition of "how many sessions a student missed": the 45-session rule,
the results, the class book, the transcript, the promotion and graduation lists and the reports
all read it. It counts session marks (``period = 0``) only; with
``CountedSessions.MAIN`` only the school's main session of the day (a class with one session a
day counts that session whichever it is).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When

from hoso.attendance.models import (
    AttendanceMark,
    AttendanceSettings,
    CountedSessions,
    Excuse,
    Status,
)
from hoso.core.text import in_sentence
from hoso.organisation.models import SchoolClass
from hoso.organisation.workdays import days_off


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


def _counts() -> dict:
    """The aggregates of a Totals, over the counted marks of a group."""
    return {
        "excused": Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.EXCUSED)),
        "unexcused": Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.UNEXCUSED)),
        "pending": Count("id", filter=Q(status=Status.ABSENT, excuse=Excuse.PENDING)),
        "late": Count("id", filter=Q(status=Status.LATE)),
        "left_early": Count("id", filter=Q(status=Status.LEFT_EARLY)),
    }


_TOTALS_FIELDS = tuple(f.name for f in fields(Totals))


def _totals(row: dict) -> Totals:
    return Totals(**{key: row[key] for key in _TOTALS_FIELDS})


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
    rows = marks.values("student_id").annotate(**_counts())
    return {r["student_id"]: _totals(r) for r in rows}


def totals_spans(
    *,
    school_id: int,
    spans: dict,
    settings: AttendanceSettings | None = None,
) -> dict:
    """``totals`` of many (student, start, end) spans in one query: ``spans`` maps a key to
    ``(student_id, start, end)`` (inclusive); the answer maps each key to its Totals (a span
    without a counted mark is absent). Spans of one student must not overlap (a mark is
    counted in the first span that holds it)."""
    if not spans:
        return {}
    settings = settings or settings_for(school_id)
    keys = list(spans)
    conditions = [
        Q(student_id=student_id, date__gte=start, date__lte=end)
        for student_id, start, end in spans.values()
    ]
    any_span = Q()
    for condition in conditions:
        any_span |= condition
    rows = (
        AttendanceMark.objects.filter(counted_q(settings), any_span, school_id=school_id)
        .annotate(
            span=Case(
                *(When(c, then=Value(i)) for i, c in enumerate(conditions)),
                output_field=IntegerField(),
            )
        )
        .values("span")
        .annotate(**_counts())
        .order_by()
    )
    return {keys[r["span"]]: _totals(r) for r in rows}


def school_days(
    school_class: SchoolClass,
    start: date,
    end: date,
    *,
    settings: AttendanceSettings | None = None,
) -> list[date]:
    """The days a class has school between ``start`` and ``end``: the school's weekdays inside
    the year, without the year's holidays."""
    year = school_class.year
    settings = settings or settings_for(year.school_id)
    weekdays = settings.school_weekdays()
    first, last = max(start, year.start_date), min(end, year.end_date)
    off = days_off(year.school_id, first, last)
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


# --- the monthly confirmation window ----------------------------------------------------------


def parse_month(value: str) -> date:
    """The first day of the month "YYYY-MM" (years 2000–2100); a clear error otherwise."""
    from hoso.attendance.errors import AttendanceError
    from hoso.core.errors import DomainError

    try:
        year, month = (int(x) for x in value.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(value)
        return date(year, month, 1)
    except ValueError as exc:
        raise DomainError(
            AttendanceError.BAD_MONTH, "Tháng không hợp lệ (năm-tháng, ví dụ 2026-11)."
        ) from exc


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(first: date) -> date:
    return next_month(first) - timedelta(days=1)


def window_closes(settings: AttendanceSettings, first: date) -> date:
    """The last day the absences of the month starting ``first`` may be confirmed directly:
    day ``confirm_until`` of the next month."""
    return next_month(first).replace(day=settings.confirm_until)


def month_state(settings: AttendanceSettings, first: date, today: date) -> str:
    """ "open" (the month itself, or inside the window of the next month), "waiting" (after the
    month, before the window opens), "closed" (after the window: change requests only) or
    "future"."""
    first = month_start(first)
    if today < first:
        return "future"
    if today <= month_end(first):
        return "open"
    following = next_month(first)
    if today > window_closes(settings, first):
        return "closed"
    if today >= following.replace(day=settings.confirm_from):
        return "open"
    return "waiting"


def closed_months_before(settings: AttendanceSettings, today: date) -> date:
    """The first day of the most recent month whose window has closed at ``today``: every month
    up to and including it is closed."""
    first = month_start(today)
    # This month's previous month is closed once today passes its window's last day.
    previous = month_start(first - timedelta(days=1))
    if today > window_closes(settings, previous):
        return previous
    return month_start(previous - timedelta(days=1))


# --- pages ------------------------------------------------------------------------------------

STATUS_TEXT = {"absent": "Vắng", "late": "Đi muộn", "left_early": "Về sớm", "present": "Có mặt"}


def describe_state(state: dict) -> str:
    """A mark's state as a change request stores it, in Vietnamese: "Vắng không phép (K)"."""
    status = state.get("status", "present")
    text = STATUS_TEXT.get(status, status)
    if status == Status.ABSENT:
        excuse = state.get("excuse", "")
        text += {"excused": " có phép (P)", "unexcused": " không phép (K)"}.get(
            excuse, " chưa xác nhận"
        )
    return text


def default_session(school_class: SchoolClass, settings: AttendanceSettings, hour: int) -> str:
    """The session going on at ``hour``: the afternoon from noon for a class that has one."""
    sessions = sessions_of(school_class, settings)
    if hour >= 12 and "afternoon" in sessions:
        return "afternoon"
    return sessions[0]


def school_day_near(school_class: SchoolClass, day: date, step: int) -> date | None:
    """The school day before (``step=-1``) or after (``+1``) ``day``, within a month."""
    if step < 0:
        days = school_days(school_class, day - timedelta(days=31), day - timedelta(days=1))
        return days[-1] if days else None
    days = school_days(school_class, day + timedelta(days=1), day + timedelta(days=31))
    return days[0] if days else None


@dataclass
class RollRow:
    student: object
    status: str  # "present" | "absent" | "late" | "left_early"
    mark: AttendanceMark | None
    left: bool  # left the class on or before the day: struck through, not marked
    leave_pending: bool  # a parent's leave request, not yet confirmed

    @property
    def info(self) -> str:
        if self.left:
            return "Đã rời lớp"
        if self.mark is None:
            return ""
        if self.leave_pending:
            return "Vắng – xin phép, chờ xác nhận"
        if self.mark.status == Status.ABSENT:
            return f"Vắng – {in_sentence(self.mark.get_excuse_display())}"
        return STATUS_TEXT[self.mark.status]


def roll_rows(school_class: SchoolClass, day: date, session: str, period: int) -> list[RollRow]:
    """Every student of the class that day (sorted by Vietnamese name), with their mark; those
    who left the class before the day are listed, struck through."""
    from hoso.students.models import Enrolment

    enrolments = (
        Enrolment.objects.filter(school_class=school_class, start_date__lte=day)
        .select_related("student")
        .order_by("student__sort_name", "student_id", "-start_date")
    )
    marks = {
        m.student_id: m
        for m in AttendanceMark.objects.filter(
            school_class=school_class, date=day, session=session, period=period
        )
    }
    rows, seen = [], set()
    for e in enrolments:
        if e.student_id in seen:
            continue
        seen.add(e.student_id)
        left = e.end_date is not None and e.end_date <= day
        mark = None if left else marks.get(e.student_id)
        rows.append(
            RollRow(
                student=e.student,
                status=mark.status if mark else "present",
                mark=mark,
                left=left,
                leave_pending=bool(mark and mark.source == "leave" and mark.confirmed_at is None),
            )
        )
    return rows


@dataclass
class MonthRow:
    student: object
    cells: list[str]  # one string per (day, session) column: "", "P", "K", "?", "M", "S"
    marks: list[AttendanceMark]
    totals: Totals


def month_grid(
    school_class: SchoolClass, first: date, settings: AttendanceSettings
) -> tuple[list[tuple[date, str]], list[MonthRow]]:
    """The month of a class: columns (day, session) of its school days, one row per student who
    was in the class during the month, each cell the register's letter of the session mark."""
    from hoso.students.models import Enrolment

    last = month_end(first)
    days = school_days(school_class, first, last)
    sessions = sessions_of(school_class, settings)
    columns = [(d, s) for d in days for s in sessions]
    index = {c: i for i, c in enumerate(columns)}
    enrolments = (
        Enrolment.objects.filter(school_class=school_class, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=first))
        .select_related("student")
        .order_by("student__sort_name", "student_id")
    )
    students = {}
    for e in enrolments:
        students.setdefault(e.student_id, e.student)
    marks = AttendanceMark.objects.filter(
        school_class=school_class, date__gte=first, date__lte=last, period=0
    ).order_by("date", "session")
    per_student: dict[int, list[AttendanceMark]] = {}
    for m in marks:
        per_student.setdefault(m.student_id, []).append(m)
    tot = totals(
        school_id=school_class.year.school_id,
        start=first,
        end=last,
        class_ids=[school_class.pk],
        settings=settings,
    )
    rows = []
    for sid, student in students.items():
        cells = [""] * len(columns)
        for m in per_student.get(sid, []):
            i = index.get((m.date, m.session))
            if i is not None:
                cells[i] = m.letter
        rows.append(
            MonthRow(
                student=student,
                cells=cells,
                marks=per_student.get(sid, []),
                totals=tot.get(sid, Totals()),
            )
        )
    return columns, rows


def todo_counts(actor) -> dict[str, int]:
    """What waits for this person: leave requests of its classes to decide, change requests
    to approve (principal) or to apply (administrator)."""
    from hoso.accounts.roles import Role
    from hoso.attendance.models import AttendanceChangeRequest, LeaveRequest
    from hoso.students.models import Enrolment

    out = {"leave": 0, "approve": 0, "apply": 0}
    if actor.school is None:
        return out
    if actor.homeroom_class_ids:
        students = Enrolment.objects.filter(
            school_class_id__in=actor.homeroom_class_ids, end_date__isnull=True
        ).values("student_id")
        out["leave"] = LeaveRequest.objects.filter(
            school_id=actor.school_id, state=LeaveRequest.State.SENT, student_id__in=students
        ).count()
    requests = AttendanceChangeRequest.objects.filter(school_id=actor.school_id)
    if actor.has(Role.PRINCIPAL):
        out["approve"] = (
            requests.filter(state=AttendanceChangeRequest.State.ASKED)
            .exclude(asked_by=actor.user)
            .count()
        )
    if actor.has(Role.ADMINISTRATOR):
        out["apply"] = requests.filter(state=AttendanceChangeRequest.State.APPROVED).count()
    return out
