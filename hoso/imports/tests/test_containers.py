"""The container is checked before python-calamine reads it: bombs, far cells and lying sizes are
refused quickly and without memory; ordinary files pass. Pure (no database)."""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from hoso.imports import containers
from hoso.imports.errors import FileProblem, ImportFileError
from hoso.imports.limits import MB, Limits
from hoso.imports.tests import files

LIMITS = Limits()


def refused(data: bytes, limits: Limits = LIMITS) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        containers.inspect(data, limits)
    return caught.value


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return files.zip_bomb(300)


# --- ZIP: the central directory -------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_fast_and_without_memory(bomb):
    # GIVEN a 300 KB .xlsx whose sheet inflates to 300 MB
    assert len(bomb) < 320 * 1024
    sizes = sum(i.file_size for i in zipfile.ZipFile(__import__("io").BytesIO(bomb)).infolist())
    assert sizes > 300 * MB
    # WHEN it is inspected
    tracemalloc.start()
    started = time.perf_counter()
    error = refused(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # THEN it is refused from the directory: well under 2 s, nothing inflated
    assert error.problem == FileProblem.UNPACKED_TOO_LARGE
    assert "300 MB" in error.message and "tối đa 50 MB" in error.message
    assert elapsed < 0.5
    assert peak < 5 * MB


def test_a_part_that_packs_too_well_is_refused_even_under_the_total(bomb):
    small_bomb = files.zip_bomb(20)  # 20 MB inflated, well under 50 MB, ratio ≈ 1000
    error = refused(small_bomb)
    assert error.problem == FileProblem.COMPRESSION_RATIO
    assert "tối đa 100 lần" in error.message


def test_too_many_parts_are_refused():
    data = files.xlsx([["x"]])
    limits = Limits(max_entries=5)
    assert len(zipfile.ZipFile(__import__("io").BytesIO(data)).infolist()) > 5
    assert refused(data, limits).problem == FileProblem.TOO_MANY_PARTS


def test_a_part_that_inflates_to_more_than_it_declares_is_refused():
    data = files.xlsx([["Mã học sinh", "Họ và tên"], ["HS1", "Lê Văn An"]])
    real = zipfile.ZipFile(__import__("io").BytesIO(data)).getinfo(files.SHEET_XML).file_size
    error = refused(files.lying_sizes(data, files.SHEET_XML, real // 2))
    assert error.problem == FileProblem.DAMAGED
    assert "khai sai kích thước" in error.message


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", FileProblem.EMPTY),
        (b"this is not excel", FileProblem.NOT_SPREADSHEET),
        (b"PK\x03\x04 not really a zip", FileProblem.NOT_SPREADSHEET),
        (b"\0" * (5 * MB + 1), FileProblem.TOO_LARGE),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(data, problem):
    assert refused(data).problem == problem


def test_a_zip_that_is_not_a_workbook_and_an_xlsb_are_refused():
    out = __import__("io").BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(out.getvalue()).problem == FileProblem.NOT_SPREADSHEET
    out = __import__("io").BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\0")
    error = refused(out.getvalue())
    assert error.problem == FileProblem.UNSUPPORTED and ".xlsb" in error.message


# --- .xlsx: how far the cells reach ---------------------------------------------------------------


def test_a_five_kilobyte_file_with_a_value_in_xfd1048576_is_refused_before_calamine():
    # Before: calamine asked for 17 billion cells and the process aborted.
    data = files.xlsx_with_sheet(
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    assert len(data) < 6000
    started = time.perf_counter()
    error = refused(data)
    assert time.perf_counter() - started < 0.1
    assert error.problem == FileProblem.TOO_MANY_COLUMNS
    assert "cột XFD" in error.message and "tối đa 200 cột" in error.message


def test_a_value_below_the_last_row_read_is_refused_and_named():
    data = files.xlsx_with_sheet(b'<row r="20000"><c r="B20000"><v>2</v></c></row>')
    error = refused(data)
    assert error.problem == FileProblem.TOO_MANY_ROWS
    assert "dòng 20000" in error.message and "10000" in error.message


@pytest.mark.parametrize(
    "sheet_data",
    [
        b'<row r="60000"><c r="IV60000" s="1"/></row>',  # formatted, empty
        b'<row r="60000"><c r="IV60000" s="1" t="n"></c></row>',  # the same, as openpyxl writes
        b'<row r="60000" s="3" customFormat="1"/>',  # a formatted empty row
    ],
)
def test_formatted_empty_cells_far_away_do_not_count(sheet_data):
    # (and the row numbers of formatted empty rows below the last row read neither)
    data = files.xlsx_with_sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>' + sheet_data)
    assert containers.inspect(data, LIMITS) == containers.XLSX


@pytest.mark.parametrize(
    "sheet_data, problem",
    [
        # cells without a reference follow each other: 250 of them reach column IP
        (b"<row>" + b"<c><v>1</v></c>" * 250 + b"</row>", FileProblem.TOO_MANY_COLUMNS),
        # a prefixed tag (x:c) hides nothing
        (b'<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>', FileProblem.TOO_MANY_COLUMNS),
        # a reference written with an entity
        (b'<row r="1"><c r="&#88;FD1"><v>1</v></c></row>', FileProblem.TOO_MANY_COLUMNS),
        # a second r (calamine takes the last one), even after a '>' inside a quoted value
        (b'<row r="1"><c r="A1" s=">" r="XFD1"><v>1</v></c></row>', FileProblem.TOO_MANY_COLUMNS),
        (b'<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>', FileProblem.TOO_MANY_COLUMNS),
        (b'<row r="1"><c r="A1" r="X&#70;D1"><v>1</v></c></row>', FileProblem.DAMAGED),
        (b'<row r="1"><c r="A1" r="99999"><v>1</v></c></row>', FileProblem.TOO_MANY_ROWS),
        # rows without a reference after a far one
        (b'<row r="9999"><c><v>1</v></c></row><row><c><v>1</v></c></row>' * 1, None),
    ],
)
def test_unusual_sheets_are_measured_exactly(sheet_data, problem):
    head = files.SHEET_HEAD.replace(
        b"<worksheet ",
        b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
    )
    data = files.xlsx_with_sheet(sheet_data, head=head)
    if problem is None:
        error = refused(data, Limits(max_sheet_rows=9999))
        assert error.problem == FileProblem.TOO_MANY_ROWS and "dòng 10000" in error.message
    else:
        assert refused(data).problem == problem


def test_a_doctype_is_refused():
    data = files.xlsx_with_sheet(
        b'<row r="1"><c r="A1"><v>1</v></c></row>',
        head=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        + files.SHEET_HEAD.split(b"?>", 1)[1],
    )
    assert refused(data).problem == FileProblem.DAMAGED


def test_an_ordinary_sheet_with_comments_and_line_breaks_passes_the_exact_pass():
    data = files.xlsx_with_sheet(
        b'<!-- made by hand -->\n<row r="1">\n  <c r="A1"><v>1</v></c>\n</row>\n'
        b'<row r="2"><c r="GR2"><v>2</v></c></row>'
    )
    assert containers.inspect(data, LIMITS) == containers.XLSX


# --- .ods ---------------------------------------------------------------------------------------


def test_a_repeated_run_of_values_beyond_the_limits_is_refused():
    rows = b"<table:table-row>" + files.ods_cell("a") + b"</table:table-row>"
    rows += (
        b'<table:table-row table:number-rows-repeated="5000">'
        + files.ods_cell("x", repeat=16000)
        + b"</table:table-row>"
    )
    error = refused(files.ods(rows))
    assert error.problem == FileProblem.TOO_MANY_COLUMNS and "cột" in error.message
    rows = b'<table:table-row table:number-rows-repeated="20000">'
    rows += files.ods_cell("x") + b"</table:table-row>"
    assert refused(files.ods(rows)).problem == FileProblem.TOO_MANY_ROWS


@pytest.mark.parametrize(
    "cell",
    [
        # a run written with an entity, or declared twice (a reader may take the last)
        b'<table:table-cell table:number-columns-repeated="&#50;000" office:value-type="string">'
        b"<text:p>x</text:p></table:table-cell>",
        b'<table:table-cell foo:number-columns-repeated="1" table:number-columns-repeated="2000"'
        b' office:value-type="string"><text:p>x</text:p></table:table-cell>',
    ],
)
def test_runs_written_oddly_are_measured_at_their_largest(cell):
    rows = b"<table:table-row>" + cell + b"</table:table-row>"
    assert refused(files.ods(rows)).problem == FileProblem.TOO_MANY_COLUMNS


def test_libreoffice_style_empty_runs_to_the_edge_of_the_sheet_pass():
    rows = b"<table:table-row>" + files.ods_cell("Mã học sinh") + files.ods_cell("Họ và tên")
    rows += b'<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
    rows += b'<table:table-row table:number-rows-repeated="1048575">'
    rows += b'<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    assert containers.inspect(files.ods(rows), LIMITS) == containers.ODS


def test_a_value_after_a_long_empty_run_is_refused():
    rows = b'<table:table-row table:number-rows-repeated="30000"><table:table-cell/>'
    rows += b"</table:table-row><table:table-row>" + files.ods_cell("x") + b"</table:table-row>"
    error = refused(files.ods(rows))
    assert error.problem == FileProblem.TOO_MANY_ROWS and "30001" in error.message


# --- .xls ---------------------------------------------------------------------------------------


def test_an_xls_with_a_value_in_iv65536_is_refused_before_calamine():
    # Before: a 6 KB file cost a gigabyte and five seconds.
    data = files.xls(files.biff_workbook([(0, 0, 1.0), (65535, 255, 2.0)]))
    started = time.perf_counter()
    error = refused(data)
    assert time.perf_counter() - started < 0.1
    assert error.problem == FileProblem.TOO_MANY_COLUMNS and "cột IV" in error.message


def test_an_ordinary_xls_passes_and_a_looping_chain_is_refused():
    assert containers.inspect(files.xls(files.biff_workbook([(2, 3, 7.5)])), LIMITS) == "xls"
    data = files.xls(files.biff_workbook([(2, 3, 7.5)]), fat_loop=True)
    assert refused(data).problem == FileProblem.DAMAGED


def test_binary_parts_are_not_read_as_sheets():
    # GIVEN an ordinary workbook with an image whose bytes happen to hold '<c ' and '<row'
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b'<c r="XFD9"><v>1</v></c>\n<row' * 3
    data = files.add_part(files.xlsx([["Mã học sinh"], ["HS1"]]), "xl/media/image1.png", image)
    assert containers.inspect(data, LIMITS) == containers.XLSX


def test_a_sheet_the_workbook_points_at_is_read_whatever_it_looks_like():
    # GIVEN the workbook's sheet moved to a part named like an image, behind a binary prefix
    sheet = b"\x89PNG" + files.SHEET_HEAD + b'<row r="1"><c r="XFD1"><v>1</v></c></row>'
    data = files.add_part(files.xlsx([["x"]]), "xl/media/x.png", sheet + files.SHEET_TAIL)
    data = files.replace_part(
        data,
        "xl/_rels/workbook.xml.rels",
        zipfile.ZipFile(__import__("io").BytesIO(data))
        .read("xl/_rels/workbook.xml.rels")
        .replace(b"worksheets/sheet1.xml", b"media/x.png"),
    )
    assert refused(data).problem in (FileProblem.TOO_MANY_COLUMNS, FileProblem.DAMAGED)
