"""The outbox against fake providers on loopback (GIVEN a parent with consent and a fake SMS /
Zalo / push server on 127.0.0.1, WHEN notifications are queued and workers run, THEN each
message goes once, a provider that fails or hangs gets the message later with backoff and loses
nothing, withdrawn consent stops it, quiet hours hold it, and SMS text is folded to 160 GSM-7
characters)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail

from hoso.core import clock
from hoso.notifications import outbox
from hoso.notifications.actions import notify, notify_many
from hoso.notifications.channels.base import ProviderError, TokenBucket
from hoso.notifications.channels.sms import fold, phone_international, septets, sms_text
from hoso.notifications.fakes import FakeProvider
from hoso.notifications.models import ContactPreferences, Delivery, Notification
from hoso.privacy.models import Consent, PrivacyNotice, Purpose

State = Delivery.State


@pytest.fixture
def fake(settings):
    server = FakeProvider().start()
    settings.HOSO_SMS_URL = server.url + "/sms"
    settings.HOSO_SMS_RATE = 1000
    settings.HOSO_ZALO_URL = server.url + "/zalo"
    settings.HOSO_ZALO_ACCESS_TOKEN = "zalo-token"
    settings.HOSO_ZALO_TEMPLATES = {"default": "240001"}
    settings.HOSO_ZALO_RATE = 1000
    settings.HOSO_PROVIDER_TIMEOUT = 0.5
    settings.HOSO_EMAIL_ENABLED = False
    yield server
    server.stop()


def consent(world, user, *purposes):
    notice, _ = PrivacyNotice.objects.get_or_create(school=world.school, version=1, text="…")
    for purpose in purposes:
        Consent.objects.create(
            school=world.school,
            user=user,
            purpose=purpose,
            notice=notice,
            given_at=clock.now(),
            recorded_by=user,
        )


def tell_parent(world, key="n1", **kw):
    return notify(
        user=world.users["parent"],
        school=world.school,
        kind=kw.pop("kind", "notice"),
        text=kw.pop("text", "Thông báo họp phụ huynh lớp 6A1 lúc 8 giờ thứ Bảy."),
        url="/lien-lac/",
        dedupe_key=key,
        **kw,
    )


@pytest.mark.django_db
def test_sent_once_on_each_consented_channel(world, fake):
    """GIVEN a parent who consented to SMS only, WHEN a notice is queued and two workers run,
    THEN one SMS reaches the fake gateway with the folded text, Zalo (no consent) gets nothing
    and a second run sends nothing again."""
    consent(world, world.users["parent"], Purpose.SMS)
    n = tell_parent(world)
    assert list(Delivery.objects.values_list("channel", "state")) == [("sms", "queued")]
    first = outbox.deliver_due()
    second = outbox.deliver_due()
    assert (first.sent, second.claimed) == (1, 0)
    (body,) = fake.bodies("/sms")
    assert body["to"] == "84912345678"
    assert body["text"].startswith("Thong bao hop phu huynh lop 6A1")
    assert body["ref"] == f"hoso-{n.deliveries.get().pk}"
    d = Delivery.objects.get()
    assert d.state == State.SENT and d.provider_message_id == "fake-1" and d.attempts == 1
    assert d.address == "84912345678" and d.sent_at is not None


@pytest.mark.django_db
def test_zalo_template_message(world, fake):
    """GIVEN consent for Zalo, THEN a ZNS template message with the template id and params."""
    consent(world, world.users["parent"], Purpose.ZALO)
    tell_parent(world)
    outbox.deliver_due()
    (body,) = fake.bodies("/zalo")
    assert body["template_id"] == "240001" and body["phone"] == "84912345678"
    assert body["template_data"]["message"].startswith("Thông báo họp phụ huynh")
    assert body["template_data"]["link"].endswith("/lien-lac/")
    assert fake.received[0]["headers"]["access_token"] == "zalo-token"
    assert Delivery.objects.get().provider_message_id == "zns-1"


@pytest.mark.django_db
def test_provider_down_retried_with_backoff_nothing_lost(world, fake, settings):
    """GIVEN the gateway answers 500 and then hangs, WHEN workers run, THEN the delivery stays
    queued with a growing wait (30 s, 60 s), is sent once the gateway is back, and after the
    last allowed attempt a failure is kept for the administrator."""
    settings.HOSO_OUTBOX_BACKOFF_SECONDS = 30
    consent(world, world.users["parent"], Purpose.SMS)
    tell_parent(world)
    t0 = clock.now()
    fake.fail_with = 500
    run = outbox.deliver_due(now=t0)
    d = Delivery.objects.get()
    assert run.retried == 1 and d.state == State.QUEUED and d.attempts == 1
    assert d.reason == "http_500" and "500" in d.error
    assert timedelta(seconds=29) < d.next_attempt_at - t0 < timedelta(seconds=40)
    assert outbox.deliver_due(now=t0 + timedelta(seconds=10)).claimed == 0  # not yet
    fake.fail_with, fake.hang, fake.hang_seconds = None, True, 1.5
    outbox.deliver_due(now=d.next_attempt_at)
    d.refresh_from_db()
    assert d.state == State.QUEUED and d.attempts == 2 and d.reason == "timeout"
    assert d.next_attempt_at - clock.now() > timedelta(seconds=59)
    fake.hang = False
    fake.received.clear()
    assert outbox.deliver_due(now=d.next_attempt_at).sent == 1
    d.refresh_from_db()
    assert d.state == State.SENT and d.attempts == 3 and len(fake.bodies("/sms")) == 1
    # a second notice while the gateway stays down: failed after the last attempt
    settings.HOSO_OUTBOX_MAX_ATTEMPTS = 2
    fake.fail_with = 503
    tell_parent(world, key="n2")
    later = clock.now() + timedelta(days=1)
    outbox.deliver_due(now=later)
    outbox.deliver_due(now=later + timedelta(hours=1))
    failed = Delivery.objects.get(notification__dedupe_key="n2")
    assert failed.state == State.FAILED and failed.reason == "attempts_exhausted"


@pytest.mark.django_db
def test_consent_withdrawn_between_queue_and_send(world, fake):
    """GIVEN an SMS queued with consent, WHEN the parent withdraws before the worker runs, THEN
    nothing is sent and the delivery is cancelled with the reason."""
    consent(world, world.users["parent"], Purpose.SMS)
    tell_parent(world)
    Consent.objects.update(withdrawn_at=clock.now())
    run = outbox.deliver_due()
    d = Delivery.objects.get()
    assert run.cancelled == 1 and fake.received == []
    assert d.state == State.CANCELLED and d.reason == outbox.Reason.CONSENT_WITHDRAWN


@pytest.mark.django_db
def test_no_consent_nothing_queued_but_staff_are_not_asked(world, fake, settings):
    """GIVEN no consent, THEN a parent gets only the in-app notice; a teacher (staff) with a
    phone who turned SMS on is reached without consent."""
    tell_parent(world)
    assert not Delivery.objects.exists()
    teacher = world.users["homeroom"]
    teacher.phone = "0987654321"
    teacher.save()
    ContactPreferences.objects.create(user=teacher, sms=True, zalo=False)
    notify(user=teacher, school=world.school, kind="reminder", text="Nhắc", dedupe_key="t1")
    d = Delivery.objects.get()
    assert d.channel == "sms" and not d.needs_consent
    assert outbox.deliver_due().sent == 1


@pytest.mark.django_db
def test_quiet_hours_hold_non_urgent(world, fake, time_machine):
    """GIVEN 22:30 (inside the default 21:00–07:00), WHEN a notice and an urgent one are queued,
    THEN the urgent one goes now and the other waits until 07:00."""
    consent(world, world.users["parent"], Purpose.SMS)
    night = clock.at(clock.today(), 22, 30)
    time_machine.move_to(night, tick=False)
    tell_parent(world, key="calm")
    tell_parent(world, key="fire", kind="school_closure", text="Nghỉ học ngày mai do bão.")
    calm = Delivery.objects.get(notification__dedupe_key="calm")
    fire = Delivery.objects.get(notification__dedupe_key="fire")
    morning = clock.at(clock.today() + timedelta(days=1), 7)
    assert fire.urgent and fire.next_attempt_at == night
    assert calm.next_attempt_at == morning
    assert outbox.deliver_due().sent == 1
    (urgent_sms,) = fake.bodies("/sms")
    assert urgent_sms["text"].startswith("Nghi hoc ngay mai do bao.")
    time_machine.move_to(morning, tick=False)
    assert outbox.deliver_due().sent == 1
    calm.refresh_from_db()
    assert calm.state == State.SENT


@pytest.mark.django_db
def test_quiet_hours_checked_again_when_sending(world, fake, time_machine):
    """GIVEN a delivery queued at 20:59 and a worker that runs at 21:30, THEN it is put back
    until 07:00 without counting an attempt."""
    consent(world, world.users["parent"], Purpose.SMS)
    time_machine.move_to(clock.at(clock.today(), 20, 59), tick=False)
    tell_parent(world)
    time_machine.move_to(clock.at(clock.today(), 21, 30), tick=False)
    run = outbox.deliver_due()
    d = Delivery.objects.get()
    assert run.deferred == 1 and d.state == State.QUEUED and d.attempts == 0
    assert d.next_attempt_at == clock.at(clock.today() + timedelta(days=1), 7)
    assert fake.received == []


@pytest.mark.django_db
def test_two_workers_never_claim_the_same_row(world, fake):
    """GIVEN 30 queued deliveries, WHEN two claims are made, THEN they share no row."""
    parents = []
    from hoso.students.models import Guardian
    from hoso.testing.factories import make_user

    for i in range(30):
        u = make_user(f"ph{i}", f"Phụ huynh {i}")
        Guardian.objects.create(
            school=world.school, user=u, full_name=u.display_name, phone=f"09{i:08d}"
        )
        consent(world, u, Purpose.SMS)
        parents.append(u)
    notify_many(users=parents, school=world.school, kind="notice", text="Họp", dedupe_key="k")
    a = outbox.claim(limit=20, now=clock.now())
    b = outbox.claim(limit=20, now=clock.now())
    assert len(a) == 20 and len(b) == 10 and not {d.pk for d in a} & {d.pk for d in b}
    assert outbox.claim(limit=20, now=clock.now()) == []
    # a lost worker's rows come back after the lease
    assert len(outbox.claim(limit=50, now=clock.now() + timedelta(hours=1))) == 30


@pytest.mark.django_db
def test_email_through_the_outbox(world, settings):
    """GIVEN e-mail on, WHEN a teacher is notified, THEN one e-mail after the worker runs."""
    settings.HOSO_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    teacher = world.users["subject"]
    teacher.email = "duc@example.edu.vn"
    teacher.save()
    n = notify(
        user=teacher,
        school=world.school,
        kind="r",
        text="Nhắc",
        dedupe_key="e",
        email_subject="Nhắc việc",
    )
    assert mail.outbox == []  # never in the request
    outbox.deliver_due()
    outbox.deliver_due()
    (message,) = mail.outbox
    assert message.subject == "[HoSo] Nhắc việc" and message.to == ["duc@example.edu.vn"]
    n.refresh_from_db()
    assert n.emailed_at is not None


@pytest.mark.django_db
def test_weekly_digest(world, fake, settings, time_machine):
    """GIVEN a parent who chose the weekly digest, WHEN three notices come during the week,
    THEN no SMS for them; on the school's digest day one SMS sums them up, once."""
    from hoso.notifications.digest import send_digests

    consent(world, world.users["parent"], Purpose.SMS)
    ContactPreferences.objects.create(user=world.users["parent"], weekly_digest=True)
    for i in range(3):
        tell_parent(world, key=f"w{i}")
    assert not Delivery.objects.exists()
    friday = clock.at(clock.today(), 17, 5)  # the test clock's day is a Friday
    assert friday.weekday() == 4
    time_machine.move_to(friday, tick=False)
    assert send_digests() == 1 and send_digests() == 0
    digest = Notification.objects.get(kind="digest")
    assert digest.read_at is not None and "3 thông báo" in digest.text
    assert outbox.deliver_due().sent == 1
    (body,) = fake.bodies("/sms")
    assert "3 thong bao moi trong tuan" in body["text"]


