"""Hạn nhập điểm: when a result is due, as pure date arithmetic in Asia/Ho_Chi_Minh.

Seed defaults (003 §II.1, kept as data in ``DeadlineRule``): regular results (ĐĐGtx) are entered
weekly, by Saturday 15:00; periodic results (ĐĐGgk, ĐĐGck; primary ``KT_``) at most 14 days after
the test.

- A **regular** result's deadline is the rule's weekday and time in the week (Monday–Sunday) of
  its ``assessed_on`` date. A Sunday belongs to the week that began the Monday before, so with the
  default rule a result assessed on Sunday was due the day before (schools teach Monday–Saturday;
  a school that teaches on Sunday sets the weekday to Sunday).
- A **periodic** result's deadline is the end of the day (23:59:59 local) of its test date plus
  ``days_after_test`` days. Without a test date the checkpoint's date (organisation
  ``Checkpoint``) stands in; without either the deadline is unknown and nothing is late.
- **Late** means first entered (``entered_at``) after the deadline.

Nothing here touches the database: callers pass the rules and dates in, so every rule is tested
without fixtures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
END_OF_DAY = time(23, 59, 59)

WEEKDAY_LABELS = (
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
)


@dataclass(frozen=True)
class DeadlineRules:
    """The school's two rules, read from ``DeadlineRule`` rows (or the seed defaults)."""

    regular_weekday: int = 5  # 0 = Monday … 5 = Saturday, 6 = Sunday
    regular_time: time = time(15, 0)
    regular_remind_hours: int = 24
    periodic_days: int = 14
    periodic_remind_hours: int = 24

    def describe_regular(self) -> str:
        return (
            f"hằng tuần, trước {self.regular_time:%H:%M} "
            f"{WEEKDAY_LABELS[self.regular_weekday].lower()}"
        )

    def describe_periodic(self) -> str:
        return f"chậm nhất {self.periodic_days} ngày sau ngày kiểm tra"


def local(dt: datetime) -> datetime:
    """An aware datetime seen in Vietnam's time (naive input is taken as already local)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=LOCAL_TZ)
    return dt.astimezone(LOCAL_TZ)


def local_date(dt: datetime) -> date:
    return local(dt).date()


def week_monday(day: date) -> date:
    """The Monday of the (Monday–Sunday) week holding ``day``."""
    return day - timedelta(days=day.weekday())


def regular_deadline(assessed_on: date | None, rules: DeadlineRules) -> datetime | None:
    """The weekly deadline of a regular result assessed on ``assessed_on`` (None if unknown)."""
    if assessed_on is None:
        return None
    day = week_monday(assessed_on) + timedelta(days=rules.regular_weekday)
    return datetime.combine(day, rules.regular_time, tzinfo=LOCAL_TZ)


def periodic_deadline(
    test_date: date | None, rules: DeadlineRules, *, fallback: date | None = None
) -> datetime | None:
    """End of day of (test date, else ``fallback`` — the checkpoint's date) + the rule's days."""
    start = test_date or fallback
    if start is None:
        return None
    return datetime.combine(start + timedelta(days=rules.periodic_days), END_OF_DAY, LOCAL_TZ)


def is_late(entered_at: datetime | None, deadline: datetime | None) -> bool:
    """Entered after its deadline. An unknown deadline (or entry time) is never late."""
    if entered_at is None or deadline is None:
        return False
    return entered_at > deadline


def weekly_deadlines_between(
    start: datetime, end: datetime, rules: DeadlineRules
) -> list[datetime]:
    """Every weekly regular deadline d with start <= d <= end (local times)."""
    first = regular_deadline(local_date(start), rules)
    out = []
    d = first - timedelta(days=7)
    while d <= end:
        if d >= start:
            out.append(d)
        d += timedelta(days=7)
    return out


def last_weekly_deadline(now: datetime, rules: DeadlineRules) -> datetime:
    """The most recent weekly deadline at or before ``now``."""
    this_week = regular_deadline(local_date(now), rules)
    return this_week if this_week <= now else this_week - timedelta(days=7)


def next_weekly_deadline(now: datetime, rules: DeadlineRules) -> datetime:
    """The first weekly deadline after ``now``."""
    this_week = regular_deadline(local_date(now), rules)
    return this_week if this_week > now else this_week + timedelta(days=7)


# --- how many regular results are due so far --------------------------------------------------


def term_weeks(start: date, end: date) -> int:
    """Weeks in a term from its first day to its last (a started week counts), at least 1."""
    return max(1, math.ceil(((end - start).days + 1) / 7))


def elapsed_weeks(start: date, today: date) -> int:
    """Whole weeks of the term completed by ``today`` (0 during the first week)."""
    if today < start:
        return 0
    return (today - start).days // 7


def regular_due_count(required: int, *, start: date, end: date, today: date) -> int:
    """Regular results due so far: all once the term's end has passed, before that pro rata,
    ``ceil(required × elapsed weeks / total weeks)``."""
    if today > end:
        return required
    total = term_weeks(start, end)
    done = min(elapsed_weeks(start, today), total)
    return min(required, math.ceil(required * done / total))
