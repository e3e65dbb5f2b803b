"""In-app notifications and their outbox (docs/NOTIFICATIONS.md).

- ``Notification``: the in-app message, one per (person, ``dedupe_key``); it is the in-app channel.
- ``Delivery``: the same notification on one external channel (e-mail, Web Push, SMS, Zalo OA),
  one row per (notification, channel) so nothing is sent twice; workers claim due rows, send them
  through the channel's provider adapter (``channels/``) and record the outcome.
- ``ContactPreferences``: a person's channels, the address used on each, quiet hours and the
  weekly digest; ``PushSubscription``: one installed browser/home-screen app of the person.
- ``SchoolNotificationSettings``: the school's sending hours and digest day.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    # One reminder per (person, deadline, phase): re-running the reminder task adds nothing.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When the e-mail delivery of this notification was sent (kept for the older pages/tests).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The subject of external messages (e-mail, push title); empty: "Thông báo từ HoSo".
    subject = models.CharField(max_length=200, blank=True, default="")
    # Urgent notifications go out during quiet hours and never wait for the weekly digest.
    urgent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "school", "created_at"], name="notification_user_week"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Channel(models.TextChoices):
    """Where a notification reaches a person. In-app is the ``Notification`` itself; the others
    are ``Delivery`` rows. The consent purpose each needs: ``hoso.privacy.models.CHANNEL_PURPOSE``."""

    IN_APP = "in_app", "Trong ứng dụng"
    EMAIL = "email", "Thư điện tử"
    PUSH = "push", "Thông báo đẩy"
    SMS = "sms", "Tin nhắn SMS"
    ZALO = "zalo", "Zalo OA"


EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.PUSH, Channel.SMS, Channel.ZALO)


class Delivery(models.Model):
    """One notification on one external channel (gửi đi)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Chờ gửi"
        SENDING = "sending", "Đang gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi lỗi"
        CANCELLED = "cancelled", "Đã hủy"
        SKIPPED = "skipped", "Bỏ qua"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Copied from the notification: the worker and the log pages filter on them without a join.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    urgent = models.BooleanField(default=False)
    # Whether the person is a guardian of the school (asked for consent again when sending).
    needs_consent = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A claimed row belongs to one worker until then; a worker lost mid-send frees it.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The address used when sent (e-mail, phone, push endpoint's host) and the provider's id.
    address = models.CharField(max_length=300, blank=True, default="")
    provider = models.CharField(max_length=40, blank=True, default="")
    provider_message_id = models.CharField(max_length=200, blank=True, default="")
    # Why it failed, was cancelled or skipped: a code (``outbox.Reason``) and the words.
    reason = models.CharField(max_length=30, blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                name="delivery_due",
                condition=Q(state__in=["queued", "sending"]),
            ),
            models.Index(fields=["school", "channel", "state", "-created_at"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notification_id}: {self.get_state_display()}"


class ContactPreferences(models.Model):
    """Cài đặt nhận thông báo of one person (all schools): channels, addresses, quiet hours,
    weekly digest. No row: every channel with an address, the school's quiet hours, no digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preferences"
    )
    email = models.BooleanField("nhận qua thư điện tử", default=True)
    email_address = models.EmailField("địa chỉ thư (để trống: địa chỉ của tài khoản)", blank=True)
    push = models.BooleanField("nhận thông báo đẩy trên điện thoại/máy tính", default=True)
    sms = models.BooleanField("nhận tin nhắn SMS", default=True)
    zalo = models.BooleanField("nhận tin qua Zalo", default=True)
    phone = models.CharField(
        "số điện thoại nhận tin (để trống: số đã khai)", max_length=20, blank=True
    )
    quiet_start = models.TimeField("không nhận tin từ", null=True, blank=True)
    quiet_end = models.TimeField("đến", null=True, blank=True)
    weekly_digest = models.BooleanField(
        "gộp tin không khẩn thành một bản tin mỗi tuần", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cài đặt thông báo của {self.user_id}"

    def wants(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


class PushSubscription(models.Model):
    """One device (browser or home-screen app) that asked for Web Push."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.user_agent[:60] or self.endpoint[:60]


def default_quiet_start() -> time:
    return time.fromisoformat(getattr(settings, "HOSO_QUIET_HOURS", "21:00-07:00").split("-")[0])


def default_quiet_end() -> time:
    return time.fromisoformat(getattr(settings, "HOSO_QUIET_HOURS", "21:00-07:00").split("-")[1])


class SchoolNotificationSettings(models.Model):
    """The school's sending hours (outside them only urgent notices go out; the 7h–22h of NĐ
    91/2020 for advertising is UNCONFIRMED for school notices, so the default is the stricter
    21:00–07:00 quiet time of ``HOSO_QUIET_HOURS``) and the weekly digest's day and hour."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Thứ Hai"
        TUESDAY = 1, "Thứ Ba"
        WEDNESDAY = 2, "Thứ Tư"
        THURSDAY = 3, "Thứ Năm"
        FRIDAY = 4, "Thứ Sáu"
        SATURDAY = 5, "Thứ Bảy"
        SUNDAY = 6, "Chủ nhật"

    school = models.OneToOneField(
        "organisation.School", on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_start = models.TimeField("giờ yên lặng từ", default=default_quiet_start)
    quiet_end = models.TimeField("đến", default=default_quiet_end)
    digest_weekday = models.PositiveSmallIntegerField(
        "ngày gửi bản tin tuần", choices=Weekday.choices, default=Weekday.FRIDAY
    )
    digest_hour = models.PositiveSmallIntegerField("giờ gửi bản tin tuần", default=17)

    def __str__(self) -> str:
        return f"Cài đặt gửi tin của trường {self.school_id}"
