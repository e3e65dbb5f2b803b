"""Who may see and act on transfers. Out of scope → 404 (like absent), out of role → 403."""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, log_denied, not_found
from hoso.accounts.roles import Role
from hoso.core.errors import PermissionDeniedError
from hoso.transfers.errors import MESSAGES, TransferError
from hoso.transfers.models import Transfer

VIEWERS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK, Role.INSPECTOR})


def can_view(actor: Actor) -> bool:
    return actor.school is not None and bool(actor.roles & VIEWERS)


def can_manage(actor: Actor) -> bool:
    """Record transfers, tick documents, upload, hand over: clerk and vice principal."""
    return can(actor, Perm.MANAGE_ENROLMENT)


def can_decide(actor: Actor) -> bool:
    """The receiving principal's decision and the placement (a delegate acts for the principal)."""
    return (
        actor.school is not None and Role.PRINCIPAL in actor.roles and actor.can_write("students")
    )


def visible_transfers(actor: Actor) -> QuerySet[Transfer]:
    if not can_view(actor):
        return Transfer.objects.none()
    return Transfer.objects.filter(school=actor.school)


def access_transfer(actor: Actor, transfer_id: int) -> Transfer:
    found = (
        visible_transfers(actor)
        .filter(pk=transfer_id)
        .select_related("student", "placed_class", "transcript", "year", "created_by")
        .first()
    )
    if found is None:
        raise not_found(actor, f"hồ sơ chuyển trường #{transfer_id}")
    return found


def denied(actor: Actor, what: str) -> PermissionDeniedError:
    log_denied(actor, kind="forbidden", what=what)
    return PermissionDeniedError(TransferError.NOT_ALLOWED, MESSAGES[TransferError.NOT_ALLOWED])


def require_manage(actor: Actor, what: str) -> None:
    if not can_manage(actor):
        raise denied(actor, what)


def require_decide(actor: Actor, what: str) -> None:
    if not can_decide(actor):
        raise denied(actor, what)
