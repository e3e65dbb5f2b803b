"""Sending and reading notifications (thông báo).

``notify`` creates one in-app notification per (person, ``dedupe_key``): calling it again with the
same key adds nothing, so a reminder job can run as often as it likes. ``notify_many`` does the
same for many people in one bulk insert. Both hand the new notifications to the outbox
(``outbox.queue_deliveries``) in the same transaction: a ``Delivery`` per channel the person can be
reached on (e-mail, Web Push, SMS, Zalo OA — consent, preferences and quiet hours decide), sent
after commit by the background workers, never in the request (docs/NOTIFICATIONS.md).

Notifications are a personal inbox, not a record of the school: creating one or marking it read
is not written to the audit trail (the reminder run writes one summary event per school instead,
see ``gradebook/progress/actions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.text import nfc
from hoso.notifications import outbox
from hoso.notifications.channels.sms import phone_international
from hoso.notifications.errors import NotificationError, NotificationErrorCode
from hoso.notifications.models import (
    ContactPreferences,
    Delivery,
    Notification,
    PushSubscription,
    SchoolNotificationSettings,
)
from hoso.notifications.outbox import email_enabled

__all__ = ["email_enabled", "notify", "notify_many"]


def _urgent(kind: str, urgent: bool | None) -> bool:
    return kind in outbox.URGENT_KINDS if urgent is None else bool(urgent)


def notify(
    *,
    user,
    school,
    kind: str,
    text: str,
    dedupe_key: str,
    url: str = "",
    email_subject: str = "",
    urgent: bool | None = None,
) -> Notification | None:
    """Create the notification unless this person already has one with ``dedupe_key``, and
    queue its deliveries on the person's channels.

    ``email_subject`` is the subject of e-mail and the title of push messages; ``urgent``
    (default: ``kind`` in ``outbox.URGENT_KINDS``) sends during quiet hours and bypasses the
    weekly digest. Returns the new notification, or None when it existed already (or the
    person has no active account)."""
    if user is None or not getattr(user, "is_active", True):
        return None
    key = dedupe_key[:200]
    if Notification.objects.filter(user=user, dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                school=school,
                kind=kind[:40],
                text=nfc(text)[:500],
                url=url[:300],
                dedupe_key=key,
                subject=nfc(email_subject)[:200],
                urgent=_urgent(kind, urgent),
            )
            outbox.queue_deliveries([notification])
    except IntegrityError:  # created in between by a concurrent run
        return None
    return notification


def notify_many(
    *,
    users: Iterable,
    school,
    kind: str,
    text: str,
    dedupe_key: str,
    url: str = "",
    email_subject: str = "",
    urgent: bool | None = None,
) -> list[Notification]:
    """``notify`` many people at once (a notice to a class, a grade, the whole school): one
    query for who has it already, one bulk insert, the deliveries queued in bulk and one
    worker run started after commit. Same rules as ``notify``: one per (person,
    ``dedupe_key``), active accounts only. Returns the notifications created."""
    key = dedupe_key[:200]
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not people:
        return []
    have = set(
        Notification.objects.filter(user_id__in=people, dedupe_key=key).values_list(
            "user_id", flat=True
        )
    )
    text = nfc(text)[:500]
    subject = nfc(email_subject)[:200]
    is_urgent = _urgent(kind, urgent)
    rows = [
        Notification(
            user_id=pk,
            school=school,
            kind=kind[:40],
            text=text,
            url=url[:300],
            dedupe_key=key,
            subject=subject,
            urgent=is_urgent,
        )
        for pk in people
        if pk not in have
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        made = list(
            Notification.objects.filter(
                user_id__in=[r.user_id for r in rows], dedupe_key=key, school=school
            ).exclude(user_id__in=have)
        )
        outbox.queue_deliveries(made)
    return made


def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (404 for anybody else's)."""
    notification = Notification.objects.filter(pk=notification_id, user=actor.user).first()
    if notification is None:
        raise not_found(actor, f"thông báo #{notification_id}")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor in the current school read."""
    qs = Notification.objects.filter(user=actor.user, read_at__isnull=True)
    if actor.school is not None:
        qs = qs.filter(school=actor.school)
    return qs.update(read_at=clock.now())


@dataclass
class Nudges:
    """Reminders sent by hand to a list (late people, late sheets): who got one now, who had
    today's already (the same ``dedupe_key``), who has no active account."""

    sent: list = field(default_factory=list)
    already: list = field(default_factory=list)
    no_account: list = field(default_factory=list)

    def summary(self, *, sent: str, already: str, no_account: str) -> str:
        """ "Đã nhắc 3 người. 1 người đã được nhắc hôm nay, không nhắc lại." — the words name
        what was counted (``sent="sổ điểm"``, ``already="sổ"``, ``no_account="giáo viên"``)."""
        text = f"Đã nhắc {len(self.sent)} {sent}."
        if self.already:
            text += f" {len(self.already)} {already} đã được nhắc hôm nay, không nhắc lại."
        if self.no_account:
            text += f" {len(self.no_account)} {no_account} chưa có tài khoản."
        return text


