"""Shared helpers of the records tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.records.actions import obligations_sync, record_types_seed
from hoso.records.models import Obligation

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_bytes(main: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/x.xml" ContentType="{main}"/></Types>',
        )
        z.writestr("x.xml", "<x/>")
    return buf.getvalue()


DOCX_BYTES = office_bytes(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
XLSX_BYTES = office_bytes(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)


def pdf(name: str = "ke-hoach.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def setup_records(world):
    record_types_seed(school=world.school)
    return obligations_sync(year=world.year)


def lesson_plan(world, who: str = "subject", week: int = 10) -> Obligation:
    return Obligation.objects.get(
        record_type__school=world.school,
        record_type__code="ke-hoach-bai-day",
        owner_staff=world.people[who],
        period_key=f"{world.year.start_date.year}-W{week:02d}",
    )
