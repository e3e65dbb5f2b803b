"""The contact book's pages: who may open each (404 otherwise), read receipts sent by POST (never
on GET), the sender's "đã đọc x/y" and who has not read, and list pages whose query count does
not grow with the number of items."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.core import clock
from hoso.parents.messages import actions
from hoso.parents.messages.models import LetterReceipt, NoticeReceipt, Thread, WeeklyNews
from hoso.testing.factories import SMALL_SCHOOL_ROLES, make_student

from .test_actions import second_parent

pytestmark = pytest.mark.django_db

STAFF_WRITERS = {"principal", "vice", "homeroom", "subject"}  # threads, inbox
NOTICE_SENDERS = {"principal", "vice", "homeroom", "subject", "clerk", "office_head"}


@pytest.mark.parametrize("role", SMALL_SCHOOL_ROLES)
def test_pages_per_role(client, world, role):
    """GIVEN each person of the small school
    THEN the contact book's pages answer 200 to those they serve and 404 to the others."""
    client.force_login(world.users[role])
    expect = {
        "parents:messages_home": STAFF_WRITERS | {"clerk", "parent"},
        "parents:inbox": STAFF_WRITERS | {"parent"},
        "parents:thread_new": STAFF_WRITERS | {"parent"},
        "parents:notices": NOTICE_SENDERS | {"parent"},
        "parents:notice_new": NOTICE_SENDERS,
        "parents:news_list": {"homeroom", "principal", "vice"},
        "parents:meetings": {"homeroom", "principal", "vice", "parent"},
        "parents:meeting_new": {"homeroom", "principal", "vice"},
    }
    for name, allowed in expect.items():
        page = client.get(reverse(name))
        assert page.status_code == (200 if role in allowed else 404), (name, role)
    edit = client.get(reverse("parents:news_edit", args=[world.class_a.pk, "2026-11-16"]))
    assert edit.status_code == (200 if role == "homeroom" else 404), role


def _sent_news(world):
    actor = world.actor("homeroom")
    news = actions.weekly_news_save(
        actor=actor,
        school_class=world.class_a,
        week_start=date(2026, 11, 16),
        common_text="Chung",
        child_texts={world.student_a.pk: "Riêng của An"},
    )
    return actions.weekly_news_send(actor=actor, news=news)


@pytest.mark.parametrize("role", SMALL_SCHOOL_ROLES)
def test_a_letter_is_for_its_child_s_guardian_the_homeroom_teacher_and_leaders(client, world, role):
    news = _sent_news(world)
    letter = news.letters.get()
    client.force_login(world.users[role])
    page = client.get(reverse("parents:letter", args=[letter.pk]))
    allowed = {"parent", "homeroom", "principal", "vice"}
    assert page.status_code == (200 if role in allowed else 404), role


def test_another_parent_never_sees_a_letter_or_a_notice_not_addressed_to_it(client, world):
    w = world
    other = second_parent(w)
    news = _sent_news(w)
    notice = actions.notice_send(
        actor=w.actor("homeroom"), scope="class", class_id=w.class_a.pk, title="6A1", body="Chỉ 6A1"
    )
    client.force_login(other)
    assert client.get(reverse("parents:letter", args=[news.letters.get().pk])).status_code == 404
    assert client.get(reverse("parents:notice", args=[notice.pk])).status_code == 404
    assert "Chỉ 6A1" not in client.get(reverse("parents:notices")).content.decode()
    home = client.get(reverse("parents:messages_home")).content.decode()
    assert "Riêng của An" not in home and "6A1" not in home


def test_the_draft_is_prefilled_edited_previewed_and_sent(client, world):
    w = world
    client.force_login(w.users["homeroom"])
    url = reverse("parents:news_edit", args=[w.class_a.pk, "2026-11-18"])
    page = client.get(url).content.decode()
    assert "Bản tin tuần 12" in page and "đầy đủ" in page
    assert WeeklyNews.objects.count() == 0  # GET writes nothing
    response = client.post(
        url, {"common": "Tuần sau kiểm tra.", f"s-{w.student_a.pk}": "An ngoan.", "then": "save"}
    )
    news = WeeklyNews.objects.get()
    assert response.url == reverse("parents:news_detail", args=[news.pk])
    preview = client.get(response.url).content.decode()
    assert "Tuần sau kiểm tra." in preview and "An ngoan." in preview and "Bản nháp" in preview
    client.post(reverse("parents:news_send", args=[news.pk]))
    sent = client.get(response.url).content.decode()
    assert "đã đọc 0/1" in sent
    # A too long part keeps what was typed.
    url2 = reverse("parents:news_edit", args=[w.class_a.pk, "2026-11-23"])
    page = client.post(url2, {"common": "x" * 5001, f"s-{w.student_a.pk}": "Giữ nguyên"})
    assert page.status_code == 200 and "Giữ nguyên" in page.content.decode()
    assert "quá giới hạn" in page.content.decode()


