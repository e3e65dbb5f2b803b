"""The printed registers (Appendix IV): every column, the cover lines, PDF and Excel."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from hoso.correspondence import actions, registers
from hoso.correspondence.tests.helpers import pdf, setup_office, signed_and_numbered

pytestmark = pytest.mark.clock("2026-11-18")


@pytest.fixture
def books(world):
    setup_office(world)
    out = signed_and_numbered(world)
    actions.outgoing_attach(actor=world.actor("clerk"), document_id=out.pk, upload=pdf())
    actions.outgoing_issue(actor=world.actor("clerk"), document_id=out.pk)
    signed_and_numbered(world, "Thông báo")
    incoming = actions.incoming_register(
        actor=world.actor("clerk"),
        author="Phòng GDĐT",
        their_symbol="512/PGDĐT-THCS",
        their_date=date(2026, 11, 16),
        type_name="Công văn",
        summary="V/v thi học sinh giỏi",
        urgency="urgent",
        upload=pdf(),
    )
    actions.incoming_direct(
        actor=world.actor("principal"),
        document_id=incoming.pk,
        lead_user_id=world.users["vice"].pk,
        deadline=date(2026, 11, 30),
        directive="Triển khai",
    )
    actions.incoming_acknowledge(actor=world.actor("vice"), document_id=incoming.pk)
    return world


def test_outgoing_register_has_every_column_and_cover(books):
    """GIVEN two numbered documents THEN the register lists them by number with the ten
    Appendix IV columns, and the cover says the year, the dates and the numbers."""
    data = registers.register_data(school=books.school, book=registers.OUTGOING_BOOK, year=2026)
    section = data["sections"][0]
    assert [c["label"] for c in section["columns"]][:3] == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
    ]
    assert len(section["columns"]) == 10
    assert [r[0] for r in section["rows"]] == ["01/KH-CVA", "02/TB-CVA"]
    assert dict(data["info"])["Từ số … đến số …"] == "01/KH-CVA – 02/TB-CVA"
    assert data["landscape"] is True


def test_incoming_and_follow_up_registers(books):
    """GIVEN a directed, acknowledged document THEN the incoming register shows the recipient
    and the acknowledgement; the follow-up register shows the deadline."""
    data = registers.register_data(school=books.school, book=registers.INCOMING_BOOK, year=2026)
    row = data["sections"][0]["rows"][0]
    assert len(row) == 10 and row[1] == "1" and "Chủ trì: Trần Thị Mai" in row[6] and row[8]
    follow = registers.register_data(school=books.school, book=registers.FOLLOW_UP_BOOK, year=2026)
    row = follow["sections"][0]["rows"][0]
    assert len(row) == 7 and row[3] == "30/11/2026"


def test_print_and_excel_through_the_pages(client, books):
    """GIVEN the clerk WHEN printing the outgoing register and exporting it THEN a PDF with the
    symbols and an .xlsx with the rows; a teacher gets 404."""
    client.force_login(books.users["clerk"])
    response = client.get(reverse("correspondence:register_pdf", args=["di"]) + "?nam=2026")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "01/KH-CVA" in text
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    response = client.get(reverse("correspondence:register_xlsx", args=["den"]) + "?nam=2026")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Phòng GDĐT" in values and "Số đến" in values
    client.force_login(books.users["homeroom"])
    assert client.get(reverse("correspondence:register_pdf", args=["di"])).status_code == 404
    client.force_login(books.users["vice"])
    assert (
        client.get(reverse("correspondence:register_pdf", args=["di"]) + "?so=mat").status_code
        == 404
    )
