"""Outgoing documents (văn bản đi): the workflow, numbers and symbols, deadlines at the
boundaries of the school's calendar, the file copy, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.correspondence import actions, numbering
from hoso.correspondence.errors import CorrespondenceError as E
from hoso.correspondence.models import NumberCounter, OutgoingDocument, Register
from hoso.correspondence.tests.helpers import (
    doc_type,
    draft,
    on,
    pdf,
    setup_office,
    signed_and_numbered,
)
from hoso.organisation.models import Holiday

pytestmark = pytest.mark.clock("2026-11-18")  # a Wednesday of term I


@pytest.fixture
def office(world):
    setup_office(world)
    return world


def test_full_workflow_gives_number_symbol_date_and_is_audited(office):
    """GIVEN a draft plan WHEN the principal signs, the clerk numbers, keeps the PDF and issues
    THEN the document reads 01/KH-CVA of today, "Lưu: VT." closes the recipients, both
    signatures are recorded with their people and times, and each step is audited."""
    world = office
    doc = draft(world)
    assert doc.number is None and doc.symbol == "" and doc.state == "draft"
    assert doc.recipients.splitlines()[-1] == "Lưu: VT."
    doc = actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    assert doc.state == "signed" and doc.signer == world.users["principal"]
    assert doc.signer_title == "HIỆU TRƯỞNG"
    assert doc.number is None
    doc = actions.outgoing_number(actor=world.actor("clerk"), document_id=doc.pk)
    assert (doc.number, doc.symbol, doc.document_date) == (1, "01/KH-CVA", date(2026, 11, 18))
    doc = actions.outgoing_attach(actor=world.actor("clerk"), document_id=doc.pk, upload=pdf())
    assert doc.file_size > 0 and len(doc.file_sha256) == 64
    doc = actions.outgoing_issue(actor=world.actor("clerk"), document_id=doc.pk)
    assert doc.state == "issued"
    assert doc.org_signed_by == world.users["clerk"] and doc.org_signed_at >= doc.signed_at
    kinds = list(
        AuditEvent.objects.filter(target_id=str(doc.pk), event_type__startswith="correspondence.")
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert kinds == [
        "correspondence.outgoing_drafted",
        "correspondence.outgoing_signed",
        "correspondence.outgoing_numbered",
        "correspondence.outgoing_file_kept",
        "correspondence.outgoing_issued",
    ]


def test_one_series_for_every_type_and_cong_van_has_no_type(office):
    """GIVEN a plan, a notice and a công văn numbered in turn THEN they share one series
    (Decree 30 Đ15) and the công văn's symbol has no type abbreviation."""
    world = office
    symbols = [signed_and_numbered(world, t).symbol for t in ("Kế hoạch", "Thông báo", "Công văn")]
    assert symbols == ["01/KH-CVA", "02/TB-CVA", "03/CVA"]


def test_confidential_documents_keep_their_own_series(office):
    """GIVEN two ordinary and one confidential document THEN the confidential one is 01 of its
    own register."""
    world = office
    signed_and_numbered(world)
    signed_and_numbered(world)
    secret = signed_and_numbered(world, "Báo cáo", confidential=True)
    assert (secret.register, secret.number, secret.symbol) == (
        Register.OUTGOING_CONFIDENTIAL,
        1,
        "01/BC-CVA",
    )


def test_no_number_before_the_competent_signature(office):
    """GIVEN a draft WHEN the clerk tries to number it THEN BAD_STATE and no number is used."""
    world = office
    doc = draft(world)
    with pytest.raises(DomainError) as err:
        actions.outgoing_number(actor=world.actor("clerk"), document_id=doc.pk)
    assert err.value.code == E.BAD_STATE
    assert not NumberCounter.objects.filter(school=world.school).exists()
    # the number it did not take is the next one's
    assert signed_and_numbered(world).number == 1


def test_org_signature_only_after_number_and_with_the_file_copy(office):
    """GIVEN a signed document WHEN the clerk issues it before numbering THEN BAD_STATE; after
    numbering but without the PDF THEN NO_FILE."""
    world = office
    doc = draft(world)
    actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    with pytest.raises(DomainError) as err:
        actions.outgoing_issue(actor=world.actor("clerk"), document_id=doc.pk)
    assert err.value.code == E.BAD_STATE
    actions.outgoing_number(actor=world.actor("clerk"), document_id=doc.pk)
    with pytest.raises(DomainError) as err:
        actions.outgoing_issue(actor=world.actor("clerk"), document_id=doc.pk)
    assert err.value.code == E.NO_FILE


