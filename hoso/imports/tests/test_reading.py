"""The bounded reader: rows keep Excel's numbers, over-long cells and control characters are
refused with their place, the row limit holds, and files saved by LibreOffice read the same as
files saved by openpyxl. Pure (no database)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from hoso.imports.errors import FileProblem, ImportFileError
from hoso.imports.limits import Limits
from hoso.imports.reading import read_sheet_named, read_workbook
from hoso.imports.tests import files


def refused(data: bytes, limits: Limits | None = None) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_workbook(data, limits)
    return caught.value


def test_a_control_character_is_refused_with_its_sheet_row_and_column():
    # Excel writes a control character as _x0001_; calamine gives it back as it is.
    data = files.xlsx_with_sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã học sinh</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>HS1</t></is></c>'
        '<c r="C3" t="inlineStr"><is><t>Lê_x0000_An</t></is></c></row>'.encode()
    )
    error = refused(data)
    assert error.problem == FileProblem.CONTROL_CHARACTER
    assert error.message.startswith("Trang tính “Danh sách”, dòng 3, cột C: ")
    assert "U+0000" in error.message


def test_tabs_and_line_breaks_inside_a_cell_are_kept():
    (sheet,) = read_workbook(files.xlsx([["Nhận xét"], ["Chăm chỉ.\nCần cố gắng\thơn."]]))
    assert sheet.rows[1]["cells"] == ["Chăm chỉ.\nCần cố gắng\thơn."]


def test_an_over_long_cell_is_refused_never_cut():
    data = files.xlsx([["Họ và tên", "Ghi chú"], ["Lê Văn An", "x" * 2001]])
    error = refused(data)
    assert error.problem == FileProblem.CELL_TOO_LONG
    assert "dòng 2, cột B: ô dài 2001 ký tự, quá giới hạn 2000 ký tự" in error.message
    (sheet,) = read_workbook(data, Limits(max_cell_chars=2001))
    assert len(sheet.rows[1]["cells"][1]) == 2001


def test_more_data_rows_than_the_limit_are_refused():
    rows = [["STT", "Họ và tên"]] + [[n, f"Học sinh {n}"] for n in range(1, 31)]
    limits = Limits(max_rows=20, header_rows=10, row_noun="học sinh")
    error = refused(files.xlsx(rows), limits)
    assert error.problem == FileProblem.TOO_MANY_ROWS
    assert error.message == "Tệp có quá nhiều dòng (tối đa 20 học sinh một lần)."
    (sheet,) = read_workbook(files.xlsx(rows[:30]), limits)
    assert len(sheet.rows) == 30


def test_hidden_sheets_are_skipped_but_can_be_read_by_name():
    book = Workbook()
    book.active.append(["Mã học sinh"])
    meta = book.create_sheet("hoso_meta")
    meta["A1"] = '{"format": "x"}'
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    book.save(out)
    assert [s.name for s in read_workbook(out.getvalue())] == ["Sheet"]
    assert read_sheet_named(out.getvalue(), "hoso_meta").rows == [
        {"row": 1, "cells": ['{"format": "x"}']}
    ]
    assert read_sheet_named(out.getvalue(), "khác") is None


def test_a_crafted_xls_reads_like_any_workbook():
    (sheet,) = read_workbook(files.xls(files.biff_workbook([(0, 0, 1.0), (2, 3, 7.5)])))
    assert sheet.rows == [
        {"row": 1, "cells": [1.0]},
        {"row": 3, "cells": ["", "", "", 7.5]},
    ]


CLASS_LIST = [
    ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "SĐT mẹ"],
    ["1", "HS001", "Nguyễn Thị Ánh", "2015-03-04", "Nữ", "0987654321"],
    ["2", "HS002", "Trần Văn Bình", "2015-11-12", "Nam", ""],
]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("extension", ["xlsx", "ods", "xls"])
def test_files_saved_by_libreoffice_read_like_the_others(extension):
    data = files.saved_by_libreoffice(_csv(CLASS_LIST), extension)
    (sheet,) = read_workbook(data)
    header, first, second = (r["cells"] for r in sheet.rows)
    assert header == CLASS_LIST[0]
    # LibreOffice typed the cells: numbers, dates (its leading zeros are gone, as in Excel).
    assert first[:3] == [1.0, "HS001", "Nguyễn Thị Ánh"]
    assert first[3] == {"date": date(2015, 3, 4).isoformat()}
    assert first[4] == "Nữ" and first[5] == 987654321.0
    assert [r["row"] for r in sheet.rows] == [1, 2, 3] and second[2] == "Trần Văn Bình"
