"""A school year's calendar, pure: the proposal the set-up starts from and its checks.

The proposal follows the calendar the Ministry usually sets each year (UNCONFIRMED as a rule —
the Ministry decides it every year, the province adapts it, and the school edits what we propose):
the year starts on 5 September (khai giảng), term I ends on the Saturday before 18 January, term
II starts the Monday after and the year ends on 31 May. Checkpoints: giữa kỳ I on the Monday of
week 10, cuối kỳ I on the Monday of term I's last week, giữa kỳ II on the Monday of term II's
week 10, cuối năm two weeks before the last week. Holidays: New Year's Day, Tết Nguyên đán
(three days before to five days after the first day, from :data:`LUNAR_NEW_YEAR`) and
30 April – 1 May. Giỗ Tổ Hùng Vương (10/3 âm lịch) is not proposed: add it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from hoso.core.text import in_sentence
from hoso.organisation.setup.errors import SetupError, fail

YEAR_NAME = re.compile(r"^(\d{4})-(\d{4})$")

MID_TERM_1, END_TERM_1, MID_TERM_2, END_OF_YEAR = "mid1", "end1", "mid2", "end2"
CHECKPOINT_LABELS = {
    MID_TERM_1: "Giữa học kỳ I",
    END_TERM_1: "Cuối học kỳ I",
    MID_TERM_2: "Giữa học kỳ II",
    END_OF_YEAR: "Cuối năm học",
}
TERM_LABELS = {1: "Học kỳ I", 2: "Học kỳ II"}

#: The first day of the lunar year (mùng 1 Tết) in Vietnam. UNCONFIRMED beyond doubt for a given
#: year (Vietnam's calendar is computed for UTC+7 and can differ from China's by a day); editable.
LUNAR_NEW_YEAR = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}


@dataclass
class Holiday:
    name: str
    start: date
    end: date


@dataclass
class Calendar:
    """What the set-up edits: name, dates, the two terms and the four checkpoints."""

    name: str
    start: date
    end: date
    term1: tuple[date, date]
    term2: tuple[date, date]
    checkpoints: dict[str, date]
    holidays: list[Holiday] = field(default_factory=list)


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def year_name(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def start_year_of(name: str) -> int:
    """2027 for "2027-2028"; refuses any other shape."""
    match = YEAR_NAME.match(name or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise fail(SetupError.YEAR_NAME_INVALID, field="name")
    return int(match.group(1))


def proposed_start_year(today: date) -> int:
    """The school year a school sets up on ``today``: the one running (September – May), or in
    summer (from June) the one about to start."""
    return today.year if today.month >= 6 else today.year - 1


def proposed_calendar(start_year: int) -> Calendar:
    """The Ministry's usual calendar for ``start_year``–``start_year + 1`` (module docstring)."""
    start = date(start_year, 9, 5)
    end = date(start_year + 1, 5, 31)
    term1_end = date(start_year + 1, 1, 17)
    term1_end -= timedelta(days=(term1_end.weekday() - 5) % 7)  # the Saturday on or before
    term2_start = term1_end + timedelta(days=2)
    checkpoints = {
        MID_TERM_1: monday(start) + timedelta(weeks=9),
        END_TERM_1: monday(term1_end),
        MID_TERM_2: monday(term2_start) + timedelta(weeks=9),
        END_OF_YEAR: monday(end) - timedelta(weeks=2),
    }
    return Calendar(
        name=year_name(start_year),
        start=start,
        end=end,
        term1=(start, term1_end),
        term2=(term2_start, end),
        checkpoints=checkpoints,
        holidays=proposed_holidays(start_year),
    )


def proposed_holidays(start_year: int) -> list[Holiday]:
    second = start_year + 1
    holidays = [Holiday("Tết Dương lịch", date(second, 1, 1), date(second, 1, 1))]
    new_year = LUNAR_NEW_YEAR.get(second)
    if new_year is not None:
        holidays.append(
            Holiday(
                "Nghỉ Tết Nguyên đán",
                new_year - timedelta(days=3),
                new_year + timedelta(days=5),
            )
        )
    holidays.append(
        Holiday(
            "Ngày Giải phóng miền Nam, thống nhất đất nước và Quốc tế Lao động",
            date(second, 4, 30),
            date(second, 5, 1),
        )
    )
    return holidays


