"""The schedule engine: week boundaries, month rules, time zone, year boundaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from hoso.core.errors import DomainError
from hoso.organisation.models import SchoolYear
from hoso.records import schedules
from hoso.records.errors import RecordsError


@dataclass
class T:
    number: int
    start_date: date
    end_date: date


def year(start=date(2025, 9, 1), end=date(2026, 5, 31), name="2025-2026"):
    # An unsaved SchoolYear: weeks() is pure.
    return SchoolYear(name=name, start_date=start, end_date=end)


TERMS = [T(1, date(2025, 9, 1), date(2026, 1, 16)), T(2, date(2026, 1, 19), date(2026, 5, 31))]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_weekly_friday_of_week_before_in_vietnam_time():
    periods = schedules.periods(
        "weekly", {"weekday": 4, "time": "23:59", "week_offset": -1}, year(), TERMS
    )
    week7 = next(p for p in periods if p.key == "2025-W07")
    assert week7.label == "Tuần 7 (13/10–19/10)"
    assert week7.start == date(2025, 10, 13) and week7.end == date(2025, 10, 19)
    # Friday 10/10 23:59 in Hà Nội is 16:59 UTC the same day.
    assert week7.due_at == utc(2025, 10, 10, 16, 59)
    assert str(week7.due_at.tzinfo) == "Asia/Ho_Chi_Minh"
    # Week 1 is due in the summer week before the year starts.
    assert periods[0].key == "2025-W01" and periods[0].due_at.date() == date(2025, 8, 29)


def test_weekly_sunday_2200_before_the_week_crosses_month_and_year():
    periods = schedules.periods(
        "weekly", {"weekday": 6, "time": "22:00", "week_offset": -1}, year(), TERMS
    )
    # The school week starting Monday 5/1/2026 is due Sunday 4/1/2026 22:00 (+07) = 15:00 UTC.
    week = next(p for p in periods if p.start == date(2026, 1, 5))
    assert week.due_at == utc(2026, 1, 4, 15, 0)
    # Sunday of the week before the week of 29/12/2025 is 28/12/2025.
    week = next(p for p in periods if p.start == date(2025, 12, 29))
    assert week.due_at.date() == date(2025, 12, 28)
    assert week.label == "Tuần 18 (29/12–04/01)"
    # Keys are unique and carry the year so that the next year never collides.
    assert len({p.key for p in periods}) == len(periods)
    assert all(p.key.startswith("2025-W") for p in periods)


def test_week_numbering_when_year_starts_midweek():
    periods = schedules.periods(
        "weekly", {"weekday": 4}, year(date(2026, 9, 5), date(2027, 5, 31), "2026-2027"), TERMS
    )
    # 5/9/2026 is a Saturday: week 1 starts Monday 31/8.
    assert periods[0].start == date(2026, 8, 31)
    assert periods[1].start == date(2026, 9, 7) and periods[1].key == "2026-W02"


def test_weekly_skip_weeks():
    periods = schedules.periods("weekly", {"skip_weeks": [21, 22]}, year(), TERMS)
    keys = {p.key for p in periods}
    assert "2025-W21" not in keys and "2025-W22" not in keys and "2025-W23" in keys


def test_monthly_last_day_handles_february_and_leap_years():
    periods = schedules.periods("monthly", {"day": -1, "time": "17:00"}, year(), TERMS)
    assert [p.key for p in periods][:2] == ["2025-09", "2025-10"]
    assert len(periods) == 9  # Sep … May
    feb = next(p for p in periods if p.key == "2026-02")
    assert feb.due_at.date() == date(2026, 2, 28) and feb.label == "Tháng 2/2026"
    leap = schedules.periods(
        "monthly", {"day": 31}, year(date(2027, 9, 1), date(2028, 5, 31), "2027-2028"), TERMS
    )
    assert next(p for p in leap if p.key == "2028-02").due_at.date() == date(2028, 2, 29)
    assert next(p for p in leap if p.key == "2027-11").due_at.date() == date(2027, 11, 30)


def test_monthly_first_monday_and_last_friday():
    first_monday = schedules.periods("monthly", {"nth_weekday": [1, 0]}, year(), TERMS)
    days = {p.key: p.due_at.date() for p in first_monday}
    assert days["2025-09"] == date(2025, 9, 1)  # the 1st is a Monday
    assert days["2025-10"] == date(2025, 10, 6)
    assert days["2026-02"] == date(2026, 2, 2)
    last_friday = schedules.periods("monthly", {"nth_weekday": [-1, 4]}, year(), TERMS)
    assert {p.key: p.due_at.date() for p in last_friday}["2025-10"] == date(2025, 10, 31)


def test_monthly_following_month_window_crosses_the_calendar_year():
    # Attendance for December is confirmed by the 5th of January.
    periods = schedules.periods("monthly", {"day": 5, "month_offset": 1}, year(), TERMS)
    dec = next(p for p in periods if p.key == "2025-12")
    assert dec.due_at.date() == date(2026, 1, 5)
    may = next(p for p in periods if p.key == "2026-05")
    assert may.due_at.date() == date(2026, 6, 5)


def test_midnight_in_vietnam_is_the_previous_day_in_utc():
    (p,) = schedules.periods("yearly", {"month": 9, "day": 20, "time": "00:00"}, year(), TERMS)
    assert p.due_at == utc(2025, 9, 19, 17, 0)


def test_yearly_dates_fall_in_the_right_calendar_year():
    (before_start,) = schedules.periods("yearly", {"month": 8, "day": 31}, year(), TERMS)
    assert before_start.due_at.date() == date(2025, 8, 31)
    (spring,) = schedules.periods("yearly", {"month": 3, "day": 26}, year(), TERMS)
    assert spring.due_at.date() == date(2026, 3, 26)
    (end,) = schedules.periods("yearly", {"at": "year_end"}, year(), TERMS)
    assert end.due_at.date() == date(2026, 5, 31) and end.key == "2025-YEAR"
    (forced,) = schedules.periods("yearly", {"month": 9, "day": 1, "year_offset": 1}, year(), [])
    assert forced.due_at.date() == date(2026, 9, 1)


def test_per_term():
    periods = schedules.periods("term", {"week": 2, "weekday": 4}, year(), TERMS)
    assert [p.key for p in periods] == ["2025-HK1", "2025-HK2"]
    assert periods[0].due_at.date() == date(2025, 9, 12)
    assert periods[1].due_at.date() == date(2026, 1, 30)
    assert periods[0].label == "Học kỳ I năm học 2025-2026"
    ends = schedules.periods("term", {}, year(), TERMS)
    assert [p.due_at.date() for p in ends] == [date(2026, 1, 16), date(2026, 5, 31)]


def test_event_and_once():
    assert schedules.periods("event", {"event": "dai-hoi-lien-doi", "days_after": 2}, year()) == []

    class Ev:
        pk = 12
        label = "Đại hội Liên đội"
        occurred_on = date(2025, 10, 30)

    p = schedules.event_period({"days_after": 2, "time": "17:00"}, Ev())
    assert p.key == "EV12" and p.due_at == utc(2025, 11, 1, 10, 0)
    (once,) = schedules.periods("once", {"date": "2025-09-20"}, year(), TERMS)
    assert once.key == "2025-ONCE"
    assert schedules.periods("once", {"date": "2027-09-20"}, year(), TERMS) == []


@pytest.mark.parametrize(
    "kind,params",
    [
        ("weekly", {"weekday": 7}),
        ("weekly", {"time": "25:00"}),
        ("monthly", {"nth_weekday": [5, 0]}),
        ("monthly", {"day": 0}),
        ("yearly", {"month": 13, "day": 1}),
        ("yearly", {}),
        ("event", {}),
        ("once", {"date": "20/09/2025"}),
        ("daily", {}),
    ],
)
def test_bad_schedules_are_refused_in_vietnamese(kind, params):
    with pytest.raises(DomainError) as exc:
        schedules.periods(kind, params, year(), TERMS)
    assert exc.value.code == RecordsError.BAD_SCHEDULE
    assert exc.value.message


def test_describe():
    assert (
        schedules.describe("weekly", {"weekday": 4, "week_offset": -1, "time": "23:59"})
        == "Hằng tuần: Thứ Sáu tuần liền trước, 23:59"
    )
    assert "Thứ Hai đầu tiên" in schedules.describe("monthly", {"nth_weekday": [1, 0]})
