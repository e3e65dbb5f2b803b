"""The weekly digest (bản tin tuần): for people who chose it, one message a week on their
channels summing up the week's notifications instead of one message each. The day and hour are
the school's setting (``SchoolNotificationSettings``, default Friday 17:00). Run hourly
(``manage.py send_digests``); one digest per person, school and ISO week (its dedupe key)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse

from hoso.core import clock
from hoso.notifications.models import ContactPreferences, Notification, SchoolNotificationSettings
from hoso.notifications.outbox import DIGEST_KIND, queue_deliveries


def digest_due(now: datetime, settings_row: SchoolNotificationSettings) -> bool:
    local = now.astimezone(clock.VN_TZ)
    return local.weekday() == settings_row.digest_weekday and local.hour >= settings_row.digest_hour


def send_digests(*, now: datetime | None = None, school_ids: list[int] | None = None) -> int:
    """Create the digests due at ``now`` (in-app, already read: the items are in the inbox) and
    queue their deliveries. Returns how many were created."""
    from hoso.organisation.models import School

    now = now or clock.now()
    local = now.astimezone(clock.VN_TZ)
    year, week, _ = local.isocalendar()
    since = now - timedelta(days=7)
    readers = set(
        ContactPreferences.objects.filter(weekly_digest=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if not readers:
        return 0
    schools = School.objects.all()
    if school_ids:
        schools = schools.filter(pk__in=school_ids)
    own = {s.school_id: s for s in SchoolNotificationSettings.objects.all()}
    made = 0
    for school in schools:
        row = own.get(school.pk) or SchoolNotificationSettings(school=school)
        if not digest_due(now, row):
            continue
        counts: dict[int, int] = {}
        for user_id in (
            Notification.objects.filter(
                school=school, user_id__in=readers, created_at__gte=since, urgent=False
            )
            .exclude(kind=DIGEST_KIND)
            .values_list("user_id", flat=True)
        ):
            counts[user_id] = counts.get(user_id, 0) + 1
        key = f"digest:{school.pk}:{year}-W{week:02d}"
        have = set(
            Notification.objects.filter(dedupe_key=key, user_id__in=list(counts)).values_list(
                "user_id", flat=True
            )
        )
        rows = [
            Notification(
                user_id=user_id,
                school=school,
                kind=DIGEST_KIND,
                text=f"Bản tin tuần {week}/{year}: {count} thông báo mới từ {school.name}.",
                url=reverse("notifications:list"),
                dedupe_key=key,
                subject=f"Bản tin tuần {week}/{year}",
                read_at=now,
            )
            for user_id, count in counts.items()
            if user_id not in have
        ]
        if not rows:
            continue
        with transaction.atomic():
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            created = list(
                Notification.objects.filter(
                    dedupe_key=key, user_id__in=[r.user_id for r in rows]
                ).exclude(user_id__in=have)
            )
            queue_deliveries(created, now=now)
        made += len(created)
    return made