def nudge_each(
    items: Iterable, *, school, user_of: Callable, notice: Callable[[object], dict]
) -> Nudges:
    """``notify`` the person of each item (``user_of(item)``) with ``notice(item)`` (kind,
    text, url, dedupe_key, email_subject), sorting the items into a ``Nudges``."""
    out = Nudges()
    for item in items:
        user = user_of(item)
        if user is None or not user.is_active:
            out.no_account.append(item)
            continue
        made = notify(user=user, school=school, **notice(item))
        (out.sent if made is not None else out.already).append(item)
    return out


# --- the person's channels (cài đặt nhận thông báo) and the outbox's administration -----------


def preferences_update(
    *,
    actor: Actor,
    email: bool,
    push: bool,
    sms: bool,
    zalo: bool,
    email_address: str = "",
    phone: str = "",
    quiet_start=None,
    quiet_end=None,
    weekly_digest: bool = False,
) -> ContactPreferences:
    """Save the actor's own channel preferences (audited: the account's contact data changed).
    Queued deliveries follow at once: the worker asks the preferences again when sending."""
    from hoso.audit.actions import audit_record

    phone = nfc(phone).strip()
    if phone and not phone_international(phone):
        raise NotificationError(
            NotificationErrorCode.BAD_PHONE,
            "Số điện thoại không hợp lệ: nhập số di động Việt Nam, ví dụ 0912 345 678.",
        )
    if (quiet_start is None) != (quiet_end is None):
        raise NotificationError(
            NotificationErrorCode.QUIET_HOURS,
            "Giờ yên lặng cần cả giờ bắt đầu và giờ kết thúc (hoặc để trống cả hai).",
        )
    with transaction.atomic():
        prefs, _ = ContactPreferences.objects.select_for_update().get_or_create(user=actor.user)
        fields = ("email", "push", "sms", "zalo", "email_address", "phone", "weekly_digest")
        before = {f: getattr(prefs, f) for f in fields}
        before.update(
            quiet_start=str(prefs.quiet_start or ""), quiet_end=str(prefs.quiet_end or "")
        )
        prefs.email, prefs.push, prefs.sms, prefs.zalo = email, push, sms, zalo
        prefs.email_address = email_address.strip()
        prefs.phone = phone
        prefs.quiet_start, prefs.quiet_end = quiet_start, quiet_end
        prefs.weekly_digest = weekly_digest
        prefs.full_clean()
        prefs.save()
        after = {f: getattr(prefs, f) for f in fields}
        after.update(quiet_start=str(quiet_start or ""), quiet_end=str(quiet_end or ""))
        audit_record(
            event_type="notifications.preferences_changed",
            actor=actor.user,
            school_id=actor.school.pk if actor.school else None,
            target=actor.user,
            before=before,
            after=after,
        )
    return prefs


