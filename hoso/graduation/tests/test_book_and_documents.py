"""GIVEN recognised graduates WHEN the diploma book, the lists and the minutes are written and
printed THEN numbers are unique and never reused, and the PDFs carry the names."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.graduation import actions, documents, selectors
from hoso.graduation.errors import GraduationError as E
from hoso.graduation.models import DiplomaEntry
from hoso.graduation.tests.conftest import REVIEW, approve

pytestmark = pytest.mark.django_db


def recognised_round(g9):
    principal = g9.actor("principal")
    rnd = actions.round_create(
        actor=principal, year=g9.world.year, review_date=REVIEW, council_decision="12/QĐ-UBND"
    )
    g9.full_council(rnd)
    rnd = actions.round_review(actor=principal, rnd=rnd)
    g9.dossier_all(rnd)
    rnd = actions.round_propose(
        actor=principal, rnd=rnd, proposal_number="15/TTr", proposal_date=date(2027, 6, 6)
    )
    return actions.round_record_decision(
        actor=principal,
        rnd=rnd,
        decision_number="88/QĐ-UBND",
        decision_date=date(2027, 6, 20),
        signer="Nguyễn Văn Xã",
    )


def add(g9, student, serial, register, **extra):
    return actions.diploma_entry_add(
        actor=g9.actor("clerk"),
        year=g9.world.year,
        student=student,
        values={"serial_number": serial, "register_number": register, **extra},
    )


def pdf_text(tmp_path, content: bytes) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_diploma_numbers_unique_and_never_reused(g9):
    recognised_round(g9)
    a, b, c = g9.students
    e1 = add(g9, a, "A000001", "01/2027")
    assert (e1.book.number, e1.entry_number) == (1, 1)
    with pytest.raises(DomainError) as exc:
        add(g9, b, "A000001", "02/2027")
    assert exc.value.code == E.SERIAL_TAKEN
    with pytest.raises(DomainError) as exc:
        add(g9, b, "A000002", "01/2027")
    assert exc.value.code == E.REGISTER_TAKEN
    with pytest.raises(DomainError) as exc:
        add(g9, a, "A000009", "09/2027")
    assert exc.value.code == E.ENTRY_EXISTS
    e2 = add(g9, b, "A000002", "02/2027")
    assert e2.entry_number == 2
    actions.diploma_entry_void(actor=g9.actor("vice"), entry=e2, reason="Ghi nhầm số hiệu")
    e3 = add(g9, b, "A000003", "03/2027")
    assert e3.entry_number == 3  # the voided number 2 is never given again
    assert DiplomaEntry.objects.filter(entry_number=2, voided=True).exists()
    assert AuditEvent.objects.filter(event_type="graduation.diploma_voided").count() == 1


def test_only_recognised_students_in_the_book(g9):
    with pytest.raises(DomainError) as exc:
        add(g9, g9.students[0], "A1", "1")
    assert exc.value.code == E.NOT_RECOGNISED


def test_correction_is_audited_with_before_after_and_reason(g9):
    recognised_round(g9)
    e = add(g9, g9.students[0], "A000001", "01/2027")
    with pytest.raises(DomainError) as exc:
        actions.diploma_entry_correct(
            actor=g9.actor("clerk"), entry=e, values={"serial_number": "X"}, reason=""
        )
    assert exc.value.code == E.REASON_REQUIRED
    with pytest.raises(DomainError) as exc:
        actions.diploma_entry_correct(
            actor=g9.actor("clerk"),
            entry=e,
            values={
                "serial_number": "A000001",
                "register_number": "01/2027",
                "receiver": "authorised",
                "received_on": date(2027, 7, 1),
            },
            reason="Phụ huynh nhận thay",
        )
    assert "căn cước" in exc.value.message
    actions.diploma_entry_correct(
        actor=g9.actor("clerk"),
        entry=e,
        values={
            "serial_number": "A000001",
            "register_number": "01/2027",
            "received_on": date(2027, 7, 1),
            "receiver": "authorised",
            "authorised_name": "Lê Văn Cha",
            "authorised_id_number": "031080001234",
        },
        reason="Phụ huynh nhận thay (có giấy ủy quyền)",
    )
    ev = AuditEvent.objects.get(event_type="graduation.diploma_corrected")
    assert ev.before["receiver"] == "self" and ev.after["receiver"] == "authorised"
    assert ev.after["reason"].startswith("Phụ huynh nhận thay")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_pdfs_contain_names_and_authority(g9, tmp_path):
    a, b, _ = g9.students
    approve(g9.klass, {b: {"decision": "O_LAI_LOP"}})
    rnd = recognised_round(g9)
    lists = selectors.round_lists(None, rnd)
    minutes = pdf_text(tmp_path, documents.minutes_pdf(rnd, lists))
    assert "BIÊN BẢN HỌP HỘI ĐỒNG" in minutes
    assert a.full_name in minutes and b.full_name in minutes
    assert g9.world.people["principal"].full_name in minutes
    assert "ở lại lớp" in minutes
    proposal = pdf_text(tmp_path, documents.proposal_pdf(rnd, lists))
    assert "Chủ tịch Ủy ban nhân dân phường Thử Nghiệm" in proposal
    assert a.full_name in proposal and b.full_name not in proposal
    listing = pdf_text(tmp_path, documents.round_lists_pdf(rnd, lists))
    assert "Danh sách 2" in listing and b.full_name in listing
    e = add(g9, a, "A000777", "07/2027", received_on=date(2027, 7, 2))
    book = selectors.diploma_book(g9.world.year)
    text = pdf_text(
        tmp_path,
        documents.diploma_book_pdf(book, selectors.book_entries(book), {a.pk: "9A1"}),
    )
    assert "SỔ CẤP PHÁT VĂN BẰNG" in text and a.full_name in text and "A000777" in text
    assert e.entry_number == 1


def test_round_lists_excel_has_reasons(g9):
    b = g9.students[1]
    approve(g9.klass, {b: {"decision": "O_LAI_LOP"}})
    rnd = recognised_round(g9)
    import io

    wb = load_workbook(io.BytesIO(documents.round_lists_xlsx(selectors.round_lists(None, rnd))))
    ws2 = wb.worksheets[1]
    rows = list(ws2.iter_rows(values_only=True))
    assert rows[0][-3:] == ("Độ tuổi", "Hoàn thành chương trình THCS", "Hồ sơ dự xét")
    assert rows[1][1] == b.full_name and "ở lại lớp" in rows[1][-2]
    assert len(list(wb.worksheets[0].iter_rows(values_only=True))) == 3  # header + 2 eligible
