"""Deadlines as pure date arithmetic in Asia/Ho_Chi_Minh (GIVEN the seed rules — regular results
by Saturday 15:00 of their week, periodic results within 14 days of the test — WHEN a result is
entered at a given instant, THEN it is late exactly when it should be)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from hoso.gradebook.progress import deadlines
from hoso.gradebook.progress.deadlines import LOCAL_TZ, DeadlineRules

RULES = DeadlineRules()  # the seed defaults


def vn(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=LOCAL_TZ)


def test_seed_defaults():
    assert (RULES.regular_weekday, RULES.regular_time, RULES.periodic_days) == (5, time(15), 14)
    assert RULES.describe_regular() == "hằng tuần, trước 15:00 thứ bảy"


@pytest.mark.parametrize(
    "assessed_on,deadline",
    [
        (date(2026, 9, 14), vn(2026, 9, 19, 15)),  # Monday → that Saturday
        (date(2026, 9, 19), vn(2026, 9, 19, 15)),  # Saturday itself
        (date(2026, 9, 20), vn(2026, 9, 19, 15)),  # Sunday belongs to the same Mon–Sun week
        (date(2026, 9, 21), vn(2026, 9, 26, 15)),  # next Monday → next Saturday
        (date(2026, 12, 28), vn(2027, 1, 2, 15)),  # across the new year
    ],
)
def test_regular_deadline_is_the_saturday_of_the_monday_to_sunday_week(assessed_on, deadline):
    assert deadlines.regular_deadline(assessed_on, RULES) == deadline


def test_saturday_1501_local_is_late_and_1459_is_not():
    deadline = deadlines.regular_deadline(date(2026, 9, 16), RULES)
    # GIVEN entry times stored in UTC (as the database gives them back)
    at_1459 = datetime(2026, 9, 19, 7, 59, tzinfo=UTC)  # 14:59 in Hà Nội
    at_1500 = datetime(2026, 9, 19, 8, 0, tzinfo=UTC)
    at_1501 = datetime(2026, 9, 19, 8, 1, tzinfo=UTC)  # 15:01 in Hà Nội
    assert not deadlines.is_late(at_1459, deadline)
    assert not deadlines.is_late(at_1500, deadline)
    assert deadlines.is_late(at_1501, deadline)


def test_the_utc_date_does_not_decide_the_week():
    # Saturday 03:00 in Hà Nội is still Friday in UTC: on time.
    assert not deadlines.is_late(
        datetime(2026, 9, 18, 20, 0, tzinfo=UTC),
        deadlines.regular_deadline(date(2026, 9, 14), RULES),
    )
    # A result assessed on Sunday is due the Saturday before (same week): entering it on
    # Sunday is late.
    assert deadlines.is_late(
        vn(2026, 9, 20, 9), deadlines.regular_deadline(date(2026, 9, 20), RULES)
    )


def test_a_school_can_move_the_weekly_deadline():
    rules = DeadlineRules(regular_weekday=6, regular_time=time(22, 0))  # Sunday 22:00
    assert deadlines.regular_deadline(date(2026, 9, 20), rules) == vn(2026, 9, 20, 22)
    assert not deadlines.is_late(
        vn(2026, 9, 20, 21, 59), deadlines.regular_deadline(date(2026, 9, 14), rules)
    )


def test_periodic_results_are_due_by_the_end_of_the_fourteenth_day():
    deadline = deadlines.periodic_deadline(date(2026, 10, 20), RULES)
    assert deadline == vn(2026, 11, 3, 23, 59, 59)
    assert not deadlines.is_late(datetime(2026, 11, 3, 16, 59, 59, tzinfo=UTC), deadline)
    assert deadlines.is_late(datetime(2026, 11, 3, 17, 0, 0, tzinfo=UTC), deadline)  # 4/11 0:00


def test_periodic_deadline_falls_back_to_the_checkpoint_else_unknown():
    assert deadlines.periodic_deadline(None, RULES, fallback=date(2026, 11, 2)) == vn(
        2026, 11, 16, 23, 59, 59
    )
    assert deadlines.periodic_deadline(date(2026, 10, 1), RULES, fallback=date(2026, 11, 2)) == (
        vn(2026, 10, 15, 23, 59, 59)
    )  # the test date wins
    assert deadlines.periodic_deadline(None, RULES) is None
    assert not deadlines.is_late(vn(2030, 1, 1), None)
    assert deadlines.regular_deadline(None, RULES) is None


def test_last_and_next_weekly_deadline():
    friday = vn(2026, 9, 25, 16)
    assert deadlines.next_weekly_deadline(friday, RULES) == vn(2026, 9, 26, 15)
    assert deadlines.last_weekly_deadline(friday, RULES) == vn(2026, 9, 19, 15)
    sunday = vn(2026, 9, 27, 8)
    assert deadlines.last_weekly_deadline(sunday, RULES) == vn(2026, 9, 26, 15)
    assert deadlines.next_weekly_deadline(sunday, RULES) == vn(2026, 10, 3, 15)
    exactly = vn(2026, 9, 26, 15)
    assert deadlines.last_weekly_deadline(exactly, RULES) == exactly
    assert deadlines.next_weekly_deadline(exactly, RULES) == vn(2026, 10, 3, 15)


@pytest.mark.parametrize(
    "today,due",
    [
        (date(2026, 9, 1), 0),  # before the term
        (date(2026, 9, 11), 0),  # first week not completed
        (date(2026, 9, 12), 1),  # 1 of 20 weeks: ceil(4 × 1 / 20) = 1
        (date(2026, 11, 2), 2),  # 8 weeks: ceil(32 / 20) = 2
        (date(2027, 1, 16), 4),  # last day: 19 weeks → ceil(76 / 20) = 4
        (date(2027, 1, 17), 4),  # term over: all
    ],
)
def test_regular_results_are_due_pro_rata(today, due):
    start, end = date(2026, 9, 5), date(2027, 1, 16)
    assert deadlines.term_weeks(start, end) == 20
    assert deadlines.regular_due_count(4, start=start, end=end, today=today) == due