def test_read_receipts_are_posted_not_written_on_get(client, world):
    """GIVEN a sent letter and a notice
    WHEN the parent opens them (GET) nothing is marked; the page's POST marks it read
    THEN the sender sees "Đã đọc 1/1" and nobody left in "Chưa đọc"."""
    w = world
    news = _sent_news(w)
    letter = news.letters.get()
    notice = actions.notice_send(
        actor=w.actor("principal"), scope="school", title="Lịch nghỉ Tết", body="Nghỉ từ 10/2."
    )
    client.force_login(w.users["parent"])
    page = client.get(reverse("parents:letter", args=[letter.pk])).content.decode()
    assert "Chung" in page and "Riêng của An" in page and 'hx-trigger="load"' in page
    assert LetterReceipt.objects.get().read_at is None
    client.post(reverse("parents:letter_read", args=[letter.pk]), HTTP_HX_REQUEST="true")
    assert LetterReceipt.objects.get().read_at is not None
    client.get(reverse("parents:notice", args=[notice.pk]))
    assert NoticeReceipt.objects.get().read_at is None
    client.force_login(w.users["principal"])
    page = client.get(reverse("parents:notice", args=[notice.pk])).content.decode()
    assert "Đã đọc 0/1" in page and "Nguyễn Văn Cường" in page.split("Chưa đọc")[1]
    client.force_login(w.users["parent"])
    client.post(reverse("parents:notice_read", args=[notice.pk]))
    client.force_login(w.users["principal"])
    page = client.get(reverse("parents:notice", args=[notice.pk])).content.decode()
    assert "Đã đọc 1/1" in page and 'data-testid="notice-unread"' not in page


def test_the_parent_starts_a_thread_and_the_teacher_answers(client, world):
    w = world
    client.force_login(w.users["parent"])
    form = client.get(reverse("parents:thread_new")).content.decode()
    assert "Đỗ Thị Lan — Giáo viên chủ nhiệm" in form and "Bùi Thị Thu" not in form
    response = client.post(
        reverse("parents:thread_new"),
        {"student": w.student_a.pk, "staff": w.people["homeroom"].pk, "body": "Chào cô"},
    )
    thread = Thread.objects.get()
    assert response.url == reverse("parents:thread", args=[thread.pk])
    client.force_login(w.users["homeroom"])
    inbox = client.get(reverse("parents:inbox")).content.decode()
    assert "1 tin mới" in inbox
    client.post(reverse("parents:thread", args=[thread.pk]), {"body": "Cô chào anh"})
    client.post(reverse("parents:thread_read", args=[thread.pk]))
    assert 'data-testid="unread"' not in client.get(reverse("parents:inbox")).content.decode()
    # An outsider and another teacher get 404; the leader too (not a party).
    for role in ("subject", "principal", "outsider", "clerk"):
        client.force_login(w.users[role])
        assert client.get(reverse("parents:thread", args=[thread.pk])).status_code == 404, role
        post = client.post(reverse("parents:thread", args=[thread.pk]), {"body": "x"})
        assert post.status_code == 404, role


def test_an_attachment_is_served_to_the_addressed_only(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    w = world
    second_parent(w)
    notice = actions.notice_send(
        actor=w.actor("homeroom"),
        scope="class",
        class_id=w.class_a.pk,
        title="Lịch thi",
        body="Tệp kèm.",
        attachment=SimpleUploadedFile("lich.pdf", b"%PDF-1.4\nx", "application/pdf"),
    )
    url = reverse("parents:notice_file", args=[notice.pk])
    client.force_login(w.users["parent"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(w.users["parent_b"])
    assert client.get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_their_items(client, world):
    """GIVEN one thread, notice and letter, then five more of each
    THEN the inbox, the notice list, the thread and the parent's home answer in the same
    number of queries."""
    w = world
    parent, teacher = w.actor("parent"), w.actor("homeroom")
    students = [w.student_a] + [
        make_student(w.school, w.class_a, f"Học Sinh {i}") for i in range(5)
    ]
    from hoso.students.models import Guardian, StudentGuardian

    guardian = Guardian.objects.get(user=w.users["parent"])
    for s in students[1:]:
        StudentGuardian.objects.create(student=s, guardian=guardian, relation="father")
    from hoso.testing.factories import small_school  # noqa: F401 (the world is rebuilt below)

    def add(n: int, first: int):
        fresh = w.actor("parent")
        for i in range(first, first + n):
            thread = actions.thread_open(
                actor=fresh, student_id=students[i].pk, staff_id=w.people["homeroom"].pk
            )
            actions.message_send(actor=fresh, thread=thread, body=f"Tin {i}")
            actions.message_send(actor=teacher, thread=thread, body=f"Trả lời {i}")
            actions.notice_send(
                actor=teacher, scope="class", class_id=w.class_a.pk, title=f"TB {i}", body="x"
            )

    add(1, 0)
    thread = Thread.objects.first()
    pages = {
        "parent": [
            reverse("parents:inbox"),
            reverse("parents:notices"),
            reverse("parents:messages_home"),
            reverse("parents:thread", args=[thread.pk]),
        ],
        "homeroom": [reverse("parents:inbox"), reverse("parents:notices")],
    }
    before = {}
    for role, urls in pages.items():
        client.force_login(w.users[role])
        for url in urls:
            before[(role, url)] = _queries(client, url)
    add(5, 1)
    for i in range(5):
        actions.message_send(actor=parent, thread=thread, body=f"Thêm {i}")
    for role, urls in pages.items():
        client.force_login(w.users[role])
        for url in urls:
            assert _queries(client, url) == before[(role, url)], (role, url)
    assert max(before.values()) <= 20, before


def test_the_meeting_pages_list_replies_for_the_teacher(client, world):
    w = world
    meeting = actions.meeting_create(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        title="Họp cuối kỳ",
        starts_at=datetime(2026, 12, 20, 8, tzinfo=clock.VN_TZ),
        place="Phòng 6A1",
    )
    url = reverse("parents:meeting", args=[meeting.pk])
    client.force_login(w.users["parent"])
    assert "Sẽ dự họp" in client.get(url).content.decode()
    client.post(url, {"answer": "yes", "note": "Mẹ cháu dự"})
    client.force_login(w.users["homeroom"])
    page = client.get(url).content.decode()
    assert "1 sẽ dự" in page and "Mẹ cháu dự" in page
    client.force_login(w.users["subject"])
    assert client.get(url).status_code == 404
