from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from hoso.audit.models import AuditAnchor, AuditEvent


def events_for_school(
    *,
    school_id: int,
    actor_id: int | None = None,
    target_type: str = "",
    target_id: str = "",
    event_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """A school's audit events, newest first, filtered by person, object, type and dates."""
    qs = AuditEvent.objects.filter(school_id=school_id).select_related("actor")
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=str(target_id))
    if event_type:
        qs = qs.filter(event_type__startswith=event_type)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return qs.order_by("-at", "-seq")


def anchors_for_school(*, school_id: int) -> QuerySet[AuditAnchor]:
    """The school's anchors, newest first."""
    return AuditAnchor.objects.filter(chain__school_id=school_id).order_by("-at", "-pk")
