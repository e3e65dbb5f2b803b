"""GIVEN the class list's Excel template WHEN LibreOffice opens and prints it THEN its merged
title row is as high as its 13-point capitals with their marks need, and the printed title keeps
every mark (NFC)."""

from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata

from openpyxl import load_workbook

from hoso.imports.tests.files import resaved_by_libreoffice
from hoso.students.importing.template import build_template

TITLE = "DANH SÁCH HỌC SINH LỚP 6A1 (KHỐI 6) — NĂM HỌC 2026-2027 — Trường THCS Thử Nghiệm"


def _template() -> bytes:
    return build_template(
        class_name="6A1", year_name="2026-2027", school_name="Trường THCS Thử Nghiệm", grade=6
    )


def test_the_merged_title_row_has_an_explicit_height():
    sheet = load_workbook(io.BytesIO(_template())).worksheets[0]
    assert sheet["A1"].value == TITLE
    assert "A1:S1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.row_dimensions[1].height >= 1.6 * sheet["A1"].font.size


def test_libreoffice_keeps_the_title_height_and_prints_its_marks():
    resaved = load_workbook(io.BytesIO(resaved_by_libreoffice(_template(), "xlsx"))).worksheets[0]
    assert (resaved.row_dimensions[1].height or 0) >= 1.6 * 13  # the default 12.8 cut the marks
    pdf = resaved_by_libreoffice(_template(), "pdf")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", f.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()
    flat = " ".join(unicodedata.normalize("NFC", text).split())
    assert "DANH SÁCH HỌC SINH LỚP 6A1" in flat and "NĂM HỌC 2026-2027" in flat
