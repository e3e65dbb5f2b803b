"""Schedule engine (pure): the periods of a record type in a school year, with due times in
Asia/Ho_Chi_Minh.

Parameters per ``ScheduleKind`` (all optional keys have defaults; ``time`` is "HH:MM", default
"23:59" — "by Friday" means by the end of Friday):

- weekly  ``{"weekday": 0-6 (Mon=0), "week_offset": int, "skip_weeks": [n, ...]}``: one period
  per school week (SchoolYear.weeks); due on ``weekday`` of the week ``week_offset`` weeks away
  (-1 = the week before: lesson plans "by Friday of the week before").
- monthly ``{"day": 1-31 | -1 (last) | -k}`` or ``{"nth_weekday": [n, weekday]}`` (n = 1 first,
  -1 last), ``"month_offset": 0|1`` (1 = due in the following month); one period per calendar
  month touched by the year.
- term    ``{"days_after_start": n}`` | ``{"days_before_end": n}`` | ``{"week": n, "weekday": d}``
  (n-th week of the term); one period per term.
- yearly  ``{"month": m, "day": d, "year_offset": 0|1}`` or ``{"at": "year_start"|"year_end",
  "days_after": n}``; one period. Without ``year_offset`` the date falls in the start year unless
  it is more than 60 days before the year starts (then the next calendar year).
- once    ``{"date": "YYYY-MM-DD"}``: one period, if the date belongs to the year.
- event   ``{"event": code, "days_after": n}``: no calendar periods; ``event_period`` makes one
  when the event is recorded.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hoso.core.errors import DomainError
from hoso.records.errors import RecordsError

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
TERM_LABELS = {1: "Học kỳ I", 2: "Học kỳ II"}


@dataclass(frozen=True)
class Period:
    key: str  # unique per (record type, owner) across years: "2026-W07", "2026-10", "2026-HK1"
    label: str  # "Tuần 7 (12/10–18/10)"
    start: date | None
    end: date | None
    due_at: datetime  # aware, Asia/Ho_Chi_Minh


def _bad(message: str) -> DomainError:
    return DomainError(RecordsError.BAD_SCHEDULE, message, field="schedule")


def parse_time(value) -> time:
    text = str(value or "23:59").strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise _bad(f"Giờ “{text}” không hợp lệ (dạng HH:MM, ví dụ 17:00).") from None


def at(day: date, params: dict) -> datetime:
    return datetime.combine(day, parse_time(params.get("time")), tzinfo=TZ)


def _int(params: dict, key: str, default=None, lo=None, hi=None) -> int | None:
    value = params.get(key, default)
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _bad(f"Tham số “{key}” phải là số nguyên.") from None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise _bad(f"Tham số “{key}” phải trong khoảng {lo}…{hi}.")
    return number


def nth_weekday(year: int, month: int, n: int, weekday: int) -> date:
    """The n-th (1-based; -1 = last) ``weekday`` of a month."""
    days = calendar.monthrange(year, month)[1]
    if n > 0:
        first = date(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        if day.month != month:
            raise _bad(f"Tháng {month}/{year} không có {WEEKDAYS[weekday]} thứ {n}.")
        return day
    last = date(year, month, days)
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))


def month_day(year: int, month: int, day: int) -> date:
    """Day ``day`` of a month, clamped to its length; -1 = last day, -k = k-th from last."""
    days = calendar.monthrange(year, month)[1]
    if day < 0:
        return date(year, month, max(1, days + 1 + day))
    return date(year, month, min(day, days))


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def weekly(params: dict, school_year) -> list[Period]:
    weekday = _int(params, "weekday", 4, 0, 6)
    offset = _int(params, "week_offset", -1, -4, 4)
    skip = {int(n) for n in params.get("skip_weeks") or []}
    sy = school_year.start_date.year
    out = []
    for number, monday, sunday in school_year.weeks():
        if number in skip:
            continue
        due = monday + timedelta(weeks=offset, days=weekday)
        out.append(
            Period(
                key=f"{sy}-W{number:02d}",
                label=f"Tuần {number} ({monday:%d/%m}–{sunday:%d/%m})",
                start=monday,
                end=sunday,
                due_at=at(due, params),
            )
        )
    return out


def monthly(params: dict, school_year) -> list[Period]:
    offset = _int(params, "month_offset", 0, 0, 2)
    nth = params.get("nth_weekday")
    day = None
    if nth is not None:
        try:
            n, weekday = int(nth[0]), int(nth[1])
        except (TypeError, ValueError, IndexError):
            raise _bad("“nth_weekday” phải có dạng [thứ tự, thứ trong tuần].") from None
        if n not in (1, 2, 3, 4, -1) or not 0 <= weekday <= 6:
            raise _bad("“nth_weekday”: thứ tự 1–4 hoặc -1 (cuối), thứ trong tuần 0–6.")
    else:
        day = _int(params, "day", -1, -28, 31)
        if day == 0:
            raise _bad("Ngày trong tháng không được bằng 0.")
    start, end = school_year.start_date, school_year.end_date
    y, m = start.year, start.month
    out = []
    while (y, m) <= (end.year, end.month):
        last = calendar.monthrange(y, m)[1]
        dy, dm = _add_months(y, m, offset)
        due_day = nth_weekday(dy, dm, n, weekday) if nth is not None else month_day(dy, dm, day)
        out.append(
            Period(
                key=f"{y}-{m:02d}",
                label=f"Tháng {m}/{y}",
                start=max(start, date(y, m, 1)),
                end=min(end, date(y, m, last)),
                due_at=at(due_day, params),
            )
        )
        y, m = _add_months(y, m, 1)
    return out


def per_term(params: dict, school_year, terms) -> list[Period]:
    sy = school_year.start_date.year
    out = []
    for term in sorted(terms, key=lambda t: t.number):
        if "week" in params:
            week = _int(params, "week", 1, 1, 30)
            weekday = _int(params, "weekday", 4, 0, 6)
            monday = term.start_date - timedelta(days=term.start_date.weekday())
            due = monday + timedelta(weeks=week - 1, days=weekday)
        elif "days_after_start" in params:
            due = term.start_date + timedelta(days=_int(params, "days_after_start", 0, 0, 200))
        else:
            due = term.end_date - timedelta(days=_int(params, "days_before_end", 0, -60, 200))
        out.append(
            Period(
                key=f"{sy}-HK{term.number}",
                label=f"{TERM_LABELS.get(term.number, f'Học kỳ {term.number}')} "
                f"năm học {school_year.name}",
                start=term.start_date,
                end=term.end_date,
                due_at=at(due, params),
            )
        )
    return out


def yearly(params: dict, school_year) -> list[Period]:
    sy = school_year.start_date.year
    anchor = params.get("at")
    if anchor in ("year_start", "year_end"):
        base = school_year.start_date if anchor == "year_start" else school_year.end_date
        due = base + timedelta(days=_int(params, "days_after", 0, -200, 200))
    elif anchor is not None:
        raise _bad("“at” chỉ nhận year_start hoặc year_end.")
    else:
        month = _int(params, "month", None, 1, 12)
        day = _int(params, "day", None, 1, 31)
        if month is None or day is None:
            raise _bad("Lịch hằng năm cần tháng và ngày.")
        if "year_offset" in params:
            cal_year = sy + _int(params, "year_offset", 0, 0, 1)
        else:
            cal_year = sy
            if month_day(sy, month, day) < school_year.start_date - timedelta(days=60):
                cal_year = sy + 1
        due = month_day(cal_year, month, day)
    return [
        Period(
            key=f"{sy}-YEAR",
            label=f"Năm học {school_year.name}",
            start=school_year.start_date,
            end=school_year.end_date,
            due_at=at(due, params),
        )
    ]


def once(params: dict, school_year) -> list[Period]:
    try:
        day = date.fromisoformat(str(params.get("date", "")))
    except ValueError:
        raise _bad("Lịch một lần cần ngày dạng YYYY-MM-DD.") from None
    if not (
        school_year.start_date - timedelta(days=90) <= day <= school_year.end_date
    ):  # the date belongs to another year
        return []
    return [
        Period(
            key=f"{school_year.start_date.year}-ONCE",
            label=f"Hạn {day:%d/%m/%Y}",
            start=None,
            end=None,
            due_at=at(day, params),
        )
    ]


def event_period(params: dict, event) -> Period:
    days = _int(params, "days_after", 0, 0, 120)
    return Period(
        key=f"EV{event.pk}",
        label=f"{event.label} ({event.occurred_on:%d/%m/%Y})",
        start=event.occurred_on,
        end=event.occurred_on,
        due_at=at(event.occurred_on + timedelta(days=days), params),
    )


def periods(kind: str, params: dict, school_year, terms=()) -> list[Period]:
    """Every period of a schedule in ``school_year`` (``terms``: its Term rows)."""
    params = params or {}
    if not isinstance(params, dict):
        raise _bad("Tham số lịch phải là một đối tượng JSON.")
    if kind == "weekly":
        return weekly(params, school_year)
    if kind == "monthly":
        return monthly(params, school_year)
    if kind == "term":
        return per_term(params, school_year, terms)
    if kind == "yearly":
        return yearly(params, school_year)
    if kind == "once":
        return once(params, school_year)
    if kind == "event":
        if not str(params.get("event", "")).strip():
            raise _bad("Lịch theo sự kiện cần tên sự kiện (“event”).")
        _int(params, "days_after", 0, 0, 120)
        parse_time(params.get("time"))
        return []
    raise _bad(f"Loại lịch “{kind}” không hợp lệ.")


def periods_for(record_type, school_year, terms=None) -> list[Period]:
    if terms is None:
        terms = list(school_year.terms.all())
    return periods(record_type.schedule_kind, record_type.schedule, school_year, terms)


def validate(kind: str, params: dict, school_year, terms=()) -> None:
    """Raise BAD_SCHEDULE (Vietnamese message) when the schedule cannot produce its periods."""
    periods(kind, params, school_year, terms)


def describe(kind: str, params: dict) -> str:
    """A Vietnamese sentence for the schedule ("Hằng tuần, Thứ Sáu tuần trước, 23:59")."""
    params = params or {}
    hour = params.get("time") or "23:59"
    try:
        if kind == "weekly":
            offset = int(params.get("week_offset", -1))
            wd = WEEKDAYS[int(params.get("weekday", 4))]
            when = {0: "cùng tuần", -1: "tuần liền trước"}.get(offset, f"{offset:+d} tuần")
            return f"Hằng tuần: {wd} {when}, {hour}"
        if kind == "monthly":
            nth = params.get("nth_weekday")
            if nth:
                order = {1: "đầu tiên", 2: "thứ hai", 3: "thứ ba", 4: "thứ tư", -1: "cuối cùng"}
                text = f"{WEEKDAYS[int(nth[1])]} {order.get(int(nth[0]), str(nth[0]))} của tháng"
            else:
                day = int(params.get("day", -1))
                text = "ngày cuối tháng" if day == -1 else f"ngày {day}"
            if int(params.get("month_offset", 0)):
                text += " tháng sau"
            return f"Hằng tháng: {text}, {hour}"
        if kind == "term":
            if "week" in params:
                wd = WEEKDAYS[int(params.get("weekday", 4))]
                return f"Mỗi học kỳ: {wd} tuần {params['week']} của học kỳ, {hour}"
            if "days_after_start" in params:
                return f"Mỗi học kỳ: {params['days_after_start']} ngày sau khi bắt đầu, {hour}"
            n = int(params.get("days_before_end", 0))
            when = "ngày kết thúc" if n == 0 else f"{n} ngày trước khi kết thúc"
            return f"Mỗi học kỳ: {when}, {hour}"
        if kind == "yearly":
            if params.get("at") == "year_end":
                return f"Hằng năm: ngày kết thúc năm học, {hour}"
            if params.get("at") == "year_start":
                return f"Hằng năm: ngày bắt đầu năm học, {hour}"
            return f"Hằng năm: trước ngày {params.get('day')}/{params.get('month')}, {hour}"
        if kind == "once":
            return f"Một lần: {params.get('date')}, {hour}"
        if kind == "event":
            return f"Theo sự kiện: {params.get('days_after', 0)} ngày sau sự kiện, {hour}"
    except (TypeError, ValueError, IndexError, KeyError):
        return "Lịch không hợp lệ"
    return kind
