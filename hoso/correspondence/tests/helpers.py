"""Shared helpers of the document register tests."""

from __future__ import annotations

from datetime import date, datetime, time

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.archive.testing import pdf_bytes
from hoso.core.clock import VN_TZ
from hoso.correspondence import actions
from hoso.correspondence.models import DocumentType, OfficeProfile

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str = "ke-hoach.pdf", *lines: str) -> SimpleUploadedFile:
    """A small real PDF (its text is extractable) with ``lines``."""
    content = pdf_bytes(*(lines or ("Văn bản thử",)))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def setup_office(world, abbreviation: str = "CVA") -> None:
    actions.office_setup(school=world.school)
    OfficeProfile.objects.filter(school=world.school).update(abbreviation=abbreviation)


def doc_type(world, name: str) -> DocumentType:
    return DocumentType.objects.get(school=world.school, name=name)


def on(day: date, hour: int = 9):
    """Travel to ``day`` at ``hour`` in Vietnam (a context manager)."""
    return time_machine.travel(datetime.combine(day, time(hour, 0), tzinfo=VN_TZ), tick=False)


def draft(world, type_name: str = "Kế hoạch", *, confidential: bool = False, by: str = "clerk"):
    return actions.outgoing_create(
        actor=world.actor(by),
        doc_type_id=doc_type(world, type_name).pk,
        summary="Kế hoạch tổ chức Hội khỏe Phù Đổng cấp trường",
        recipients="- Phòng GDĐT (để b/c);\n- Các tổ chuyên môn;",
        confidential=confidential,
    )


def signed_and_numbered(world, type_name: str = "Kế hoạch", *, confidential: bool = False):
    doc = draft(world, type_name, confidential=confidential)
    actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    return actions.outgoing_number(actor=world.actor("clerk"), document_id=doc.pk)
