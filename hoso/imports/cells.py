"""Cells as the reader stores them, and what every importer needs to read them.

python-calamine returns every number as a float, ``''`` for an empty cell and date cells as
``date``/``datetime``. Stored cells are JSON-ready: dates become ``{"date": "YYYY-MM-DD"}``,
everything else keeps its type. Pure functions, no Django.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.text import nfc


def json_cell(value: Any) -> Any:
    """A calamine cell made JSON-ready (dates as ``{"date": iso}``)."""
    if isinstance(value, datetime):
        return {"date": value.date().isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (time, timedelta)):
        return str(value)
    if value is None:
        return ""
    return value


def cell_text(value: Any) -> str:
    """The text of a stored cell, NFC-normalised; whole floats lose their ``.0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"]).strftime("%d/%m/%Y")
    return nfc(str(value))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def column_label(index: int, headers: list[str]) -> str:
    """'E (Ngày sinh)': the Excel column letter and the header the file gave it."""
    letter = get_column_letter(index + 1)
    header = headers[index] if index < len(headers) else ""
    return f"{letter} ({header})" if header else letter


def column_index(label: str) -> int:
    """The 0-based index of a column from its label ('E (Ngày sinh)' → 4); -1 without one."""
    found = re.match(r"([A-Z]{1,3})(?:\s|$)", label or "")
    if not found:
        return -1
    number = 0
    for ch in found.group(1):
        number = number * 26 + ord(ch) - 64
    return number - 1


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str) -> str:
    """A name Excel accepts for a sheet of a generated template: NFC, without []:*?/\\, at
    most 31 characters (Excel's limit)."""
    return _SHEET_NAME_BAD.sub("-", nfc(text))[:31]


class CellError(Exception):
    """A cell that cannot be read as what its column holds (message without the column)."""


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(
    r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date_cell(value: Any) -> date | None:
    """A date from a date cell, 'dd/mm/yyyy', 'd/m/yyyy', 'yyyy-mm-dd' or an Excel serial number."""
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    if is_number(value):
        if not 1 <= value < 2958466:
            raise CellError(f"“{cell_text(value)}” không phải là ngày.")
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = cell_text(value)
    if not text:
        return None
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise CellError(f"“{text}” không đúng dạng ngày/tháng/năm (ví dụ 05/09/2015).")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"“{text}” không có trong lịch.")
