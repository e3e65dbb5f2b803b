"""The bounded reader: every import reads its file here, and only here.

1. ``containers.inspect`` checks the file before any parser sees it (size, the ZIP's central
   directory, how far the cells reach) — a zip bomb or a far cell is refused in milliseconds.
2. python-calamine then loads each visible worksheet (its grid is bounded by step 1) and the
   rows are walked one by one: at most ``Limits.max_rows`` non-empty rows below the header rows,
   no cell longer than ``Limits.max_cell_chars`` (refused, never cut), no control character
   (NUL and the like cannot be stored and are never meant) — each refusal names the sheet, row
   and column.

Rows and columns keep the numbers Excel shows (a sheet may start further in). Pure, no Django.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from hoso.core.text import CONTROL_CHARACTER, nfc
from hoso.imports import containers
from hoso.imports.cells import json_cell
from hoso.imports.errors import FileProblem, ImportFileError
from hoso.imports.limits import Limits

_AS_IS = frozenset({str, float, int, bool})  # kept as they are; dates become {"date": iso}


@dataclass
class SheetData:
    name: str
    rows: list[dict]  # [{"row": Excel row number, "cells": [JSON cells]}], non-empty rows only
    width: int


def read_workbook(data: bytes, limits: Limits | None = None) -> list[SheetData]:
    """Every visible worksheet of an .xlsx/.xls/.ods file, decided by content, not by name."""
    limits = limits or Limits()
    book = _open(data, limits)
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    sheets = [
        _read_sheet(book, index, nfc(meta.name), limits)
        for index, meta in enumerate(book.sheets_metadata)
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
    ]
    if not sheets:
        raise ImportFileError(FileProblem.NO_SHEETS, "Tệp không có trang tính nào.")
    return sheets


def read_sheet_named(data: bytes, name: str, limits: Limits | None = None) -> SheetData | None:
    """One sheet by its name, hidden or not (e.g. the metadata a template hides); None if the
    file has no such sheet. The file goes through the same checks."""
    limits = limits or Limits()
    book = _open(data, limits)
    for index, meta in enumerate(book.sheets_metadata):
        if meta.name == name:
            return _read_sheet(book, index, nfc(meta.name), limits)
    return None


def _open(data: bytes, limits: Limits):
    from python_calamine import CalamineWorkbook

    containers.inspect(data, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:
        raise ImportFileError(FileProblem.NOT_SPREADSHEET, containers.NOT_SPREADSHEET)
    if len(book.sheets_metadata) > limits.max_sheets:
        raise ImportFileError(
            FileProblem.TOO_MANY_SHEETS,
            f"Tệp có quá nhiều trang tính (tối đa {limits.max_sheets}).",
        )
    return book


def _read_sheet(book, index: int, name: str, limits: Limits) -> SheetData:
    try:
        sheet = book.get_sheet_by_index(index)
    except Exception:
        raise ImportFileError(
            FileProblem.UNREADABLE_SHEET, f"Không đọc được trang tính “{name}” của tệp."
        )
    end = sheet.end
    if end is not None and end[0] >= limits.max_sheet_rows:
        raise ImportFileError(
            FileProblem.TOO_MANY_ROWS,
            f"Trang tính “{name}” có quá nhiều dòng (tối đa {limits.max_sheet_rows}).",
        )
    if end is not None and end[1] >= limits.max_columns:
        raise ImportFileError(
            FileProblem.TOO_MANY_COLUMNS,
            f"Trang tính “{name}” có quá nhiều cột (tối đa {limits.max_columns}).",
        )
    first_column = (sheet.start or (0, 0))[1]
    padding = [""] * first_column
    rows: list[dict] = []
    texts: list[str] = []
    width = 0
    try:
        # iter_rows gives every row from the first (empty ones included), each from the sheet's
        # first used column: put back the columns before it so letters stay Excel's.
        for number, raw in enumerate(sheet.iter_rows(), start=1):
            cells = padding + [v if type(v) in _AS_IS else json_cell(v) for v in raw]
            while cells and cells[-1] in ("", None):
                cells.pop()
            if not any(c is not False and c != "" for c in cells):
                continue  # empty (a False cell reads as empty text too)
            strings = [c for c in cells if type(c) is str and c]
            if strings and max(map(len, strings)) > limits.max_cell_chars:
                _refuse_cell(name, number, cells, limits)
            texts.extend(strings)
            rows.append({"row": number, "cells": cells})
            width = max(width, len(cells))
            if len(rows) > limits.max_rows + limits.header_rows:
                raise ImportFileError(
                    FileProblem.TOO_MANY_ROWS,
                    f"Tệp có quá nhiều dòng (tối đa {limits.max_rows} {limits.row_noun} một lần).",
                )
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            FileProblem.UNREADABLE_SHEET, f"Không đọc được trang tính “{name}” của tệp."
        )
    if CONTROL_CHARACTER.search("".join(texts)):  # one search for the sheet; then find the cell
        for row in rows:
            if any(type(c) is str and CONTROL_CHARACTER.search(c) for c in row["cells"]):
                _refuse_cell(name, row["row"], row["cells"], limits)
    return SheetData(name=name, rows=rows, width=width)


def _refuse_cell(sheet: str, row: int, cells: list, limits: Limits) -> None:
    """Refuse the row's first over-long cell or cell with a control character, by its place."""
    for index, value in enumerate(cells):
        if not isinstance(value, str):
            continue
        where = f"Trang tính “{sheet}”, dòng {row}, cột {get_column_letter(index + 1)}"
        if len(value) > limits.max_cell_chars:
            raise ImportFileError(
                FileProblem.CELL_TOO_LONG,
                f"{where}: ô dài {len(value)} ký tự, quá giới hạn {limits.max_cell_chars} ký tự. "
                "Hãy rút ngắn nội dung ô rồi tải lên lại.",
            )
        control = CONTROL_CHARACTER.search(value)
        if control:
            raise ImportFileError(
                FileProblem.CONTROL_CHARACTER,
                f"{where}: ô có ký tự điều khiển không được phép "
                f"(mã U+{ord(control.group()):04X}). Hãy xóa ký tự đó trong tệp rồi tải lên lại.",
            )
