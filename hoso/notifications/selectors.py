"""Reading a person's notifications: always their own, in the school they are working in."""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.accounts.actor import Actor
from hoso.notifications.models import Notification


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
