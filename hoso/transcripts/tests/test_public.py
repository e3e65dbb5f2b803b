"""The public verification pages (no login): by code, by upload, logged, rate-limited, and
showing no personal data beyond what confirms authenticity."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoso.transcripts import actions, engines
from hoso.transcripts.codes import normalise_code
from hoso.transcripts.models import Transcript, VerificationLog
from hoso.transcripts.tests.helpers import issue_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def public():
    return Client(REMOTE_ADDR="203.0.113.7")


def page(public, code):
    return public.get(reverse("verify:detail", args=[code]))


def test_issued_code_is_current_and_authentic_without_personal_data(world, signers, public):
    t = issue_class(world)[0]
    response = page(public, t.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="current"' in html
    assert world.school.name in html and "6A1" in html and "2026-2027" in html
    assert "N*** V*** An" in html and "Nguyễn Văn An" not in html
    assert "04/03/2015" not in html and world.student_a.student_code not in html
    for name in ("Đỗ Thị Lan", "Nguyễn Văn Hùng"):  # the signers' names, roles, times
        assert name in html
    assert "Hiệu trưởng" in html and "Giáo viên chủ nhiệm" in html
    log = VerificationLog.objects.get()
    assert log.ip == "203.0.113.7" and log.result == "current" and log.transcript == t


def test_validation_is_cached_per_revision(world, signers, public, django_assert_max_num_queries):
    t = issue_class(world)[0]
    page(public, t.code)
    revision = t.revisions.get(kind="seal")
    revision.refresh_from_db()
    assert revision.validation["ok"] is True and revision.validated_at is not None
    from unittest import mock

    with mock.patch.object(engines, "validate", side_effect=AssertionError("not cached")):
        assert 'data-status="current"' in page(public, t.code).content.decode()


def test_typed_code_is_forgiving(world, signers, public):
    t = issue_class(world)[0]
    typed = t.code.replace("-", " ").lower()
    response = public.post(reverse("verify:index"), {"code": typed})
    assert response.status_code == 302 and response.url.endswith(t.code)
    assert normalise_code("o0il-1lio") == "0011-1110"
    bad = public.post(reverse("verify:index"), {"code": "ABC"})
    assert bad.status_code == 400 and "ABC" in bad.content.decode()  # what was typed stays


def test_revoked_transcript_shows_as_revoked_then_replaced(world, signers, public):
    t = issue_class(world)[0]
    actions.transcript_revoke(actor=world.actor("clerk"), transcript=t, reason="Sai họ tên")
    html = page(public, t.code).content.decode()
    assert 'data-status="revoked"' in html and "thu hồi" in html
    assert "Sai họ tên" not in html  # the reason stays inside the school
    fresh = actions.transcript_reissue(actor=world.actor("clerk"), transcript=t)
    # The new draft is not public yet; the old one is still only revoked.
    assert page(public, fresh.code).status_code == 404
    assert 'data-status="revoked"' in page(public, t.code).content.decode()
    issue_class(world)
    html = page(public, t.code).content.decode()
    assert 'data-status="replaced"' in html and "bản học bạ thay thế" in html
    assert 'data-status="current"' in page(public, fresh.code).content.decode()


def test_drafts_and_unknown_codes_are_not_found(world, signers, public):
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    draft = Transcript.objects.get()
    for code in (draft.code, "ZZZZ-ZZZZ"):
        response = page(public, code)
        assert response.status_code == 404
        assert 'data-status="not_found"' in response.content.decode()
    assert set(VerificationLog.objects.values_list("result", flat=True)) == {"not_found"}
    assert not VerificationLog.objects.filter(transcript__isnull=False).exists()


def upload(public, blob, name="hoc-ba.pdf"):
    return public.post(
        reverse("verify:upload"),
        {"file": SimpleUploadedFile(name, blob, content_type="application/pdf")},
    )


def test_uploading_the_issued_pdf_confirms_it(world, signers, public):
    t = issue_class(world)[0]
    response = upload(public, actions.read_pdf(t))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-result="authentic"' in html and 'data-status="current"' in html
    assert VerificationLog.objects.get().result == "authentic"


def test_one_changed_byte_is_not_authentic(world, signers, public):
    t = issue_class(world)[0]
    pdf = bytearray(actions.read_pdf(t))
    offset = len(pdf) // 3  # inside the first revision, covered by every signature
    pdf[offset] = (pdf[offset] + 1) % 256
    response = upload(public, bytes(pdf))
    html = response.content.decode()
    assert 'data-result="not_authentic"' in html
    assert "không hợp lệ" in html
    log = VerificationLog.objects.get()
    assert log.result == "not_authentic" and log.transcript is None


def test_an_intermediate_signed_revision_is_recognised_but_not_final(world, signers, public):
    t = issue_class(world)[0]
    homeroom = t.revisions.get(kind="homeroom")
    with homeroom.file.open("rb") as fh:
        response = upload(public, fh.read())
    assert 'data-result="matched"' in response.content.decode()


def test_upload_must_be_a_pdf_and_not_too_large(world, public, settings):
    response = upload(public, b"GIF89a not a pdf", name="anh.pdf")
    assert response.status_code == 400
    assert "không phải là tệp PDF" in response.content.decode()
    from hoso.transcripts import verification

    big = b"%PDF-1.7\n" + b"0" * (verification.MAX_UPLOAD_MB * 1024 * 1024)
    response = upload(public, big)
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert list(VerificationLog.objects.order_by("at").values_list("result", flat=True)) == [
        "not_pdf",
        "too_large",
    ]


def test_rate_limit_answers_429_in_vietnamese(world, public, settings):
    settings.HOSO_VERIFY_RATE = 5
    for _ in range(5):
        assert page(public, "ZZZZ-ZZZZ").status_code == 404
    response = page(public, "ZZZZ-ZZZZ")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    # Another address is not affected.
    assert (
        Client(REMOTE_ADDR="198.51.100.1")
        .get(reverse("verify:detail", args=["ZZZZ-ZZZZ"]))
        .status_code
        == 404
    )
    assert upload(public, b"%PDF-1.7").status_code == 429


def test_public_pages_need_no_login(world, public):
    response = public.get(reverse("verify:index"))
    assert response.status_code == 200
    assert "Xác minh học bạ số" in response.content.decode()


def test_a_change_appended_after_the_last_signature_is_reported(world, signers, public):
    """The incremental-update attack: the signed bytes stay intact, content is drawn after."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    t = issue_class(world)[0]
    writer = IncrementalPdfFileWriter(io.BytesIO(actions.read_pdf(t)))
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (10.0) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream), resources=resources)
    out = io.BytesIO()
    writer.write(out)
    html = upload(public, out.getvalue()).content.decode()
    assert 'data-result="not_authentic"' in html
    assert 'data-testid="modified"' in html


def test_cached_validation_is_redone_when_the_trust_roots_change(world, signers, public):
    from hoso.signing.models import TrustRoot

    t = issue_class(world)[0]
    assert 'data-status="current"' in page(public, t.code).content.decode()
    TrustRoot.objects.all().delete()  # the CA is no longer trusted
    html = page(public, t.code).content.decode()
    assert 'data-status="invalid"' in html
