"""What an uploaded file really is, decided by its content (magic bytes), never by its name.

Accepted: PDF, DOCX, XLSX (ZIP packages whose [Content_Types].xml declares the main part),
PNG, JPEG. The size limit is ``settings.HOSO_RECORDS_MAX_UPLOAD_MB`` (default 25).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings

from hoso.core.errors import DomainError
from hoso.records.errors import RecordsError

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAX_CONTENT_TYPES_BYTES = 1 << 20  # a real [Content_Types].xml is a few kB


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    content_type: str
    ext: str
    inline: bool  # may be previewed in the browser


PDF = Kind("pdf", "PDF", "application/pdf", "pdf", True)
PNG = Kind("png", "Ảnh PNG", "image/png", "png", True)
JPEG = Kind("jpeg", "Ảnh JPEG", "image/jpeg", "jpg", True)
DOCX = Kind(
    "docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    False,
)
XLSX = Kind(
    "xlsx",
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    False,
)
KINDS = {k.content_type: k for k in (PDF, PNG, JPEG, DOCX, XLSX)}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"


def max_bytes() -> int:
    return int(getattr(settings, "HOSO_RECORDS_MAX_UPLOAD_MB", 25)) * 1024 * 1024


def _type_error() -> DomainError:
    return DomainError(
        RecordsError.FILE_TYPE,
        "Tệp không đúng định dạng cho phép (PDF, DOCX, XLSX, PNG, JPEG). Hệ thống kiểm tra theo "
        "nội dung tệp, không theo tên tệp.",
        field="file",
    )


def _office_kind(fileobj) -> Kind:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                raise _type_error()
            types = package.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise _type_error() from None
    if DOCX_MAIN in types:
        return DOCX
    if XLSX_MAIN in types:
        return XLSX
    raise _type_error()  # a macro-enabled (docm/xlsm), pptx or any other ZIP


def sniff(fileobj) -> Kind:
    """The kind of ``fileobj`` (a seekable binary file), or DomainError FILE_TYPE."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(fileobj)
        fileobj.seek(0)
        return kind
    raise _type_error()


def check_size(size: int) -> None:
    if size <= 0:
        raise DomainError(RecordsError.EMPTY_FILE, "Tệp rỗng.", field="file")
    limit = max_bytes()
    if size > limit:
        raise DomainError(
            RecordsError.FILE_TOO_LARGE,
            f"Tệp quá lớn ({size / 1048576:.1f} MB); dung lượng tối đa {limit // 1048576} MB.",
            field="file",
        )


def sha256_of(fileobj, chunk_size: int = 1 << 20) -> str:
    """SHA-256 read in chunks (a 20 MB upload is never held in memory at once)."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(chunk_size):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()
