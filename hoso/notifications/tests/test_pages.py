"""The preferences page, push devices, the web app files and the administrator's delivery log
(GIVEN the small school's people, WHEN they open and post the pages, THEN each sees and changes
only their own, the log is for administrators, and a retry is audited)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.notifications.models import ContactPreferences, Delivery, Notification, PushSubscription


@pytest.mark.django_db
def test_preferences_saved_audited_and_typed_values_kept(world, client):
    """GIVEN a parent, WHEN they save channels and quiet hours, THEN saved and audited; a bad
    phone is refused with a Vietnamese message and the form keeps what was typed."""
    parent = world.users["parent"]
    client.force_login(parent)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Cài đặt nhận thông báo" in page and 'name="sms"' in page
    bad = client.post(
        reverse("notifications:preferences"),
        {
            "email": "on",
            "sms": "on",
            "phone": "12345",
            "quiet_start": "22:00",
            "quiet_end": "06:30",
        },
    )
    assert bad.status_code == 200 and "Số điện thoại không hợp lệ" in bad.content.decode()
    assert 'value="12345"' in bad.content.decode()
    assert not ContactPreferences.objects.filter(user=parent).exists()
    ok = client.post(
        reverse("notifications:preferences"),
        {
            "sms": "on",
            "phone": "0912 000 111",
            "quiet_start": "22:00",
            "quiet_end": "06:30",
            "weekly_digest": "on",
        },
    )
    assert ok.status_code == 302
    prefs = ContactPreferences.objects.get(user=parent)
    assert prefs.sms and not prefs.email and prefs.weekly_digest
    assert prefs.phone == "0912 000 111" and prefs.quiet_start.hour == 22
    event = AuditEvent.objects.get(event_type="notifications.preferences_changed")
    assert event.actor_id == parent.pk


@pytest.mark.django_db
def test_push_subscribe_and_unsubscribe_own_device(world, client):
    client.force_login(world.users["parent"])
    sub = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "BPx", "auth": "au"}}
    r = client.post(
        reverse("notifications:push_subscribe"), json.dumps(sub), content_type="application/json"
    )
    assert r.status_code == 200 and PushSubscription.objects.get().user == world.users["parent"]
    bad = client.post(
        reverse("notifications:push_subscribe"),
        json.dumps({"endpoint": "http://x"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "notifications_bad_subscription"
    client.force_login(world.users["homeroom"])  # not theirs: nothing removed
    client.post(reverse("notifications:push_unsubscribe"), {"endpoint": sub["endpoint"]})
    assert PushSubscription.objects.count() == 1
    client.force_login(world.users["parent"])
    client.post(reverse("notifications:push_unsubscribe"), {"endpoint": sub["endpoint"]})
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_service_worker_and_manifest(client):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert b"showNotification" in b"".join(sw.streaming_content if sw.streaming else [sw.content])
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}


def failed_delivery(world):
    n = Notification.objects.create(
        user=world.users["parent"], school=world.school, kind="notice", text="Họp", dedupe_key="x"
    )
    return Delivery.objects.create(
        notification=n,
        user=world.users["parent"],
        school=world.school,
        channel="sms",
        state="failed",
        attempts=8,
        next_attempt_at=clock.now(),
        error="Nhà cung cấp trả lỗi HTTP 500",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 200),
        ("principal", 403),
        ("homeroom", 403),
        ("parent", 403),
    ],
)
def test_delivery_log_for_administrators(world, client, who, status):
    failed_delivery(world)
    client.force_login(world.users[who])
    response = client.get(reverse("notifications:deliveries"))
    assert response.status_code == status
    if status == 200:
        assert "Nhà cung cấp trả lỗi HTTP 500" in response.content.decode()


@pytest.mark.django_db
def test_retry_is_audited_and_requeues(world, client):
    d = failed_delivery(world)
    client.force_login(world.users["homeroom"])
    assert client.post(reverse("notifications:delivery_retry", args=[d.pk])).status_code == 403
    client.force_login(world.users["admin"])
    r = client.post(reverse("notifications:delivery_retry", args=[d.pk]))
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == "queued" and d.attempts == 0
    assert AuditEvent.objects.filter(event_type="notifications.delivery_retried").count() == 1
    # only a failed one can be retried
    again = client.post(reverse("notifications:delivery_retry", args=[d.pk]), follow=True)
    assert "Chỉ gửi lại được tin đã gửi lỗi" in again.content.decode()


@pytest.mark.django_db
def test_delivery_log_query_count(world, client, django_assert_max_num_queries):
    for i in range(5):
        d = failed_delivery(world)
        d.notification.dedupe_key = f"k{i}"
        d.notification.save()
    client.force_login(world.users["admin"])
    client.get(reverse("notifications:deliveries"))
    with django_assert_max_num_queries(25):
        client.get(reverse("notifications:deliveries"), {"kenh": "sms", "trang-thai": "failed"})


@pytest.mark.django_db
def test_school_settings_by_leaders_audited(world, client):
    """GIVEN the principal, WHEN they set quiet hours 22:00–06:00 and Saturday 8h, THEN saved
    and audited; a teacher gets 403."""
    from hoso.notifications.models import SchoolNotificationSettings

    client.force_login(world.users["homeroom"])
    assert client.get(reverse("notifications:school_settings")).status_code == 403
    client.force_login(world.users["principal"])
    page = client.get(reverse("notifications:school_settings")).content.decode()
    assert 'value="21:00"' in page and 'value="07:00"' in page
    r = client.post(
        reverse("notifications:school_settings"),
        {"quiet_start": "22:00", "quiet_end": "06:00", "digest_weekday": "5", "digest_hour": "8"},
    )
    assert r.status_code == 302
    row = SchoolNotificationSettings.objects.get(school=world.school)
    assert (row.quiet_start.hour, row.quiet_end.hour, row.digest_weekday, row.digest_hour) == (
        22,
        6,
        5,
        8,
    )
    assert AuditEvent.objects.filter(event_type="notifications.school_settings_changed").exists()
