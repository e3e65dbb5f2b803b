"""Reading the set-up's forms: typed values kept as typed (to show them again on an error), then
turned into dates, numbers and calendars with Vietnamese messages naming the field."""

from __future__ import annotations

import re
from datetime import date, datetime

from hoso.core.text import nfc
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.errors import SetupError, fail

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

# Calendar fields of the year form: name → label (for messages).
CALENDAR_FIELDS = {
    "start_date": "ngày bắt đầu năm học",
    "end_date": "ngày kết thúc năm học",
    "term1_start": "ngày bắt đầu Học kỳ I",
    "term1_end": "ngày kết thúc Học kỳ I",
    "term2_start": "ngày bắt đầu Học kỳ II",
    "term2_end": "ngày kết thúc Học kỳ II",
    cal.MID_TERM_1: "ngày giữa Học kỳ I",
    cal.END_TERM_1: "ngày cuối Học kỳ I",
    cal.MID_TERM_2: "ngày giữa Học kỳ II",
    cal.END_OF_YEAR: "ngày cuối năm học",
}
MAX_HOLIDAY_ROWS = 20


def parse_date(value, *, label: str, field: str) -> date:
    text = nfc(value)
    if not text:
        raise fail(SetupError.REQUIRED, field=field, label=label)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise fail(SetupError.BAD_DATE, field=field, label=label.capitalize())


def parse_int(value, *, label: str, field: str, low: int, high: int) -> int:
    try:
        number = int(nfc(value))
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise fail(SetupError.BAD_NUMBER, field=field, label=label.capitalize(), low=low, high=high)
    return number


def calendar_values(post) -> dict:
    """The year form as typed."""
    values = {"name": nfc(post.get("name"))}
    for name in CALENDAR_FIELDS:
        values[name] = nfc(post.get(name))
    return values


def calendar_values_of(plan: cal.Calendar) -> dict:
    """The year form filled from a calendar (ISO dates for ``<input type=date>``)."""
    return {
        "name": plan.name,
        "start_date": plan.start.isoformat(),
        "end_date": plan.end.isoformat(),
        "term1_start": plan.term1[0].isoformat(),
        "term1_end": plan.term1[1].isoformat(),
        "term2_start": plan.term2[0].isoformat(),
        "term2_end": plan.term2[1].isoformat(),
        **{k: d.isoformat() for k, d in plan.checkpoints.items()},
    }


def calendar_from(values: dict, holidays: list[cal.Holiday] | None = None) -> cal.Calendar:
    name = values["name"]
    if not name:
        raise fail(SetupError.REQUIRED, field="name", label="tên năm học")
    cal.start_year_of(name)
    day = {n: parse_date(values[n], label=label, field=n) for n, label in CALENDAR_FIELDS.items()}
    return cal.Calendar(
        name=name,
        start=day["start_date"],
        end=day["end_date"],
        term1=(day["term1_start"], day["term1_end"]),
        term2=(day["term2_start"], day["term2_end"]),
        checkpoints={k: day[k] for k in cal.CHECKPOINT_LABELS},
        holidays=holidays or [],
    )


def holiday_rows(post) -> list[dict]:
    """The proposed holidays of the new-year form, as typed (``holiday_N_*``)."""
    rows = []
    for i in range(MAX_HOLIDAY_ROWS):
        if f"holiday_{i}_name" not in post:
            break
        rows.append(
            {
                "keep": post.get(f"holiday_{i}_keep") == "1",
                "name": nfc(post.get(f"holiday_{i}_name")),
                "start": nfc(post.get(f"holiday_{i}_start")),
                "end": nfc(post.get(f"holiday_{i}_end")),
            }
        )
    return rows


def holiday_rows_of(holidays: list[cal.Holiday]) -> list[dict]:
    return [
        {"keep": True, "name": h.name, "start": h.start.isoformat(), "end": h.end.isoformat()}
        for h in holidays
    ]


def holidays_from(rows: list[dict]) -> list[cal.Holiday]:
    out = []
    for row in rows:
        if not row["keep"]:
            continue
        if not row["name"]:
            raise fail(SetupError.REQUIRED, field="holidays", label="tên ngày nghỉ")
        out.append(
            cal.Holiday(
                row["name"],
                parse_date(
                    row["start"], label=f"ngày bắt đầu nghỉ “{row['name']}”", field="holidays"
                ),
                parse_date(
                    row["end"], label=f"ngày kết thúc nghỉ “{row['name']}”", field="holidays"
                ),
            )
        )
    return out


_SEPARATORS = re.compile(r"[,;\n\r\t]+")


def typed_names(text: str) -> list[str]:
    """ "6A1, 6A2; 6A3" or one per line → ["6A1", "6A2", "6A3"]."""
    return [n for n in (nfc(part) for part in _SEPARATORS.split(text or "")) if n]


def series_names(prefix: str, first: int, count: int) -> list[str]:
    """ "6A", 1, 3 → 6A1, 6A2, 6A3 (the quick add)."""
    prefix = nfc(prefix)
    if not prefix:
        raise fail(SetupError.REQUIRED, field="prefix", label="phần đầu tên lớp")
    return [f"{prefix}{n}" for n in range(first, first + count)]