def check_calendar(cal: Calendar, *, other_years: list[tuple[str, date, date]] = ()) -> None:
    """Raise the first problem (with the field to mark), in the order a person reads the form:
    the name and the year's dates, the terms, the checkpoints. ``other_years``: (name, start,
    end) of the school's other years, which the year must not overlap."""
    first = start_year_of(cal.name)
    if cal.end <= cal.start:
        raise fail(SetupError.YEAR_DATES, field="end_date")
    if cal.start.year != first or cal.end.year != first + 1:
        raise fail(
            SetupError.YEAR_NAME_DATES,
            field="start_date" if cal.start.year != first else "end_date",
            name=cal.name,
            first=first,
            second=first + 1,
        )
    for name, start, end in other_years:
        if cal.start <= end and start <= cal.end:
            raise fail(
                SetupError.YEAR_OVERLAP,
                field="start_date",
                other=name,
                start=vn_date(start),
                end=vn_date(end),
            )
    for number, (start, end) in ((1, cal.term1), (2, cal.term2)):
        term = TERM_LABELS[number]
        if end <= start:
            raise fail(SetupError.TERM_DATES, field=f"term{number}_end", term=term)
        if start < cal.start or end > cal.end:
            raise fail(
                SetupError.TERM_OUTSIDE_YEAR,
                field=f"term{number}_start" if start < cal.start else f"term{number}_end",
                term=term,
                start=vn_date(cal.start),
                end=vn_date(cal.end),
            )
    if cal.term2[0] <= cal.term1[1]:
        raise fail(SetupError.TERMS_OVERLAP, field="term2_start", end=vn_date(cal.term1[1]))
    for number, (mid, end_kind) in ((1, (MID_TERM_1, END_TERM_1)), (2, (MID_TERM_2, END_OF_YEAR))):
        start, finish = cal.term1 if number == 1 else cal.term2
        for kind in (mid, end_kind):
            day = cal.checkpoints.get(kind)
            if day is None:
                raise fail(
                    SetupError.REQUIRED, field=kind, label=in_sentence(CHECKPOINT_LABELS[kind])
                )
            if not (start <= day <= finish):
                raise fail(
                    SetupError.CHECKPOINT_OUTSIDE_TERM,
                    field=kind,
                    checkpoint=CHECKPOINT_LABELS[kind],
                    term=TERM_LABELS[number],
                    start=vn_date(start),
                    end=vn_date(finish),
                )
        if cal.checkpoints[mid] >= cal.checkpoints[end_kind]:
            raise fail(
                SetupError.CHECKPOINT_ORDER,
                field=end_kind,
                first=CHECKPOINT_LABELS[mid],
                second=in_sentence(CHECKPOINT_LABELS[end_kind]),
            )


def check_holiday(holiday: Holiday, *, start: date, end: date) -> None:
    """A holiday lies inside the year it belongs to."""
    if holiday.end < holiday.start:
        raise fail(SetupError.HOLIDAY_DATES, field="holiday_end", name=holiday.name)
    if holiday.start < start or holiday.end > end:
        raise fail(
            SetupError.HOLIDAY_OUTSIDE_YEAR,
            field="holiday_start" if holiday.start < start else "holiday_end",
            name=holiday.name,
            start=vn_date(start),
            end=vn_date(end),
        )


@dataclass(frozen=True)
class Week:
    number: int
    start: date
    end: date
    term: int | None  # 1, 2 or None (between terms / outside)
    holidays: tuple[str, ...]
    checkpoints: tuple[str, ...]


def school_weeks(
    *,
    start: date,
    end: date,
    terms: list[tuple[int, date, date]],
    holidays: list[tuple[str, date, date]],
    checkpoints: list[tuple[str, date]],
) -> list[Week]:
    """Tuần 1, 2, … from the Monday of the first day's week (as ``SchoolYear.weeks``), with the
    term each week falls in and the holidays and checkpoints inside it."""
    weeks = []
    first = monday(start)
    number = 1
    while first <= end:
        last = first + timedelta(days=6)
        term = next((n for n, s, e in terms if s <= last and first <= e), None)
        weeks.append(
            Week(
                number=number,
                start=first,
                end=last,
                term=term,
                holidays=tuple(n for n, s, e in holidays if s <= last and first <= e),
                checkpoints=tuple(
                    CHECKPOINT_LABELS.get(k, k) for k, day in checkpoints if first <= day <= last
                ),
            )
        )
        first += timedelta(days=7)
        number += 1
    return weeks
