"""Reads of the records package (no writes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.core import clock
from hoso.records import timeliness as timeliness_rule
from hoso.records.models import (
    Folder,
    Obligation,
    ObligationState,
    OwnerKind,
    RecordType,
    Submission,
    Timeliness,
)
from hoso.records.policies import (
    SCHOOL_SUBMITTERS,
    TEAM_HEADS,
    inbox_filter,
    sees_all,
    visible_obligations,
)


def obligations_with_timeliness(qs: QuerySet[Obligation], now: datetime) -> QuerySet[Obligation]:
    """Annotate ``timeliness`` (Timeliness value; the rule is ``records/timeliness.py``).

    Usable for counting: ``qs.aggregate(late=Count("pk", filter=Q(timeliness="late")))``."""
    return qs.annotate(timeliness=timeliness_rule.annotation(now))


def timeliness_counts(qs: QuerySet[Obligation], now: datetime) -> dict[str, int]:
    qs = obligations_with_timeliness(qs, now)
    return qs.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(timeliness=Timeliness.ON_TIME)),
        late=Count("pk", filter=Q(timeliness=Timeliness.LATE)),
        missing=Count("pk", filter=Q(timeliness=Timeliness.MISSING)),
        not_due=Count("pk", filter=Q(timeliness=Timeliness.NOT_DUE)),
        returned=Count("pk", filter=Q(state=ObligationState.RETURNED)),
        approved=Count("pk", filter=Q(state=ObligationState.APPROVED)),
    )


def _base(actor: Actor) -> QuerySet[Obligation]:
    return Obligation.objects.filter(
        school=actor.school, year=actor.year, is_active=True
    ).select_related("record_type", "owner_staff", "owner_department")


def my_obligations(actor: Actor, *, state: str = "", when: str = "") -> QuerySet[Obligation]:
    """What ``actor`` has to submit this year: its own, its team's (as head or delegated
    deputy), the school's (principal, vice principals, clerk). ``when="open"``: not approved and
    due within 14 days or overdue."""
    if actor.school is None or actor.year is None or actor.staff is None:
        return Obligation.objects.none()
    scope = Q(owner_staff=actor.staff)
    if actor.department_ids and actor.has(*TEAM_HEADS):
        scope |= Q(owner_department_id__in=actor.department_ids)
    if actor.has(*SCHOOL_SUBMITTERS):
        scope |= Q(owner_kind=OwnerKind.SCHOOL)
    qs = _base(actor).filter(scope)
    if state:
        qs = qs.filter(state=state)
    now = clock.now()
    if when == "open":
        qs = qs.exclude(state=ObligationState.APPROVED).filter(due_at__lte=now + timedelta(days=14))
    return obligations_with_timeliness(qs, now).order_by("due_at", "record_type__order", "pk")


def inbox(actor: Actor) -> QuerySet[Obligation]:
    """SUBMITTED obligations whose current step awaits ``actor``, minus its own."""
    cond = inbox_filter(actor)
    if cond is None or actor.school is None or actor.year is None:
        return Obligation.objects.none()
    qs = _base(actor).filter(cond, state=ObligationState.SUBMITTED)
    if actor.staff is not None:
        qs = qs.exclude(owner_staff=actor.staff)
    qs = qs.exclude(
        pk__in=Submission.objects.filter(uploaded_by=actor.user).values("obligation_id")
    )
    return obligations_with_timeliness(qs, clock.now()).order_by("submitted_at", "pk")


def latest_versions(obligations) -> dict[int, Submission]:
    """{obligation id: its latest Submission}, one query."""
    ids = [o.pk for o in obligations]
    out: dict[int, Submission] = {}
    for sub in Submission.objects.filter(obligation_id__in=ids).order_by(
        "obligation_id", "version"
    ):
        out[sub.obligation_id] = sub
    return out


def history(ob: Obligation):
    return ob.decisions.select_related("actor", "submission").order_by("at", "pk")


def versions(ob: Obligation):
    return ob.submissions.select_related("uploaded_by").order_by("-version")


def _folder_order(folder: Folder):
    """The school first, then teams, then people in Vietnamese name order; periods by key."""
    if folder.period_key:
        return (3, folder.period_key, "")
    if folder.record_type_id:
        return (3, f"{folder.record_type.order:04d}", folder.name)
    if folder.owner_staff_id:
        return (2, folder.owner_staff.sort_name, "")
    if folder.owner_department_id:
        return (1, folder.name, "")
    return (0, folder.name, "")


def folder_children(actor: Actor, folder: Folder | None, year) -> list[Folder]:
    """Sub-folders of ``folder`` (None = the year's root) holding something ``actor`` may see."""
    qs = Folder.objects.filter(year=year, parent=folder).select_related(
        "owner_staff", "record_type"
    )
    if folder is None or sees_all(actor):
        return sorted(qs, key=_folder_order)
    visible = visible_obligations(actor, Obligation.objects.filter(year=year))
    if folder.parent_id is None:  # the root lists owner folders
        field = "folder__parent__parent_id"
    elif folder.record_type_id is None:  # an owner folder lists type folders
        field = "folder__parent_id"
    else:  # a type folder lists period folders
        field = "folder_id"
    keys = set(visible.values_list(field, flat=True).distinct())
    return sorted((f for f in qs if f.pk in keys), key=_folder_order)


def folder_visible(actor: Actor, folder: Folder) -> bool:
    if folder.school_id != actor.school_id:
        return False
    if folder.parent_id is None or sees_all(actor):
        return True
    visible = visible_obligations(actor, Obligation.objects.filter(year_id=folder.year_id))
    return visible.filter(
        Q(folder=folder) | Q(folder__parent=folder) | Q(folder__parent__parent=folder)
    ).exists()


def folder_obligations(actor: Actor, folder: Folder) -> QuerySet[Obligation]:
    qs = Obligation.objects.filter(folder=folder).select_related(
        "record_type", "owner_staff", "owner_department"
    )
    return obligations_with_timeliness(visible_obligations(actor, qs), clock.now())


def folder_obligations_under(actor: Actor, type_folder: Folder) -> QuerySet[Obligation]:
    """The obligations in the period folders of a type folder (one table per owner and type)."""
    qs = Obligation.objects.filter(folder__parent=type_folder).select_related(
        "record_type", "owner_staff", "owner_department", "folder"
    )
    return obligations_with_timeliness(visible_obligations(actor, qs), clock.now())


def catalogue(school) -> QuerySet[RecordType]:
    return RecordType.objects.filter(school=school).order_by("order", "name")
