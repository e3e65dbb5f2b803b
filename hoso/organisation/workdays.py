"""Working days (ngày làm việc) for administrative deadlines: Monday to Friday, without the
days off of the school's calendar (Tết, national holidays and the school's own, ``Holiday``).

A transfer's "within 3 working days" (TT 28/2020 Đ36) and a register's "next working day" are
computed here, with the school's own holidays, never with a fixed weekday count.
"""

from __future__ import annotations

from datetime import date, timedelta

from hoso.organisation.models import Holiday

WORKING_WEEKDAYS = (0, 1, 2, 3, 4)


def days_off(school_id: int, start: date, end: date) -> set[date]:
    """Every holiday date of the school between ``start`` and ``end`` (inclusive)."""
    out: set[date] = set()
    rows = Holiday.objects.filter(
        year__school_id=school_id, start_date__lte=end, end_date__gte=start
    ).values_list("start_date", "end_date")
    for first, last in rows:
        day = max(first, start)
        while day <= min(last, end):
            out.add(day)
            day += timedelta(days=1)
    return out


def is_working_day(school_id: int, day: date) -> bool:
    return day.weekday() in WORKING_WEEKDAYS and day not in days_off(school_id, day, day)


def add_working_days(school_id: int, start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted): the last day of
    a "within n working days" limit. ``n = 0`` gives ``start``."""
    if n <= 0:
        return start
    # Look far enough ahead for Tết (up to ~2 weeks off) in one query.
    horizon = start + timedelta(days=n * 2 + 30)
    off = days_off(school_id, start, horizon)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day > horizon:
            horizon = day + timedelta(days=60)
            off |= days_off(school_id, day, horizon)
        if day.weekday() in WORKING_WEEKDAYS and day not in off:
            counted += 1
    return day


def working_days_between(school_id: int, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    off = days_off(school_id, start, end)
    day, counted = start, 0
    while day < end:
        day += timedelta(days=1)
        if day.weekday() in WORKING_WEEKDAYS and day not in off:
            counted += 1
    return counted
