"""Who may see the outbox's delivery log and retry a delivery: the school's administrators
(``Perm.MANAGE_ACCOUNTS``: administrator, vice principal), in their school only."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, not_found, require
from hoso.notifications.models import Delivery


def can_see_deliveries(actor: Actor) -> bool:
    return actor.school is not None and can(actor, Perm.MANAGE_ACCOUNTS)


def require_deliveries(actor: Actor) -> None:
    require(actor, Perm.MANAGE_ACCOUNTS, what="nhật ký gửi tin")
    if actor.school is None:
        raise not_found(actor, "nhật ký gửi tin")


def access_delivery(actor: Actor, delivery_id: int, *, for_update: bool = False) -> Delivery:
    """The delivery of the actor's school (404 for an absent one and another school's alike)."""
    require_deliveries(actor)
    qs = Delivery.objects.filter(pk=delivery_id, school=actor.school)
    if for_update:
        qs = qs.select_for_update()
    delivery = qs.first()
    if delivery is None:
        raise not_found(actor, f"tin gửi #{delivery_id}")
    return delivery