def test_sms_text_folding_and_limit():
    """Diacritics folded, đ → d; ≤ 160 GSM-7; cut at a word with the link; refused without."""
    assert fold("Đặng Thị Ánh – họp “lớp” 6A1…") == 'Dang Thi Anh - hop "lop" 6A1...'
    assert fold("Điểm kiểm tra: 8,5") == "Diem kiem tra: 8,5"
    long = "Nhà trường thông báo lịch họp phụ huynh học kỳ I " * 5
    text = sms_text(long, "https://hoso.example.vn/lien-lac/")
    assert septets(text) <= 160 and text.endswith("... https://hoso.example.vn/lien-lac/")
    head = text.removesuffix("... https://hoso.example.vn/lien-lac/")
    assert fold(long).startswith(head) and fold(long)[len(head)] == " "  # cut at a word
    with pytest.raises(ProviderError) as refused:
        sms_text(long)
    assert refused.value.code == "sms_too_long" and not refused.value.retryable
    assert septets("[x]") == 5
    assert phone_international("0912 345 678") == "84912345678" and phone_international("12") == ""


def test_token_bucket_paces():
    """GIVEN 10 tokens a second and a burst of 2, THEN the third take waits 0.1 s."""
    t = [0.0]
    slept = []
    bucket = TokenBucket(
        rate=10,
        burst=2,
        clock=lambda: t[0],
        sleep=lambda s: (slept.append(s), t.__setitem__(0, t[0] + s)),
    )
    bucket.take()
    bucket.take()
    bucket.take()
    assert slept and abs(sum(slept) - 0.1) < 1e-9


