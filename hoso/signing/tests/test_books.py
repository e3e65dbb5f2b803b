"""Signing the other books: GIVEN confirmed grade-book data, WHEN the right people sign in order,
THEN each signed PDF validates; a data change supersedes the signed version (kept) and drafts a
new one; the correction minute is signed by its three parties in order."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school, sign_all
from hoso.signing.books import class_book_spec, correction_minute_spec, grade_sheet_spec
from hoso.signing.documents import document_pdf, document_prepare, document_sign
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import DocumentState, SignatureEvent, SignedDocument
from hoso.signing.services import validate_pdf
from hoso.signing.testpki import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rich(world):
    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, terms=(1,))
    complete_inputs(world, world.student_a)
    return rich


@pytest.fixture
def creds(world, trusted, p12_credential):
    return {
        key: p12_credential(world.users[key], world.people[key].full_name)
        for key in ("subject", "homeroom", "principal", "vice")
    }


def sign(world, who, doc, secret=DEMO_PASSWORD, spec=None):
    return document_sign(actor=world.actor(who), document=doc, secret=secret, spec=spec)


def test_a_sheet_must_be_confirmed_before_it_is_signed(world, rich):
    with pytest.raises(DomainError) as err:
        grade_sheet_spec(world.class_a, world.math, world.term1)
    assert err.value.code == SigningErrorCode.NOT_READY


def test_the_subject_teacher_signs_the_confirmed_sheet(world, rich, creds):
    sign_all(rich, terms=(1,))
    spec = grade_sheet_spec(world.class_a, world.math, world.term1)
    doc = document_prepare(spec=spec, acting_user=world.users["subject"])
    assert doc.state == DocumentState.DRAFT and doc.version == 1
    assert [s["name"] for s in doc.signers] == [world.people["subject"].full_name]
    # preparing again with the same data returns the same draft
    assert document_prepare(spec=spec).pk == doc.pk
    # someone else may not sign it
    with pytest.raises(PermissionDenied):
        sign(world, "homeroom", doc)
    doc = sign(world, "subject", doc, spec=spec)
    assert doc.state == DocumentState.SIGNED
    report = validate_pdf(document_pdf(doc))
    assert report.all_valid
    assert report.signatures[0].signer_cn == world.people["subject"].full_name
    event = SignatureEvent.objects.get(document=doc)
    assert event.hash_after == doc.pdf_sha256 and event.hash_before != event.hash_after
    audit = AuditEvent.objects.get(event_type="signing.document_signed")
    assert audit.after["field"] == doc.signers[0]["field"]
    assert audit.before["pdf_sha256"] == event.hash_before
    with pytest.raises(DomainError) as err:
        sign(world, "subject", doc)
    assert err.value.code == SigningErrorCode.ALREADY_SIGNED


def test_the_class_book_is_signed_by_the_homeroom_teacher_then_the_principal(world, rich, creds):
    sign_all(rich, terms=(1,))
    doc = document_prepare(spec=class_book_spec(world.class_a, world.term1))
    with pytest.raises(PermissionDenied) as err:
        sign(world, "principal", doc)
    assert err.value.code == SigningErrorCode.NOT_YOUR_TURN
    with pytest.raises(DomainError) as err:
        sign(world, "homeroom", doc, secret="sai")
    assert err.value.code == SigningErrorCode.WRONG_SECRET
    assert AuditEvent.objects.filter(event_type="signing.unlock_failed").count() == 1
    doc = sign(world, "homeroom", doc)
    assert doc.state == DocumentState.PARTIALLY_SIGNED
    doc = sign(world, "principal", doc)
    assert doc.state == DocumentState.SIGNED
    report = validate_pdf(document_pdf(doc))
    assert report.all_valid and len(report.signatures) == 2
    assert report.signer_names == [
        world.people["homeroom"].full_name,
        world.people["principal"].full_name,
    ]


def test_a_data_change_supersedes_the_signed_version_and_drafts_a_new_one(world, rich, creds):
    sign_all(rich, terms=(1,))
    spec = grade_sheet_spec(world.class_a, world.math, world.term1)
    v1 = sign(world, "subject", document_prepare(spec=spec))
    v1_pdf = document_pdf(v1)
    # a correction changes a value; the teacher confirms the sheet again
    Assessment.objects.filter(student=world.student_a, subject=world.math, column="CK").update(
        value="9.0"
    )
    with pytest.raises(DomainError) as err:  # the signed data no longer matches the confirmation
        grade_sheet_spec(world.class_a, world.math, world.term1)
    assert err.value.code == SigningErrorCode.NOT_READY
    sign_all(rich, terms=(1,))
    new_spec = grade_sheet_spec(world.class_a, world.math, world.term1)
    v2 = document_prepare(spec=new_spec)
    v1.refresh_from_db()
    assert v1.state == DocumentState.SUPERSEDED and v1.superseded_by == v2
    assert v2.version == 2 and v2.state == DocumentState.DRAFT
    assert document_pdf(v1) == v1_pdf and validate_pdf(v1_pdf).all_valid  # old one kept
    assert AuditEvent.objects.filter(event_type="signing.document_superseded").count() == 1
    with pytest.raises(DomainError) as err:
        sign(world, "subject", v1)
    assert err.value.code == SigningErrorCode.SUPERSEDED
    v2 = sign(world, "subject", v2, spec=new_spec)
    assert v2.state == DocumentState.SIGNED
    assert SignedDocument.objects.filter(subject_key=v2.subject_key).count() == 2


def test_signing_with_stale_data_drafts_a_new_version(world, rich, creds):
    sign_all(rich, terms=(1,))
    doc = document_prepare(spec=class_book_spec(world.class_a, world.term1))
    Assessment.objects.filter(student=world.student_a, subject=world.math, column="CK").update(
        value="9.5"
    )
    sign_all(rich, terms=(1,))
    with pytest.raises(DomainError) as err:
        sign(world, "homeroom", doc, spec=class_book_spec(world.class_a, world.term1))
    assert err.value.code == SigningErrorCode.SUPERSEDED
    doc.refresh_from_db()
    assert doc.state == DocumentState.SUPERSEDED and doc.superseded_by.version == 2


@pytest.fixture
def applied_correction(world, rich):
    from hoso.gradebook.corrections.actions import (
        correction_confirm,
        correction_decide,
        correction_request,
    )
    from hoso.gradebook.corrections.tests.test_corrections import pdf
    from hoso.gradebook.entry import actions
    from hoso.gradebook.entry.sheets import load_sheet

    sheet = load_sheet(world.class_a, world.math, world.term1)
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    correction = correction_request(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="GK",
        new_value="9",
        reason="Cộng nhầm điểm bài kiểm tra giữa kỳ.",
        files=[pdf()],
    )
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=correction,
        approve=True,
        note="Đồng ý.",
        witness=world.users["vice"],
    )
    correction = correction_confirm(actor=world.actor("vice"), correction=correction)
    return correction_confirm(actor=world.actor("homeroom"), correction=correction)


def test_the_correction_minute_is_signed_by_its_three_parties_in_order(
    world, applied_correction, creds
):
    spec = correction_minute_spec(applied_correction)
    doc = document_prepare(spec=spec)
    assert [s["user_id"] for s in doc.signers] == [
        world.users["subject"].pk,
        world.users["vice"].pk,
        world.users["homeroom"].pk,
    ]
    with pytest.raises(PermissionDenied):
        sign(world, "homeroom", doc)
    for who in ("subject", "vice", "homeroom"):
        doc = sign(world, who, doc, spec=spec)
    assert doc.state == DocumentState.SIGNED
    report = validate_pdf(document_pdf(doc))
    assert report.all_valid and len(report.signatures) == 3
    assert not report.modified_after_last_signature


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
@pytest.mark.parametrize("renderer", ["printing", "copy"])
def test_signed_copy_text_and_stamps_do_not_cover_printed_text(
    world, rich, creds, tmp_path, renderer
):
    sign_all(rich, terms=(1,))
    spec = class_book_spec(world.class_a, world.term1)
    if renderer == "copy":  # this package's own layout, used when printing has no renderer
        spec.printing = None
    doc = sign(world, "homeroom", document_prepare(spec=spec))
    drafted = AuditEvent.objects.get(event_type="signing.document_drafted")
    assert drafted.after["renderer"] == renderer
    path = tmp_path / "book.pdf"
    path.write_bytes(document_pdf(doc))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert world.student_a.full_name in text
    assert "GIÁO VIÊN CHỦ NHIỆM" in text
    assert text.count(world.people["homeroom"].full_name) >= 2  # printed name + stamp
    # the stamp box lies in the blank space between the caption and the printed name: no word
    # of the last page overlaps it, and the caption is above it, the printed name below
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    last_page = bbox.split("<page ")[-1]
    page_height = float(last_page.split('height="')[1].split('"')[0])
    _page, x1, y1, x2, y2 = doc.signers[0]["box"]
    name = world.people["homeroom"].full_name
    stamp_text = f"Ký bởi: {name} Giáo viên chủ nhiệm Thời gian: (GMT+7)"
    seen = {"caption": False, "name": False}
    for line in last_page.splitlines():
        if "<word" not in line:
            continue
        word = line.split(">")[1].split("<")[0]
        wx1 = float(line.split('xMin="')[1].split('"')[0])
        wx2 = float(line.split('xMax="')[1].split('"')[0])
        bottom = page_height - float(line.split('yMax="')[1].split('"')[0])
        top = page_height - float(line.split('yMin="')[1].split('"')[0])
        if not (wx1 < x2 and wx2 > x1) or top < y1 - 60 or bottom > y2 + 60:
            continue  # not in the signature block's column
        if bottom < y2 and top > y1:  # inside the stamp box: only the stamp's own text
            bare = " ".join(re.sub(r"\d\d/\d\d/\d{4}|\d\d:\d\d:\d\d", "", word).split())
            assert bare in stamp_text, line
        elif word == "CHỦ":
            seen["caption"] = True
            assert bottom >= y2, line
        elif word == name.split()[-1]:
            seen["name"] = True
            assert top <= y1, line
    assert seen == {"caption": True, "name": True}


def test_refresh_supersedes_changed_documents_and_waits_for_confirmation(world, rich, creds):
    from django.core.management import call_command

    from hoso.signing.documents import documents_refresh
    from hoso.signing.tasks import refresh_documents

    sign_all(rich, terms=(1,))
    sheet = sign(
        world,
        "subject",
        document_prepare(spec=grade_sheet_spec(world.class_a, world.math, world.term1)),
    )
    book = document_prepare(spec=class_book_spec(world.class_a, world.term1))
    assert documents_refresh(school=world.school).superseded == 0
    Assessment.objects.filter(student=world.student_a, subject=world.math, column="CK").update(
        value="9.0"
    )
    # changed but not confirmed again: nothing is drafted yet
    result = documents_refresh(school=world.school)
    assert (result.checked, result.superseded, result.waiting_confirmation) == (2, 0, 2)
    sign_all(rich, terms=(1,))
    call_command("signing_refresh", school=world.school.code)
    sheet.refresh_from_db()
    book.refresh_from_db()
    assert sheet.state == DocumentState.SUPERSEDED and book.state == DocumentState.SUPERSEDED
    assert sheet.superseded_by.version == 2 and sheet.superseded_by.state == DocumentState.DRAFT
    assert refresh_documents.enqueue(world.school.pk).return_value["superseded"] == 0
