"""Spreadsheet files made in the tests (no fixture files): ordinary ones with openpyxl, crafted
ones byte by byte (a zip bomb, far cells, an .ods, a minimal .xls compound file), and the same
data saved by LibreOffice when ``soffice`` is installed."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

SHEET_XML = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(rows: list[list], *, title: str = "Danh sách") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with_sheet(sheet_data: bytes, *, head: bytes = SHEET_HEAD) -> bytes:
    """A workbook from openpyxl whose first sheet's XML is ``head + sheet_data + tail``."""
    return replace_part(xlsx([["x"]]), SHEET_XML, head + sheet_data + SHEET_TAIL)


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = content if info.filename == name else source.read(info.filename)
            archive.writestr(info.filename, part)
    return out.getvalue()


def add_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def zip_bomb(megabytes: int) -> bytes:
    """A valid .xlsx whose one sheet inflates to ``megabytes`` MB: a single cell holding
    ``megabytes`` million letters (≈ 1 KB packed per MB)."""
    skeleton = zipfile.ZipFile(io.BytesIO(xlsx([["x"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in skeleton.infolist():
            if info.filename != SHEET_XML:
                archive.writestr(info.filename, skeleton.read(info.filename))
        with archive.open(SHEET_XML, "w", force_zip64=True) as part:
            part.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</t></is></c></row>" + SHEET_TAIL)
    return out.getvalue()


def lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """``data`` with the uncompressed size of part ``name`` rewritten to ``declared`` in both
    the local header and the central directory (the CRC is left alone)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    out = bytearray(data)
    struct.pack_into("<I", out, info.header_offset + 22, declared)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", out, position + 24, declared)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(out)


ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="Trang1">'
)
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def ods(table_rows: bytes) -> bytes:
    """A minimal .ods whose one table holds ``table_rows`` (<table:table-row> elements)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", ODS_HEAD + table_rows + ODS_TAIL)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
    return out.getvalue()


def ods_cell(text: str, repeat: int = 1) -> bytes:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}><text:p>{text}</text:p>'
        "</table:table-cell>"
    ).encode()


# --- .xls: BIFF8 records in an OLE2 compound file -------------------------------------------------


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff_workbook(numbers: list[tuple[int, int, float]], sheet: str = "S") -> bytes:
    """A BIFF8 workbook stream with one sheet holding NUMBER cells at (row, column) 0-based."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0, 1997, 0, 6)
    workbook = _record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
    name = sheet.encode("latin-1")
    sheet_at = len(workbook) + 4 + 8 + len(name) + 4
    workbook += _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name), 0) + name)
    workbook += _record(0x000A)
    workbook += _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 1997, 0, 6))
    for row, column, value in numbers:
        workbook += _record(0x0203, struct.pack("<HHHd", row, column, 0, value))
    return workbook + _record(0x000A)


def xls(stream: bytes, *, fat_loop: bool = False) -> bytes:
    """A compound file (512-byte sectors) whose 'Workbook' stream is ``stream`` (padded to
    4 KB, so it lives in ordinary sectors). ``fat_loop`` makes its chain point back at itself."""
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    sectors = len(stream) // 512
    chain = [i + 1 for i in range(2, 2 + sectors - 1)] + [2 if fat_loop else 0xFFFFFFFE]
    fat = [0xFFFFFFFD, 0xFFFFFFFE, *chain]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<9I", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        head = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
        head += struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
        return head + bytes(36) + struct.pack("<IQ", start, size)

    directory = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0)
    directory += entry("Workbook", 2, 0xFFFFFFFF, 2, len(stream))
    directory += entry("", 0, 0xFFFFFFFF, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + stream


# --- LibreOffice ------------------------------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        )
    return found


def saved_by_libreoffice(csv_text: str, extension: str) -> bytes:
    """``csv_text`` opened and saved by LibreOffice as ``extension`` (xlsx, ods, xls)."""
    return _libreoffice("danh-sach.csv", csv_text.encode(), extension, "CSV:44,34,76,1")


def resaved_by_libreoffice(data: bytes, extension: str) -> bytes:
    """An .xlsx opened and saved again by LibreOffice as ``extension``."""
    return _libreoffice("so-diem.xlsx", data, extension)


def _libreoffice(name: str, data: bytes, extension: str, infilter: str = "") -> bytes:
    binary = soffice()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        output = Path(folder) / "out"
        command = [binary, f"-env:UserInstallation=file://{folder}/profile", "--headless"]
        if infilter:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", extension, "--outdir", str(output), str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return (output / f"{source.stem}.{extension}").read_bytes()
