"""An approved record (hồ sơ, records issue) whose file is a PDF is signed by its owner, then
its approver; the signed copy validates and the uploaded file stays untouched."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.core.errors import DomainError
from hoso.signing.books import record_spec
from hoso.signing.documents import document_pdf, document_prepare, document_sign
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import DocumentState
from hoso.signing.services import validate_pdf
from hoso.signing.testpki import DEMO_PASSWORD
from hoso.signing.tests.conftest import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(world):
    from hoso.records import actions
    from hoso.records.tests.helpers import lesson_plan, setup_records

    setup_records(world)
    ob = lesson_plan(world)
    upload = SimpleUploadedFile("ke-hoach.pdf", make_pdf(2, "Kế hoạch bài dạy tuần 10"))
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=upload, submit=True
    )
    actions.obligation_approve(actor=world.actor("dept_head"), obligation_id=ob.pk)
    ob.refresh_from_db()
    return ob


def test_an_approved_pdf_record_is_signed_by_owner_then_approver(
    world, approved, trusted, p12_credential
):
    for who in ("subject", "dept_head"):
        p12_credential(world.users[who], world.people[who].full_name)
    spec = record_spec(approved)
    assert [s.user_id for s in spec.signers] == [
        world.users["subject"].pk,
        world.users["dept_head"].pk,
    ]
    doc = document_prepare(spec=spec)
    for who in ("subject", "dept_head"):
        doc = document_sign(
            actor=world.actor(who), document=doc, secret=DEMO_PASSWORD, spec=record_spec(approved)
        )
    assert doc.state == DocumentState.SIGNED
    report = validate_pdf(document_pdf(doc))
    assert report.all_valid and len(report.signatures) == 2
    original = approved.submissions.get().file.open("rb").read()
    assert original.startswith(b"%PDF-") and b"/ByteRange" not in original


def test_a_record_not_yet_approved_cannot_be_signed(world):
    from hoso.records.tests.helpers import lesson_plan, setup_records

    setup_records(world)
    with pytest.raises(DomainError) as err:
        record_spec(lesson_plan(world))
    assert err.value.code == SigningErrorCode.NOT_READY
