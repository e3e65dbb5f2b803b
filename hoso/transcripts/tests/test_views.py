"""The staff pages: the class board with its batch buttons, the detail page, the clerk's search,
the menu entry; errors keep what was typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hoso.testing.factories import PASSWORD as LOGIN_PASSWORD
from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.navigation import nav_entries
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import add_students, issue_class

pytestmark = pytest.mark.django_db


def login(world, role) -> Client:
    client = Client()
    assert client.login(username=world.users[role].username, password=LOGIN_PASSWORD)
    return client


def test_menu_entry_for_the_roles_that_use_it(world):
    for role in ("homeroom", "vice", "principal", "clerk"):
        assert nav_entries(world.actor(role)) == [("transcripts:index", "Học bạ số")], role
    for role in ("subject", "parent", "accountant", "outsider"):
        assert nav_entries(world.actor(role)) == [], role


def test_homeroom_teacher_drafts_and_signs_the_class_from_the_board(world, signers):
    add_students(world, 3)
    client = login(world, "homeroom")
    class_url = reverse("transcripts:class", args=[world.class_a.pk])
    html = client.get(class_url).content.decode()
    assert "Lập / cập nhật học bạ cả lớp" in html and "4 học sinh chưa có học bạ" in html
    response = client.post(reverse("transcripts:draft", args=[world.class_a.pk]))
    assert response.status_code == 302
    assert Transcript.objects.filter(state="draft").count() == 4
    html = client.get(class_url).content.decode()
    assert "Ký tất cả" in html
    # Wrong password: 400, Vietnamese message, nothing signed.
    sign_url = reverse("transcripts:sign", args=[world.class_a.pk, "ky-gvcn"])
    response = client.post(sign_url, {"secret": "sai"})
    assert response.status_code == 400
    assert 'data-code="transcript_wrong_secret"' in response.content.decode()
    assert "không đúng" in response.content.decode()
    assert Transcript.objects.filter(state="draft").count() == 4
    response = client.post(sign_url, {"secret": PASSWORD}, follow=True)
    assert "Đã ký 4 học bạ" in response.content.decode()
    assert Transcript.objects.filter(state="homeroom_signed").count() == 4


def test_vice_principal_return_without_comment_is_refused(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    client = login(world, "vice")
    url = reverse("transcripts:check", args=[world.class_a.pk])
    response = client.post(url, {"decision": "return", "comment": "   "})
    assert response.status_code == 400 and "Hãy ghi ý kiến" in response.content.decode()
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert Transcript.objects.get().state == "checked"


def test_detail_page_shows_the_pdf_signatures_history_and_revokes(world, signers):
    t = issue_class(world)[0]
    client = login(world, "clerk")
    url = reverse("transcripts:detail", args=[t.pk])
    html = client.get(url).content.decode()
    assert reverse("transcripts:pdf", args=[t.pk]) in html  # inline preview
    assert "Văn thư ký số của nhà trường, cấp học bạ" in html  # history
    assert html.count("hợp lệ") >= 3  # three valid signatures
    pdf = client.get(reverse("transcripts:pdf", args=[t.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # An empty reason keeps nothing changed and says why.
    response = client.post(reverse("transcripts:revoke", args=[t.pk]), {"reason": ""})
    assert response.status_code == 400 and "Hãy ghi lý do thu hồi" in response.content.decode()
    response = client.post(
        reverse("transcripts:revoke", args=[t.pk]), {"reason": "Sai điểm môn Toán"}, follow=True
    )
    assert 'data-testid="revoked"' in response.content.decode()
    response = client.post(reverse("transcripts:reissue", args=[t.pk]), follow=True)
    assert "bản 2" in response.content.decode()
    export = client.get(reverse("transcripts:export", args=[t.pk]))
    assert export["Content-Type"] == "application/zip"


def test_clerk_search_by_folded_name_and_by_code(world, signers):
    t = issue_class(world)[0]
    client = login(world, "clerk")
    url = reverse("transcripts:search")
    for query in ("nguyen van an", "NGUYỄN An", t.code.lower().replace("-", "")):
        html = client.get(url, {"q": query}).content.decode()
        assert reverse("transcripts:detail", args=[t.pk]) in html, query
    assert "Không tìm thấy" in client.get(url, {"q": "tran binh"}).content.decode()
    assert login(world, "homeroom").get(url, {"q": "an"}).status_code == 404


def test_index_lists_classes_in_a_fixed_number_of_queries(
    world, signers, django_assert_max_num_queries
):
    issue_class(world)
    client = login(world, "principal")
    client.get(reverse("transcripts:index"))  # warm the session
    with django_assert_max_num_queries(25):
        html = client.get(reverse("transcripts:index")).content.decode()
    assert "6A1" in html and "6A2" in html


def test_issued_board_shows_the_stale_flag(world, signers):
    issue_class(world)
    student = world.student_a
    student.birth_place = "Huế"
    student.save(update_fields=["birth_place"])
    html = (
        login(world, "clerk")
        .get(reverse("transcripts:class", args=[world.class_a.pk]))
        .content.decode()
    )
    assert "dữ liệu đã thay đổi — cần thu hồi và cấp lại" in html
    assert Transcript.objects.get().state == "issued"


def test_board_says_when_results_are_not_approved_yet(world, signers):
    from hoso.gradebook.results.models import ClassResult

    ClassResult.objects.filter(school_class=world.class_a).delete()
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    html = (
        login(world, "homeroom")
        .get(reverse("transcripts:class", args=[world.class_a.pk]))
        .content.decode()
    )
    assert 'data-testid="pending"' in html and "chưa được Hiệu trưởng phê duyệt" in html
    # in words and in the year's order, never the codes ("term1") or "học kỳ i"
    assert "Kết quả học kỳ I, học kỳ II, cả năm của lớp" in html and "term1" not in html


def test_student_export_download(world, signers):
    issue_class(world)
    url = reverse("transcripts:export_student", args=[world.student_a.pk])
    response = login(world, "clerk").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert login(world, "homeroom").get(url).status_code == 403
    assert login(world, "subject").get(url).status_code == 404


def _board_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_board_compares_the_class_in_a_fixed_number_of_queries(world, signers):
    """GIVEN a drafted class WHEN the board is opened THEN the living versions are compared with
    the grade book a class at a time (no write when nothing changed): the same number of
    queries for 1 and for 6 drafted students; a changed one is still redrafted on the board."""
    a = world.actor
    url = reverse("transcripts:class", args=[world.class_a.pk])
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    client = login(world, "principal")
    client.get(url)  # warm the session
    small = _board_queries(client, url)
    add_students(world, 5)
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    assert Transcript.objects.filter(state="draft").count() == 6
    client.get(url)
    assert _board_queries(client, url) == small
    assert small <= 25
    world.student_a.birth_place = "Huế"
    world.student_a.save(update_fields=["birth_place"])
    client.get(url)
    assert Transcript.objects.filter(state="superseded").count() == 1
    assert Transcript.objects.filter(state="draft").count() == 6
