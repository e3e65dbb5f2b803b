"""Notifications (GIVEN people of the small school, WHEN reminders are sent and read, THEN each
(person, key) exists once, people see and mark only their own, e-mail goes out only when
configured, and the top-bar badge counts the unread ones)."""

from __future__ import annotations

import unicodedata

import pytest
from django.core import mail
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from hoso.notifications.actions import email_enabled, notify, notify_many
from hoso.notifications.context_processors import unread_notifications
from hoso.notifications.models import Notification


def send(world, who="subject", key="k1", text="Nhắc nhập điểm lớp 6A1", url="/so-diem/"):
    return notify(
        user=world.users[who], school=world.school, kind="test", text=text, url=url, dedupe_key=key
    )


@pytest.mark.django_db
def test_one_notification_per_person_and_key(world):
    first = send(world)
    assert first is not None and first.text == "Nhắc nhập điểm lớp 6A1"
    assert send(world) is None  # same key: nothing new
    assert send(world, who="homeroom") is not None  # same key, another person
    assert send(world, key="k2") is not None
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_text_is_nfc_and_bounded(world):
    decomposed = unicodedata.normalize("NFD", "Nhắc nhập điểm ") + "x" * 600
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    n = send(world, text=decomposed)
    assert n.text.startswith("Nhắc nhập điểm") and len(n.text) == 500


@pytest.mark.django_db
def test_inactive_accounts_are_not_notified(world):
    world.users["subject"].is_active = False
    world.users["subject"].save()
    assert send(world) is None and not Notification.objects.exists()


@pytest.mark.django_db
def test_email_only_when_configured(world, settings, django_capture_on_commit_callbacks):
    world.users["subject"].email = "duc@example.edu.vn"
    world.users["subject"].save()
    settings.HOSO_EMAIL_ENABLED = None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert not email_enabled()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_enabled()  # HOSO_EMAIL_HOST set → SMTP backend → e-mail on
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send(world, key="off")
    assert mail.outbox == []
    settings.HOSO_EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        n = send(world, key="on")
    (message,) = mail.outbox
    assert message.to == ["duc@example.edu.vn"] and "Nhắc nhập điểm lớp 6A1" in message.body
    assert "/so-diem/" in message.body
    n.refresh_from_db()
    assert n.emailed_at is not None


@pytest.mark.django_db
def test_list_and_mark_read(world, client):
    mine = send(world, text="Thông báo của tôi")
    send(world, key="k2", text="Thông báo thứ hai")
    other = send(world, who="homeroom", text="Thông báo của người khác")
    client.force_login(world.users["subject"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Thông báo của tôi" in page and "2 chưa đọc" in page
    assert "Thông báo của người khác" not in page
    # someone else's notification answers 404 and stays unread
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/so-diem/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    unread = client.get(reverse("notifications:list"), {"chua-doc": "1"}).content.decode()
    assert "Thông báo thứ hai" in unread and "Thông báo của tôi" not in unread
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=world.users["subject"], read_at__isnull=True)
    assert Notification.objects.get(pk=other.pk).read_at is None


@pytest.mark.django_db
def test_an_outside_url_is_not_followed(world, client):
    n = send(world, url="https://evil.example/")
    client.force_login(world.users["subject"])
    response = client.post(reverse("notifications:read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.django_db
def test_unread_badge(world, django_assert_num_queries):
    from hoso.accounts.actor import build_actor

    send(world)
    send(world, key="k2")
    request = RequestFactory().get("/")
    request.user = world.users["subject"]
    request.actor = build_actor(request.user, world.school, world.year)
    context = unread_notifications(request)
    template = engines["django"].from_string(
        '{% include "notifications/_badge.html" %}{{ unread_notifications }}'
    )
    with django_assert_num_queries(1):  # counted once, however often it is shown
        html = template.render(context)
    assert 'class="badge warn"' in html and ">2</span>" in html
    Notification.objects.update(read_at="2026-11-22T10:00:00+07:00")
    fresh = unread_notifications(request)
    assert "badge" not in engines["django"].from_string(
        '{% include "notifications/_badge.html" %}'
    ).render(fresh)


@pytest.mark.django_db
def test_notify_many_once_per_person_and_key(world, settings, django_capture_on_commit_callbacks):
    """GIVEN one of three people notified already, WHEN a notice goes to all three twice, THEN
    two new notifications the first time, none the second, inactive accounts skipped, and an
    e-mail only to the one with an address."""
    settings.HOSO_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people = [world.users["subject"], world.users["homeroom"], world.users["principal"]]
    people[1].email = "lan@example.edu.vn"
    people[1].save()
    send(world, who="subject", key="notice-1")
    retired = world.users["clerk"]
    retired.is_active = False
    retired.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = notify_many(
            users=[*people, retired, None],
            school=world.school,
            kind="notice",
            text="Họp phụ huynh",
            dedupe_key="notice-1",
        )
    assert sorted(n.user_id for n in made) == sorted([people[1].pk, people[2].pk])
    assert [m.to for m in mail.outbox] == [["lan@example.edu.vn"]]
    again = notify_many(
        users=people, school=world.school, kind="notice", text="x", dedupe_key="notice-1"
    )
    assert again == []
    assert Notification.objects.filter(dedupe_key="notice-1").count() == 3
