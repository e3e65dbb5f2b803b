"""GIVEN bytes WHEN the one sniffer is asked THEN it answers by content, among the accepted kinds."""

from __future__ import annotations

import io
import zipfile

from hoso.core import files

DOCX_TYPES = (
    b'<Types><Override PartName="/word/document.xml" ContentType="'
    + files.DOCX_MAIN
    + b'"/></Types>'
)
XLSM_TYPES = (
    b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
)


def package(types: bytes | None) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        if types is not None:
            z.writestr("[Content_Types].xml", types)
        z.writestr("word/document.xml", "<w:document/>")
    out.seek(0)
    return out


def test_magic_bytes_decide_not_names():
    assert files.sniff(io.BytesIO(b"%PDF-1.7 ...")) is files.PDF
    assert files.sniff(io.BytesIO(files.PNG_MAGIC + b"....")) is files.PNG
    assert files.sniff(io.BytesIO(b"\xff\xd8\xff\xe0....")) is files.JPEG
    assert files.sniff(io.BytesIO(b"GIF89a")) is None
    assert files.sniff(io.BytesIO(b"")) is None


def test_office_files_by_their_main_part_and_macro_files_refused():
    assert files.sniff(package(DOCX_TYPES)) is files.DOCX
    assert files.sniff(package(XLSM_TYPES)) is None
    assert files.sniff(package(None)) is None
    assert files.sniff(io.BytesIO(files.ZIP_MAGIC + b"not really a zip")) is None


def test_callers_choose_what_they_accept():
    evidence = (files.PDF, files.JPEG, files.PNG)
    assert files.sniff(package(DOCX_TYPES), accept=evidence) is None
    assert files.sniff(io.BytesIO(b"%PDF-1.4"), accept=(files.PNG,)) is None
    assert files.sniff_head(b"%PDF-1.4", accept=evidence) is files.PDF


def test_the_file_is_left_at_its_start():
    f = package(DOCX_TYPES)
    files.sniff(f)
    assert f.tell() == 0
