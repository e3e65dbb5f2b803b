"""Which uploads a record accepts, decided by content through ``core/files.py`` (the one sniffer).

Accepted: PDF, DOCX, XLSX (ZIP packages whose [Content_Types].xml declares the main part),
PNG, JPEG. The size limit is ``settings.HOSO_RECORDS_MAX_UPLOAD_MB`` (default 25).
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from hoso.core import files
from hoso.core.errors import DomainError
from hoso.records.errors import RecordsError

Kind = files.FileKind
PDF, PNG, JPEG, DOCX, XLSX = files.PDF, files.PNG, files.JPEG, files.DOCX, files.XLSX
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX)
KINDS = {k.content_type: k for k in ACCEPTED}
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


def sniff(fileobj) -> Kind:
    """The kind of ``fileobj`` (a seekable binary file), or DomainError FILE_TYPE."""
    kind = files.sniff(fileobj, accept=ACCEPTED)
    if kind is None:
        raise _type_error()
    return kind


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
