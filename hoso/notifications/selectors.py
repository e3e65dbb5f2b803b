"""Reading a person's notifications: always their own, in the school they are working in."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from hoso.accounts.actor import Actor
from hoso.notifications.models import ContactPreferences, Delivery, Notification


def notifications_for(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=actor.user)
    if actor.school is not None:
        qs = qs.filter(school=actor.school)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(actor: Actor) -> int:
    if not getattr(actor.user, "is_authenticated", False):
        return 0
    return notifications_for(actor, unread_only=True).count()


def preferences_of(user) -> ContactPreferences:
    """The person's saved preferences, or the defaults (unsaved) when none."""
    from hoso.students.models import Guardian

    found = ContactPreferences.objects.filter(user=user).first()
    if found is not None:
        return found
    guardian = Guardian.objects.filter(user=user).exists()
    return ContactPreferences(user=user, sms=guardian, zalo=guardian)


def deliveries_for(actor: Actor, *, channel: str = "", state: str = "") -> QuerySet[Delivery]:
    """The school's deliveries, newest first (the administrator's log), filtered."""
    qs = Delivery.objects.filter(school=actor.school).select_related("user", "notification")
    if channel:
        qs = qs.filter(channel=channel)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


def delivery_counts(actor: Actor) -> dict[tuple[str, str], int]:
    return {
        (row["channel"], row["state"]): row["n"]
        for row in Delivery.objects.filter(school=actor.school)
        .values("channel", "state")
        .annotate(n=Count("pk"))
    }