def test_file_copy_must_be_a_pdf_by_content(office):
    """GIVEN a PNG named .pdf WHEN kept THEN FILE_NOT_PDF and nothing is stored."""
    world = office
    doc = signed_and_numbered(world)
    fake = SimpleUploadedFile("van-ban.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(DomainError) as err:
        actions.outgoing_attach(actor=world.actor("clerk"), document_id=doc.pk, upload=fake)
    assert err.value.code == E.FILE_NOT_PDF
    doc.refresh_from_db()
    assert not doc.file


def test_file_copy_size_is_bounded(office, settings):
    """GIVEN a 1 MB limit WHEN a larger PDF is kept THEN FILE_TOO_LARGE (the records' limit)."""
    settings.HOSO_RECORDS_MAX_UPLOAD_MB = 1
    world = office
    doc = signed_and_numbered(world)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(DomainError) as err:
        actions.outgoing_attach(actor=world.actor("clerk"), document_id=doc.pk, upload=big)
    assert err.value.code == "FILE_TOO_LARGE"


@pytest.mark.parametrize(
    ("signed_on", "due"),
    [
        (date(2026, 11, 18), date(2026, 11, 19)),  # Wednesday → Thursday
        (date(2026, 11, 20), date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 11, 21), date(2026, 11, 23)),  # signed on a Saturday → Monday
    ],
)
def test_issue_deadline_is_the_next_working_day(office, signed_on, due):
    """GIVEN a draft WHEN the principal signs on ``signed_on`` THEN it must be issued by ``due``."""
    world = office
    doc = draft(world)
    with on(signed_on):
        doc = actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    assert doc.issue_due == due


def test_issue_deadline_skips_the_schools_holidays(office):
    """GIVEN Monday 23/11 a holiday of the school WHEN signed on Friday 20/11 THEN due Tuesday."""
    world = office
    Holiday.objects.create(
        year=world.year, name="Nghỉ bù", start_date=date(2026, 11, 23), end_date=date(2026, 11, 23)
    )
    doc = draft(world)
    with on(date(2026, 11, 20)):
        doc = actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    assert doc.issue_due == date(2026, 11, 24)


def test_new_year_restarts_the_series(office):
    """GIVEN 05 documents numbered on 31/12/2026 and a New Year holiday on 1/1/2027 WHEN one
    signed on 31/12 is numbered on 2/1... THEN its number is 01 of 2027 and the deadline of a
    31/12 signature skips the holiday."""
    world = office
    Holiday.objects.create(
        year=world.year,
        name="Tết Dương lịch",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 1, 1),
    )
    with on(date(2026, 12, 31)):
        last = [signed_and_numbered(world) for _ in range(5)][-1]
        late = draft(world)
        late = actions.outgoing_sign(actor=world.actor("principal"), document_id=late.pk)
    assert (last.number, last.year, last.symbol) == (5, 2026, "05/KH-CVA")
    assert late.issue_due == date(2027, 1, 4)  # Thursday 31/12 → (Fri 1/1 off) → Monday 4/1
    with on(date(2027, 1, 4)):
        late = actions.outgoing_number(actor=world.actor("clerk"), document_id=late.pk)
    assert (late.number, late.year, late.document_date) == (1, 2027, date(2027, 1, 4))
    assert late.symbol == "01/KH-CVA"
    assert NumberCounter.objects.get(school=world.school, year=2026).last_number == 5


def test_vice_principal_signs_for_the_head(office):
    """GIVEN a draft WHEN the vice principal signs THEN the authority line is KT."""
    world = office
    doc = draft(world)
    doc = actions.outgoing_sign(actor=world.actor("vice"), document_id=doc.pk)
    assert doc.signer_title == "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG"


@pytest.mark.parametrize("role", ["clerk", "homeroom", "subject", "inspector", "admin"])
def test_only_the_competent_person_signs(office, role):
    """GIVEN a draft WHEN someone other than the principal or vice principal signs THEN refused."""
    world = office
    doc = draft(world)
    with pytest.raises(DomainError) as err:
        actions.outgoing_sign(actor=world.actor(role), document_id=doc.pk)
    assert err.value.code == E.NOT_SIGNER
    assert OutgoingDocument.objects.get(pk=doc.pk).state == "draft"


@pytest.mark.parametrize("role", ["principal", "vice", "homeroom", "inspector"])
def test_only_the_clerk_numbers_and_issues(office, role):
    """GIVEN a signed document WHEN another role numbers it THEN NOT_ALLOWED."""
    world = office
    doc = draft(world)
    actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    with pytest.raises(DomainError) as err:
        actions.outgoing_number(actor=world.actor(role), document_id=doc.pk)
    assert err.value.code == E.NOT_ALLOWED


def test_symbol_format_and_default_abbreviation(world):
    """GIVEN Decree 30's format THEN numbers below 10 have a leading zero and công văn no type."""
    assert numbering.format_symbol(36, "KH", "CVA") == "36/KH-CVA"
    assert numbering.format_symbol(7, "", "CVA") == "07/CVA"
    world.school.name, world.school.short_name = "Trường THCS Chu Văn An", ""
    assert numbering.default_abbreviation(world.school) == "CVA"


def test_draft_requires_summary_and_type(office):
    """GIVEN an empty summary WHEN drafted THEN REQUIRED on the summary field."""
    world = office
    with pytest.raises(DomainError) as err:
        actions.outgoing_create(
            actor=world.actor("clerk"),
            doc_type_id=doc_type(world, "Kế hoạch").pk,
            summary="  ",
            recipients="Như trên",
        )
    assert (err.value.code, err.value.field) == (E.REQUIRED, "summary")
