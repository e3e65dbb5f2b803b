"""Who sees the school's attendance report: leaders and the clerk."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import Role

REPORT_READERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK)


def can_view_school_report(actor: Actor) -> bool:
    return actor.school is not None and actor.year is not None and actor.has(*REPORT_READERS)


def require_school_report(actor: Actor) -> None:
    if not can_view_school_report(actor):
        log_denied(actor, kind="forbidden", what="báo cáo chuyên cần toàn trường")
        raise PermissionDenied("Chỉ lãnh đạo nhà trường và văn thư xem báo cáo chuyên cần.")
