"""The screens: upload a PKCS#12, register errors in Vietnamese, the seal for the principal and
clerk only, preparing and signing a book with a password prompt, checking a PDF; permissions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school, sign_all
from hoso.signing.documents import document_pdf
from hoso.signing.models import DocumentState, SignedDocument, SigningCredential
from hoso.signing.testpki import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(world, who) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def p12_file(pki, name, password=DEMO_PASSWORD, **kw):
    return SimpleUploadedFile(
        "chu-ky.p12", pki.person(name, **kw).pkcs12(password), "application/x-pkcs12"
    )


def test_upload_a_pkcs12_and_deactivate_it(world, pki):
    client = client_for(world, "homeroom")
    page = client.get(reverse("signing:credentials"))
    assert page.status_code == 200 and "Chữ ký số của tôi" in page.content.decode()
    response = client.post(
        reverse("signing:credential_upload"),
        {"file": p12_file(pki, "Đỗ Thị Lan"), "password": DEMO_PASSWORD, "label": "Khoá ở trường"},
    )
    assert response.status_code == 302
    cred = SigningCredential.objects.get(user=world.users["homeroom"])
    assert cred.subject_cn == "Đỗ Thị Lan" and cred.issuer_cn == "HoSo Demo CA"
    listing = client.get(reverse("signing:credentials")).content.decode()
    assert "Đỗ Thị Lan" in listing and "HoSo Demo CA" in listing
    assert AuditEvent.objects.filter(event_type="signing.credential_added").count() == 1
    # another teacher cannot deactivate it (404), the owner can
    other = client_for(world, "subject")
    url = reverse("signing:credential_deactivate", kwargs={"credential_id": cred.pk})
    assert other.post(url).status_code == 404
    assert client.post(url).status_code == 302
    cred.refresh_from_db()
    assert not cred.is_active and cred.revoked_at is not None
    assert AuditEvent.objects.filter(event_type="signing.credential_deactivated").count() == 1


@pytest.mark.parametrize(
    "case, message",
    [
        ("wrong_password", "Mật khẩu chữ ký số không đúng."),
        ("not_p12", "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."),
        ("expired", "Chứng thư số đã hết hạn"),
    ],
)
def test_upload_errors_are_in_vietnamese_and_keep_the_label(world, pki, case, message):
    from datetime import UTC, datetime, timedelta

    client = client_for(world, "homeroom")
    password = DEMO_PASSWORD
    if case == "wrong_password":
        upload, password = p12_file(pki, "Đỗ Thị Lan"), "sai mật khẩu"
    elif case == "not_p12":
        upload = SimpleUploadedFile("chu-ky.p12", b"%PDF-1.7 not a key", "application/x-pkcs12")
    else:
        past = datetime.now(UTC) - timedelta(days=10)
        upload = p12_file(pki, "Đỗ Thị Lan", not_before=past - timedelta(days=400), not_after=past)
    response = client.post(
        reverse("signing:credential_upload"),
        {"file": upload, "password": password, "label": "Khoá của tôi"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert 'value="Khoá của tôi"' in body
    assert not SigningCredential.objects.exists()


def test_the_seal_is_managed_by_the_principal_and_the_clerk_only(world, pki):
    for who in ("principal", "clerk"):
        assert client_for(world, who).get(reverse("signing:seal")).status_code == 200
    for who in ("homeroom", "subject", "vice"):
        assert client_for(world, who).get(reverse("signing:seal")).status_code == 403
    response = client_for(world, "homeroom").post(
        reverse("signing:credential_upload"),
        {"file": p12_file(pki, "Trường"), "password": DEMO_PASSWORD, "seal": "1"},
    )
    assert response.status_code == 403
    response = client_for(world, "clerk").post(
        reverse("signing:credential_upload"),
        {"file": p12_file(pki, world.school.name), "password": DEMO_PASSWORD, "seal": "1"},
    )
    assert response.status_code == 302
    seal = SigningCredential.objects.get(user__isnull=True)
    assert seal.school == world.school
    url = reverse("signing:credential_deactivate", kwargs={"credential_id": seal.pk})
    assert client_for(world, "homeroom").post(url).status_code == 404


def test_parents_and_inspectors_have_no_credential_screens(world):
    for who in ("parent", "inspector"):
        assert client_for(world, who).get(reverse("signing:credentials")).status_code == 403


def test_prepare_and_sign_a_sheet_through_the_screens(world, trusted, p12_credential):
    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, terms=(1,))
    complete_inputs(world, world.student_a)
    sign_all(rich, terms=(1,))
    p12_credential(world.users["subject"], world.people["subject"].full_name)
    teacher = client_for(world, "subject")
    listing = teacher.get(reverse("signing:documents")).content.decode()
    assert "Bảng điểm Toán — lớp 6A1" in listing
    url = reverse(
        "signing:prepare_sheet",
        kwargs={
            "class_id": world.class_a.pk,
            "subject_id": world.math.pk,
            "term_id": world.term1.pk,
        },
    )
    # the homeroom teacher may read the sheet but may not put it up for signing
    assert client_for(world, "homeroom").post(url).status_code == 403
    # an outsider sees nothing
    assert client_for(world, "outsider").post(url).status_code == 404
    response = teacher.post(url)
    assert response.status_code == 302
    doc = SignedDocument.objects.get()
    page = teacher.get(response["Location"]).content.decode()
    assert "Ký với vai trò Giáo viên bộ môn" in page
    sign_url = reverse("signing:document_sign", kwargs={"document_id": doc.pk})
    bad = teacher.post(sign_url, {"secret": "sai"})
    assert bad.status_code == 400 and "Mật khẩu chữ ký số không đúng." in bad.content.decode()
    assert (
        client_for(world, "homeroom").post(sign_url, {"secret": DEMO_PASSWORD}).status_code == 403
    )
    assert teacher.post(sign_url, {"secret": DEMO_PASSWORD}).status_code == 302
    doc.refresh_from_db()
    assert doc.state == DocumentState.SIGNED
    page = teacher.get(reverse("signing:document", kwargs={"document_id": doc.pk})).content.decode()
    assert "Tất cả chữ ký số hợp lệ và tin cậy" in page
    pdf = teacher.get(reverse("signing:document_pdf", kwargs={"document_id": doc.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == document_pdf(doc)
    # the document is invisible to staff without a view on the sheet
    assert (
        client_for(world, "librarian")
        .get(reverse("signing:document", kwargs={"document_id": doc.pk}))
        .status_code
        == 404
    )
    # checking the file: valid; one flipped byte: broken
    checker = client_for(world, "principal")
    ok = checker.post(
        reverse("signing:verify"),
        {"file": SimpleUploadedFile("a.pdf", pdf.content, "application/pdf")},
    ).content.decode()
    assert "Tất cả chữ ký số hợp lệ và tin cậy" in ok
    broken = bytearray(pdf.content)
    broken[broken.index(b"stream") + 20] ^= 1
    bad = checker.post(
        reverse("signing:verify"),
        {"file": SimpleUploadedFile("a.pdf", bytes(broken), "application/pdf")},
    ).content.decode()
    assert "đã bị sửa" in bad


def test_the_documents_page_needs_few_queries(
    world, trusted, p12_credential, django_assert_max_num_queries
):
    from hoso.signing.books import grade_sheet_spec
    from hoso.signing.documents import document_prepare

    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, terms=(1,))
    sign_all(rich, terms=(1,))
    for subject in rich.subjects.values():
        if subject != world.literature:
            document_prepare(spec=grade_sheet_spec(world.class_a, subject, world.term1))
    client = client_for(world, "subject")
    client.get(reverse("signing:documents"))  # warm caches (actor, session)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("signing:documents")).content.decode()
    assert page.count("Bảng điểm") >= 4
    assert "Chờ tôi ký" in page


def test_a_changed_book_shows_on_its_page_and_a_new_version_is_drafted(
    world, trusted, p12_credential
):
    from hoso.gradebook.entry.models import Assessment
    from hoso.signing.books import grade_sheet_spec
    from hoso.signing.documents import document_prepare

    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, terms=(1,))
    sign_all(rich, terms=(1,))
    doc = document_prepare(spec=grade_sheet_spec(world.class_a, world.math, world.term1))
    teacher = client_for(world, "subject")
    url = reverse("signing:document", kwargs={"document_id": doc.pk})
    assert "Lập phiên bản mới" not in teacher.get(url).content.decode()
    Assessment.objects.filter(student=world.student_a, subject=world.math, column="CK").update(
        value="9.0"
    )
    assert "chưa được xác nhận lại" in teacher.get(url).content.decode()
    sign_all(rich, terms=(1,))
    assert "Lập phiên bản mới để ký lại" in teacher.get(url).content.decode()
    refresh = reverse("signing:document_refresh", kwargs={"document_id": doc.pk})
    assert client_for(world, "librarian").post(refresh).status_code == 404
    response = teacher.post(refresh)
    new = SignedDocument.objects.get(version=2)
    assert response["Location"] == reverse("signing:document", kwargs={"document_id": new.pk})
    doc.refresh_from_db()
    assert doc.state == DocumentState.SUPERSEDED


def test_the_principal_adds_a_trust_root_for_the_school(world, pki):
    from hoso.signing.models import TrustRoot

    url = reverse("signing:trust_root_add")
    assert client_for(world, "clerk").post(url, {"certificate": pki.ca.cert_pem}).status_code == 403
    principal = client_for(world, "principal")
    bad = principal.post(url, {"certificate": "không phải PEM", "name": "CA thử"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Chứng thư số gốc (PEM) không hợp lệ." in body and 'value="CA thử"' in body
    assert (
        principal.post(url, {"certificate": pki.ca.cert_pem, "name": "CA thử"}).status_code == 302
    )
    root = TrustRoot.objects.get()
    assert root.school == world.school and root.name == "CA thử"
    assert "CA thử" in principal.get(reverse("signing:seal")).content.decode()
    assert AuditEvent.objects.filter(event_type="signing.trust_root_added").count() == 1


def test_the_menu_shows_signing_to_staff_and_the_seal_to_its_keepers(world):
    from hoso.signing.navigation import nav_entries

    assert ("signing:credentials", "Chữ ký số của tôi") in nav_entries(world.actor("subject"))
    assert ("signing:seal", "Chữ ký số đơn vị") not in nav_entries(world.actor("subject"))
    assert ("signing:seal", "Chữ ký số đơn vị") in nav_entries(world.actor("clerk"))
    assert nav_entries(world.actor("parent")) == []
    page = client_for(world, "homeroom").get(reverse("signing:documents")).content.decode()
    assert reverse("signing:credentials") in page