def test_after_quiet_hours():
    tz = clock.VN_TZ
    from datetime import time

    w = (time(21), time(7))
    assert outbox.after_quiet_hours(datetime(2026, 12, 8, 23, 0, tzinfo=tz), [w]) == datetime(
        2026, 12, 9, 7, 0, tzinfo=tz
    )
    assert outbox.after_quiet_hours(datetime(2026, 12, 8, 6, 0, tzinfo=tz), [w]) == datetime(
        2026, 12, 8, 7, 0, tzinfo=tz
    )
    noon = datetime(2026, 12, 8, 12, 0, tzinfo=tz)
    assert outbox.after_quiet_hours(noon, [w, (time(12), time(13))]) == datetime(
        2026, 12, 8, 13, 0, tzinfo=tz
    )


@pytest.mark.django_db
def test_web_push_encrypted_to_the_device(world, fake, settings):
    """GIVEN a parent with contact-book consent and one push device whose endpoint is the fake
    push service, WHEN the worker runs, THEN one encrypted (aes128gcm) POST with a VAPID
    authorization reaches it; a device the service forgot (410) is removed."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from hoso.notifications.channels.push import b64url, new_private_key
    from hoso.notifications.models import PushSubscription

    settings.HOSO_VAPID_PRIVATE_KEY = new_private_key()
    settings.HOSO_VAPID_SUBJECT = "mailto:admin@example.edu.vn"
    browser = ec.generate_private_key(ec.SECP256R1()).public_key()
    p256dh = b64url(
        browser.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    parent = world.users["parent"]
    consent(world, parent, Purpose.CONTACT_BOOK)
    PushSubscription.objects.create(
        user=parent, endpoint=fake.url + "/push/dev1", p256dh=p256dh, auth=b64url(os.urandom(16))
    )
    tell_parent(world)
    d = Delivery.objects.get(channel="push")
    assert outbox.deliver_due().sent == 1
    (request,) = [r for r in fake.received if r["path"] == "/push/dev1"]
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert request["body"]["binary"] > 0
    d.refresh_from_db()
    assert d.state == State.SENT and d.address == "1 thiết bị"
    # the push service forgot the device: removed, the delivery fails for good
    fake.fail_with = 410
    tell_parent(world, key="n2")
    outbox.deliver_due()
    assert not PushSubscription.objects.exists()
    assert Delivery.objects.get(notification__dedupe_key="n2", channel="push").reason == "push_gone"


@pytest.mark.django_db
def test_one_worker_start_per_transaction(world, fake, django_capture_on_commit_callbacks):
    """GIVEN a loop notifying several parents in one transaction, THEN one worker start."""
    from django.db import transaction

    from hoso.students.models import Guardian
    from hoso.testing.factories import make_user

    people = []
    for i in range(3):
        u = make_user(f"ph{i}", f"Phụ huynh {i}")
        Guardian.objects.create(school=world.school, user=u, full_name="PH", phone=f"09{i:08d}")
        consent(world, u, Purpose.SMS)
        people.append(u)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for u in people:
            notify(user=u, school=world.school, kind="r", text="Nhắc", dedupe_key="loop")
    assert len([c for c in callbacks if isinstance(c, outbox.AfterCommitKick)]) == 1
    assert Delivery.objects.filter(state="queued").count() == 3


@pytest.mark.django_db
def test_deferred_runs_do_not_pile_up(world, fake, settings, time_machine):
    """GIVEN the database task queue at 22:30, WHEN two notices are queued in quiet hours, THEN
    one worker run waits for 07:00 in the queue, not two."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    consent(world, world.users["parent"], Purpose.SMS)
    time_machine.move_to(clock.at(clock.today(), 22, 30), tick=False)
    outbox.kick(clock.at(clock.today() + timedelta(days=1), 7))
    outbox.kick(clock.at(clock.today() + timedelta(days=1), 7))
    waiting = DBTaskResult.objects.filter(task_path="hoso.notifications.tasks.outbox_deliver")
    assert waiting.count() == 1
    assert waiting.get().run_after == clock.at(clock.today() + timedelta(days=1), 7)
