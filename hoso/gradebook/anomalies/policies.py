"""Who reads the report of anomalous scores (điểm bất thường)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import Role


def can_view_anomalies(actor: Actor) -> bool:
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def require_anomalies(actor: Actor) -> None:
    if not can_view_anomalies(actor):
        log_denied(actor, kind="forbidden", what="điểm bất thường")
        raise PermissionDenied("Chỉ hiệu trưởng và phó hiệu trưởng xem điểm bất thường.")
