"""Uploads are checked by content (magic bytes, OOXML content types) and size."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.core.errors import DomainError
from hoso.records import actions, filetypes
from hoso.records.errors import RecordsError
from hoso.records.tests.helpers import (
    DOCX_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_BYTES,
    lesson_plan,
    office_bytes,
    setup_records,
)


@pytest.mark.parametrize(
    "content,kind",
    [
        (PDF_BYTES, filetypes.PDF),
        (PNG_BYTES, filetypes.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, filetypes.JPEG),
        (DOCX_BYTES, filetypes.DOCX),
        (XLSX_BYTES, filetypes.XLSX),
    ],
)
def test_accepted_kinds(content, kind):
    assert filetypes.sniff(io.BytesIO(content)) == kind


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an exe renamed to .pdf",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a....",
        _zip({"readme.txt": b"plain zip"}),  # a ZIP without [Content_Types].xml
        office_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"),  # docm
        office_bytes(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
        ),
        b"PK\x03\x04 truncated zip",
        b"",
    ],
)
def test_refused_by_content_whatever_the_name(content):
    with pytest.raises(DomainError) as exc:
        filetypes.sniff(io.BytesIO(content))
    assert exc.value.code == RecordsError.FILE_TYPE
    assert "PDF, DOCX, XLSX, PNG, JPEG" in exc.value.message


def test_size_limit_from_settings(settings):
    settings.HOSO_RECORDS_MAX_UPLOAD_MB = 1
    filetypes.check_size(1024 * 1024)
    with pytest.raises(DomainError) as exc:
        filetypes.check_size(1024 * 1024 + 1)
    assert exc.value.code == RecordsError.FILE_TOO_LARGE
    assert "tối đa 1 MB" in exc.value.message
    with pytest.raises(DomainError) as exc:
        filetypes.check_size(0)
    assert exc.value.code == RecordsError.EMPTY_FILE


def test_upload_uses_the_content_not_the_name(world, settings):
    setup_records(world)
    ob = lesson_plan(world)
    teacher = world.actor("subject")
    # A Word document named .pdf is stored as DOCX with its true content type.
    sub = actions.submission_upload(
        actor=teacher,
        obligation_id=ob.pk,
        upload=SimpleUploadedFile("giao-an.pdf", DOCX_BYTES, content_type="application/pdf"),
    )
    assert sub.content_type == filetypes.DOCX.content_type
    assert sub.file.name.endswith(".docx") and sub.original_name == "giao-an.pdf"
    import hashlib

    assert sub.sha256 == hashlib.sha256(DOCX_BYTES).hexdigest()
    assert sub.size == len(DOCX_BYTES)
    with pytest.raises(DomainError) as exc:
        actions.submission_upload(
            actor=teacher,
            obligation_id=ob.pk,
            upload=SimpleUploadedFile("bai.pdf", b"MZ not a pdf"),
        )
    assert exc.value.code == RecordsError.FILE_TYPE
    settings.HOSO_RECORDS_MAX_UPLOAD_MB = 0
    with pytest.raises(DomainError) as exc:
        actions.submission_upload(
            actor=teacher, obligation_id=ob.pk, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
        )
    assert exc.value.code == RecordsError.FILE_TOO_LARGE
    assert ob.submissions.count() == 1


def test_a_20_mb_upload_is_streamed_not_held_in_memory(world):
    """The upload handler spools big files to disk; hashing and storing read 1 MB chunks."""
    import tracemalloc

    from django.core.files.uploadedfile import TemporaryUploadedFile

    setup_records(world)
    ob = lesson_plan(world)
    size = 20 * 1024 * 1024
    upload = TemporaryUploadedFile("lon.pdf", "application/pdf", size, None)
    upload.write(PDF_BYTES)
    chunk = b"0" * (1024 * 1024)
    written = len(PDF_BYTES)
    while written < size:
        part = chunk[: size - written]
        upload.write(part)
        written += len(part)
    upload.seek(0)
    del chunk
    tracemalloc.start()
    try:
        sub = actions.submission_upload(
            actor=world.actor("subject"), obligation_id=ob.pk, upload=upload
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert sub.size == size and sub.file.size == size
    print(f"20 MB upload: peak traced memory {peak / 1048576:.2f} MB")
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"


def test_a_refused_upload_leaves_no_file_behind(world):
    import os

    from django.conf import settings as dj_settings

    from hoso.records.tests.helpers import pdf

    setup_records(world)
    ob = lesson_plan(world)
    teacher = world.actor("subject")
    sub = actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf(), submit=True)
    folder = os.path.dirname(os.path.join(dj_settings.MEDIA_ROOT, sub.file.name))
    before = sorted(os.listdir(folder))
    with pytest.raises(DomainError) as exc:  # submitted: no new version until withdrawn
        actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf("v2.pdf"))
    assert exc.value.code == RecordsError.BAD_STATE
    assert sorted(os.listdir(folder)) == before and os.path.basename(sub.file.name) in before
