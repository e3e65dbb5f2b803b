"""Screens of the outgoing register and the permissions per role (404 out of reach)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoso.archive.testing import pdf_bytes
from hoso.correspondence import actions
from hoso.correspondence.models import OutgoingDocument
from hoso.correspondence.tests.helpers import doc_type, draft, pdf, setup_office
from hoso.testing.factories import SMALL_SCHOOL_ROLES

pytestmark = pytest.mark.clock("2026-11-18")

SEES_REGISTER = {"principal", "vice", "clerk", "admin", "inspector"}
SEES_CONFIDENTIAL = {"principal", "clerk", "homeroom"}  # homeroom is named on it


@pytest.fixture
def documents(world):
    setup_office(world)
    plain = draft(world)
    secret = draft(world, "Báo cáo", confidential=True)
    secret.readers.set([world.users["homeroom"]])
    return world, plain, secret


@pytest.mark.parametrize("role", SMALL_SCHOOL_ROLES)
def test_permissions_matrix(client, documents, role):
    """GIVEN an ordinary and a confidential draft WHEN each role opens the register and both
    documents THEN only those allowed see them; everyone else gets 404 (as if absent)."""
    world, plain, secret = documents
    client.force_login(world.users[role])
    register = client.get(reverse("correspondence:outgoing"))
    assert register.status_code == (200 if role in SEES_REGISTER else 404)
    page = client.get(reverse("correspondence:outgoing_detail", args=[plain.pk]))
    assert page.status_code == (200 if role in SEES_REGISTER else 404)
    page = client.get(reverse("correspondence:outgoing_detail", args=[secret.pk]))
    assert page.status_code == (200 if role in SEES_CONFIDENTIAL else 404)
    book = client.get(reverse("correspondence:outgoing") + "?so=mat")
    assert book.status_code == (200 if role in {"principal", "clerk"} else 404)
    if register.status_code == 200:
        body = register.content.decode()
        assert plain.summary in body
        assert "Báo cáo:" not in body  # the confidential one is never in the ordinary register


def test_flow_through_the_pages(client, documents):
    """GIVEN a draft WHEN the principal signs and the clerk numbers, keeps the PDF and issues
    through the pages THEN the page shows the symbol, and the file is served after the check."""
    world, plain, _ = documents
    url = reverse("correspondence:outgoing_detail", args=[plain.pk])
    client.force_login(world.users["principal"])
    assert "Ký ban hành" in client.get(url).content.decode()
    client.post(reverse("correspondence:outgoing_sign", args=[plain.pk]))
    client.force_login(world.users["clerk"])
    client.post(reverse("correspondence:outgoing_number", args=[plain.pk]))
    client.post(reverse("correspondence:outgoing_attach", args=[plain.pk]), {"file": pdf()})
    response = client.post(reverse("correspondence:outgoing_issue", args=[plain.pk]), follow=True)
    body = response.content.decode()
    assert "Số: 01/KH-CVA" in body and "Đã phát hành" in body
    served = client.get(reverse("correspondence:outgoing_file", args=[plain.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    client.force_login(world.users["subject"])
    assert client.get(reverse("correspondence:outgoing_file", args=[plain.pk])).status_code == 404


def test_clerk_cannot_sign_through_the_page(client, documents):
    """GIVEN a draft WHEN the clerk posts the sign step THEN it stays a draft, with a message."""
    world, plain, _ = documents
    client.force_login(world.users["clerk"])
    response = client.post(reverse("correspondence:outgoing_sign", args=[plain.pk]), follow=True)
    assert "người có thẩm quyền" in response.content.decode()
    assert OutgoingDocument.objects.get(pk=plain.pk).state == "draft"


def test_new_draft_form_keeps_input_on_error(client, world):
    """GIVEN the new-draft form WHEN posted without a type THEN 422 and the text is kept."""
    setup_office(world)
    client.force_login(world.users["clerk"])
    response = client.post(
        reverse("correspondence:outgoing_new"),
        {"doc_type": "", "summary": "Kế hoạch ôn thi", "recipients": "Như trên"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Kế hoạch ôn thi" in body and "Hãy chọn loại văn bản" in body
    response = client.post(
        reverse("correspondence:outgoing_new"),
        {
            "doc_type": str(doc_type(world, "Kế hoạch").pk),
            "summary": "Kế hoạch ôn thi",
            "recipients": "Như trên",
            "copies": "2",
        },
    )
    assert response.status_code == 302
    assert OutgoingDocument.objects.get(summary="Kế hoạch ôn thi").copies == 2


def test_register_list_query_count(client, documents, django_assert_max_num_queries):
    """GIVEN 20 numbered documents WHEN the register page is opened THEN a bounded number of
    queries (no query per row)."""
    world, _, _ = documents
    for _ in range(20):
        doc = draft(world)
        actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
        actions.outgoing_number(actor=world.actor("clerk"), document_id=doc.pk)
    client.force_login(world.users["clerk"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("correspondence:outgoing"))
    assert response.content.decode().count("/KH-CVA") == 20


def test_search_finds_the_summary_and_the_text_inside_the_pdf(client, documents):
    """GIVEN a kept PDF with text WHEN searching folded words of the summary, or of the PDF's
    text only THEN the document is found; an absent word finds nothing."""
    world, plain, _ = documents
    upload = SimpleUploadedFile("kh.pdf", pdf_bytes("Danh sách vận động viên khối 9"))
    actions.outgoing_attach(actor=world.actor("clerk"), document_id=plain.pk, upload=upload)
    client.force_login(world.users["clerk"])
    response = client.get(reverse("correspondence:outgoing") + "?q=hoi khoe phu dong")
    assert plain.summary in response.content.decode()
    response = client.get(reverse("correspondence:outgoing") + "?q=van dong vien khoi 9")
    assert plain.summary in response.content.decode()
    response = client.get(reverse("correspondence:outgoing") + "?q=khong-co-gi")
    assert plain.summary not in response.content.decode()
