"""What a file really is, decided by its content (magic bytes), never by its name: the one sniffer.

Knows PDF, PNG, JPEG and the Office Open XML packages DOCX and XLSX (a ZIP whose
``[Content_Types].xml`` declares the Word or Excel main part: a macro-enabled docm/xlsm, a pptx
or any other ZIP is none of them). Callers say which kinds they accept and keep their own limits
and error messages: ``sniff(fileobj, accept=(PDF, PNG, JPEG))`` answers ``None`` for anything else.
Spreadsheet imports read further (xls, ods; bounded) in ``imports/containers.py`` on the same magics.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE compound file: .xls, .doc
HEAD_BYTES = 8  # enough for every magic above

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAX_CONTENT_TYPES_BYTES = 1 << 20  # a real [Content_Types].xml is a few kB


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    ext: str
    inline: bool  # may be previewed in the browser


PDF = FileKind("pdf", "PDF", "application/pdf", "pdf", True)
PNG = FileKind("png", "Ảnh PNG", "image/png", "png", True)
JPEG = FileKind("jpeg", "Ảnh JPEG", "image/jpeg", "jpg", True)
DOCX = FileKind(
    "docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    False,
)
XLSX = FileKind(
    "xlsx",
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    False,
)
ALL = (PDF, PNG, JPEG, DOCX, XLSX)
_BY_MAGIC = ((PDF_MAGIC, PDF), (PNG_MAGIC, PNG), (JPEG_MAGIC, JPEG))


def is_pdf(head: bytes) -> bool:
    return head.startswith(PDF_MAGIC)


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def sniff_head(head: bytes, accept: Iterable[FileKind] = (PDF, PNG, JPEG)) -> FileKind | None:
    """The kind told by the first bytes alone (PDF, PNG, JPEG), if accepted; Office packages
    need the whole file (``sniff``)."""
    accepted = set(accept)
    for magic, kind in _BY_MAGIC:
        if head.startswith(magic):
            return kind if kind in accepted else None
    return None


def office_kind(fileobj) -> FileKind | None:
    """DOCX or XLSX by the package's declared main part; None for any other or a damaged ZIP."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            types = package.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    if DOCX_MAIN in types:
        return DOCX
    if XLSX_MAIN in types:
        return XLSX
    return None  # a macro-enabled (docm/xlsm), pptx or any other ZIP


def sniff(fileobj, accept: Iterable[FileKind] = ALL) -> FileKind | None:
    """The kind of ``fileobj`` (a seekable binary file) among ``accept``, or None."""
    accept = tuple(accept)
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if is_zip(head):
        if not {DOCX, XLSX} & set(accept):
            return None
        kind = office_kind(fileobj)
        return kind if kind in accept else None
    return sniff_head(head, accept)