def push_subscribe(
    *, actor: Actor, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register this device for Web Push (or move it to the actor: one device, one owner)."""
    from hoso.audit.actions import audit_record

    if not endpoint.startswith("https://") or not p256dh or not auth:
        raise NotificationError(
            NotificationErrorCode.BAD_SUBSCRIPTION, "Thiết bị gửi đăng ký không hợp lệ."
        )
    with transaction.atomic():
        sub, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint[:1000],
            defaults={
                "user": actor.user,
                "p256dh": p256dh[:200],
                "auth": auth[:100],
                "user_agent": user_agent[:300],
            },
        )
        audit_record(
            event_type="notifications.push_subscribed",
            actor=actor.user,
            school_id=actor.school.pk if actor.school else None,
            target=actor.user,
            after={"device": sub.user_agent[:120], "new": created},
        )
    return sub


def push_unsubscribe(*, actor: Actor, endpoint: str) -> int:
    from hoso.audit.actions import audit_record

    with transaction.atomic():
        count, _ = PushSubscription.objects.filter(user=actor.user, endpoint=endpoint).delete()
        if count:
            audit_record(
                event_type="notifications.push_unsubscribed",
                actor=actor.user,
                school_id=actor.school.pk if actor.school else None,
                target=actor.user,
            )
    return count


def delivery_retry(*, actor: Actor, delivery_id: int) -> Delivery:
    """The administrator sends a failed delivery again (audited): queued now, attempts reset.
    Consent and preferences are asked again by the worker."""
    from hoso.audit.actions import audit_record
    from hoso.notifications.policies import access_delivery

    with transaction.atomic():
        delivery = access_delivery(actor, delivery_id, for_update=True)
        if delivery.state != Delivery.State.FAILED:
            raise NotificationError(
                NotificationErrorCode.NOT_FAILED, "Chỉ gửi lại được tin đã gửi lỗi."
            )
        before = {"state": delivery.state, "attempts": delivery.attempts, "error": delivery.error}
        delivery.state = Delivery.State.QUEUED
        delivery.attempts = 0
        delivery.next_attempt_at = clock.now()
        delivery.reason = "retried"
        delivery.save(
            update_fields=["state", "attempts", "next_attempt_at", "reason", "updated_at"]
        )
        audit_record(
            event_type="notifications.delivery_retried",
            actor=actor.user,
            school_id=delivery.school_id,
            target=delivery,
            before=before,
            after={"state": delivery.state},
        )
        transaction.on_commit(lambda: outbox.kick())
    return delivery


def school_notification_settings_update(
    *, actor: Actor, quiet_start, quiet_end, digest_weekday: int, digest_hour: int
) -> SchoolNotificationSettings:
    """The school's sending hours and weekly digest day (principal, vice principal,
    administrator: ``Perm.MANAGE_ORGANISATION``), audited."""
    from hoso.accounts.policies import Perm, require
    from hoso.audit.actions import audit_record

    require(actor, Perm.MANAGE_ORGANISATION, what="cài đặt gửi tin của trường")
    if not 0 <= digest_hour <= 23 or digest_weekday not in range(7):
        raise NotificationError(
            NotificationErrorCode.QUIET_HOURS, "Ngày hoặc giờ gửi bản tin tuần không hợp lệ."
        )
    with transaction.atomic():
        row, _ = SchoolNotificationSettings.objects.select_for_update().get_or_create(
            school=actor.school
        )
        fields = ("quiet_start", "quiet_end", "digest_weekday", "digest_hour")
        before = {f: str(getattr(row, f)) for f in fields}
        row.quiet_start, row.quiet_end = quiet_start, quiet_end
        row.digest_weekday, row.digest_hour = digest_weekday, digest_hour
        row.save()
        audit_record(
            event_type="notifications.school_settings_changed",
            actor=actor.user,
            school_id=actor.school.pk,
            target=row,
            before=before,
            after={f: str(getattr(row, f)) for f in fields},
        )
    return row
