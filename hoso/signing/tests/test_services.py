"""Sign and validate PDFs: PAdES, incremental, stamps in Vietnamese, tampering detected."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.signing.errors import SigningErrorCode
from hoso.signing.services import credential_for, sign_many, sign_pdf, validate_pdf
from hoso.signing.testpki import DEMO_PASSWORD
from hoso.signing.tests.conftest import Box, make_pdf

pytestmark = pytest.mark.django_db


def _sign(pdf, cred, field, name, role, box=None):
    return sign_pdf(
        pdf=pdf,
        credential=cred,
        secret=DEMO_PASSWORD,
        field_name=field,
        box=box,
        signer_name=name,
        role_label=role,
        reason="Xác nhận",
        location="Hà Nội",
    )


def test_sign_then_validate_is_trusted_with_the_test_ca(world, trusted, p12_credential, dummy_tsa):
    # GIVEN a homeroom teacher's PKCS#12 credential issued by the trusted demo CA
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    # WHEN she signs a one-page PDF with a visible stamp
    signed = _sign(
        make_pdf(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm", Box(1, 50, 50, 250, 110)
    )
    # THEN the signature is intact, valid, trusted, timestamped, covering the whole file
    report = validate_pdf(signed)
    assert len(report.signatures) == 1
    sig = report.signatures[0]
    assert (sig.intact, sig.valid, sig.trusted, sig.bottom_line) == (True, True, True, True)
    assert sig.signer_cn == "Đỗ Thị Lan"
    assert sig.field_name == "GVCN"
    assert sig.coverage == "ENTIRE_FILE"
    assert sig.timestamp_valid is True and sig.timestamp_time is not None
    assert report.all_valid and not report.modified_after_last_signature
    # and the signature is in the audit trail with hashes before/after
    event = AuditEvent.objects.get(event_type="signing.signature_applied")
    assert event.after["field"] == "GVCN" and len(event.before["sha256"]) == 64
    assert event.before["sha256"] != event.after["sha256"]


def test_untrusted_without_the_ca_as_trust_root(world, p12_credential):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    report = validate_pdf(_sign(make_pdf(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm"))
    sig = report.signatures[0]
    assert sig.intact and sig.valid and not sig.trusted and not sig.bottom_line
    assert not report.all_valid


def test_three_incremental_signatures_in_order_all_valid(world, trusted, p12_credential):
    teacher = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    principal = p12_credential(world.users["principal"], "Nguyễn Văn Hùng")
    seal = p12_credential(None, "Trường THCS Thử Nghiệm")
    pdf = make_pdf(3)
    pdf = _sign(
        pdf, teacher, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm", Box(-1, 40, 40, 190, 100)
    )
    pdf = _sign(pdf, principal, "HT", "Nguyễn Văn Hùng", "Hiệu trưởng", Box(-1, 200, 40, 350, 100))
    pdf = _sign(
        pdf,
        seal,
        "DONVI",
        "Trường THCS Thử Nghiệm",
        "Chữ ký số của đơn vị",
        Box(-1, 360, 40, 560, 100),
    )
    report = validate_pdf(pdf)
    assert [s.field_name for s in report.signatures] == ["GVCN", "HT", "DONVI"]
    assert [s.signer_cn for s in report.signatures] == [
        "Đỗ Thị Lan",
        "Nguyễn Văn Hùng",
        "Trường THCS Thử Nghiệm",
    ]
    assert all(s.bottom_line for s in report.signatures)
    assert [s.coverage for s in report.signatures] == [
        "ENTIRE_REVISION",
        "ENTIRE_REVISION",
        "ENTIRE_FILE",
    ]
    assert report.all_valid and not report.modified_after_last_signature


def test_one_flipped_byte_is_detected(world, trusted, p12_credential):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    signed = bytearray(_sign(make_pdf(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm"))
    # a byte inside the page content (the first revision), well before the signature
    offset = signed.index(b"stream") + 20
    signed[offset] ^= 0x01
    report = validate_pdf(bytes(signed))
    assert report.signatures[0].intact is False
    assert report.signatures[0].bottom_line is False
    assert not report.all_valid


def test_an_incremental_update_after_the_last_signature_is_detected(world, trusted, p12_credential):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    signed = _sign(make_pdf(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm")
    # someone appends a revision that changes the document's metadata/contents
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 100 Td (10.0) Tj ET")
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), writer.add_object(stream)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    report = validate_pdf(out.getvalue())
    assert report.modified_after_last_signature is True
    assert report.signatures[0].intact is True
    assert report.signatures[0].bottom_line is False
    assert not report.all_valid


def test_wrong_password_is_refused_in_vietnamese(world, p12_credential):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    with pytest.raises(DomainError) as err:
        sign_pdf(
            pdf=make_pdf(),
            credential=cred,
            secret="sai-mat-khau",
            field_name="GVCN",
            box=None,
            signer_name="Đỗ Thị Lan",
            role_label="Giáo viên chủ nhiệm",
        )
    assert err.value.code == SigningErrorCode.WRONG_SECRET
    assert "Mật khẩu" in err.value.message


def test_expired_certificate_is_refused_at_upload(world, p12_credential):
    past = datetime.now(UTC) - timedelta(days=30)
    with pytest.raises(DomainError) as err:
        p12_credential(
            world.users["homeroom"],
            "Đỗ Thị Lan",
            not_before=past - timedelta(days=365),
            not_after=past,
        )
    assert err.value.code == SigningErrorCode.CERT_EXPIRED
    assert "hết hạn" in err.value.message


def test_credential_for_picks_the_active_one_and_the_seal(world, p12_credential):
    from hoso.signing.actions import credential_deactivate

    old = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    new = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    seal = p12_credential(None, "Trường THCS Thử Nghiệm")
    assert credential_for(user=world.users["homeroom"]) == new
    assert credential_for(school=world.school) == seal
    credential_deactivate(credential=new)
    assert credential_for(user=world.users["homeroom"]) == old
    assert credential_for(user=world.users["principal"]) is None


def test_stored_pkcs12_is_not_plaintext(world, p12_credential):
    from hoso.signing.models import SigningCredential

    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    blob = bytes(SigningCredential.objects.get(pk=cred.pk).p12_blob)
    assert blob[:1] == b"\x01" and b"\x30\x82" not in blob[:20]
    assert "Đỗ Thị Lan".encode() not in blob


def test_sign_many_signs_a_batch_with_one_unlock(world, trusted, p12_credential):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    pdfs = [make_pdf(1, f"Học bạ {i}") for i in range(3)]
    out = sign_many(
        pdfs=pdfs,
        credential=cred,
        secret=DEMO_PASSWORD,
        field_name="GVCN",
        box_for=lambda i, pdf: Box(1, 40, 40, 220, 100),
        signer_name="Đỗ Thị Lan",
        role_label="Giáo viên chủ nhiệm",
    )
    assert len(out) == 3
    assert all(validate_pdf(pdf).all_valid for pdf in out)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_stamp_text_is_vietnamese_with_marks(world, p12_credential, tmp_path):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    signed = _sign(
        make_pdf(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm", Box(1, 50, 50, 300, 110)
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Đỗ Thị Lan" in text
    assert "Giáo viên chủ nhiệm" in text
    assert "Thời gian" in text


def test_wrong_passwords_are_audited_and_lock_the_credential_for_a_while(
    world, p12_credential, settings
):
    settings.HOSO_LOCKOUT_FAILURES = 3
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")

    def attempt(secret):
        return sign_pdf(
            pdf=make_pdf(),
            credential=cred,
            secret=secret,
            field_name="GVCN",
            box=None,
            signer_name="Đỗ Thị Lan",
            role_label="Giáo viên chủ nhiệm",
        )

    for _ in range(3):
        with pytest.raises(DomainError) as err:
            attempt("sai")
        assert err.value.code == SigningErrorCode.WRONG_SECRET
    assert AuditEvent.objects.filter(event_type="signing.unlock_failed").count() == 3
    with pytest.raises(DomainError) as err:  # even the right password waits now
        attempt(DEMO_PASSWORD)
    assert err.value.code == SigningErrorCode.TOO_MANY_ATTEMPTS
    assert "tạm khoá" in err.value.message
    AuditEvent.objects.filter(event_type="signing.unlock_failed").update(
        at=datetime.now(UTC) - timedelta(hours=1)
    )
    assert attempt(DEMO_PASSWORD).startswith(b"%PDF")


def test_a_prepared_empty_field_is_used_and_a_signed_field_is_refused(
    world, trusted, p12_credential
):
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    writer = IncrementalPdfFileWriter(BytesIO(make_pdf()))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("GVCN", on_page=0, box=(60, 60, 260, 120))
    )
    out = BytesIO()
    writer.write(out)
    signed = _sign(out.getvalue(), cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm")
    report = validate_pdf(signed)
    assert [s.field_name for s in report.signatures] == ["GVCN"] and report.all_valid
    with pytest.raises(DomainError) as err:
        _sign(signed, cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm")
    assert err.value.code == SigningErrorCode.FIELD_ALREADY_SIGNED


def test_not_a_pdf(world, p12_credential):
    cred = p12_credential(world.users["homeroom"], "Đỗ Thị Lan")
    with pytest.raises(DomainError) as err:
        _sign(b"hello", cred, "GVCN", "Đỗ Thị Lan", "Giáo viên chủ nhiệm")
    assert err.value.code == SigningErrorCode.NOT_A_PDF
    report = validate_pdf(b"hello")
    assert report.error and not report.all_valid and report.signatures == []


def test_a_signed_pdfa3_keeps_pdf_1_7_in_header_catalog_and_xmp(world, p12_credential):
    """GIVEN a PDF/A-3b file (PDF/A-3 is defined on PDF 1.7) WHEN it is signed twice with ECDSA
    P-256 keys THEN the header, the catalog's /Version and the XMP all still say 1.7 (pyHanko
    would raise the catalog to 2.0 for ISO 32002)."""
    import io
    import re

    import typst
    from pypdf import PdfReader

    pdf = typst.compile(
        b'#set document(title: "H\xe1\xbb\x8dc b\xe1\xba\xa1")\nH\xe1\xbb\x8dc b\xe1\xba\xa1',
        pdf_standards=["a-3b"],
    )
    assert pdf.startswith(b"%PDF-1.7")
    signed = _sign(
        pdf, p12_credential(world.users["homeroom"], "Đỗ Thị Lan"), "GVCN", "Đỗ Thị Lan", "GVCN"
    )
    signed = _sign(
        signed,
        p12_credential(world.users["principal"], "Nguyễn Văn Hùng"),
        "HieuTruong",
        "Nguyễn Văn Hùng",
        "Hiệu trưởng",
    )
    reader = PdfReader(io.BytesIO(signed))
    assert reader.pdf_header == "%PDF-1.7"
    root = reader.trailer["/Root"]
    assert root.get("/Version") in (None, "/1.7")
    for ext in (root.get("/Extensions") or {}).values():
        ext = ext.get_object()
        entries = ext if isinstance(ext, list) else [ext]
        assert all(str(e.get_object()["/BaseVersion"]) <= "/1.7" for e in entries)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp)
    version = re.search(r"pdf:PDFVersion(?:>|=\")([0-9.]+)", xmp)
    assert version is None or version.group(1) == "1.7"
    assert all(s.valid for s in validate_pdf(signed).signatures)
