"""Reads for the slips page: the guardians an actor may print slips for, with their children,
their account and their latest slip (a bounded number of queries whatever the class size)."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from hoso.accounts.actor import Actor
from hoso.accounts.invitations.policies import invitable_guardians
from hoso.accounts.models import ParentInvitation
from hoso.core.text import fold


def guardians_for_slips(actor: Actor, *, class_id: int | None = None, q: str = "") -> QuerySet:
    from hoso.students.models import Enrolment, StudentGuardian

    qs = invitable_guardians(actor)
    if class_id:
        students = (
            Enrolment.objects.studying().filter(school_class_id=class_id).values("student_id")
        )
        qs = qs.filter(student_links__student_id__in=students).distinct()
    for word in fold(q).split(" ") if q else []:
        if word.isdigit():
            qs = qs.filter(phone__contains=word)
        elif word:
            qs = qs.filter(search_name__contains=word)
    latest = ParentInvitation.objects.filter(guardian=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        qs.select_related("user")
        .prefetch_related(
            Prefetch(
                "student_links",
                queryset=StudentGuardian.objects.select_related("student").order_by(
                    "student__sort_name"
                ),
            )
        )
        .annotate(
            slip_expires_at=Subquery(latest.values("expires_at")[:1]),
            slip_redeemed_at=Subquery(latest.values("redeemed_at")[:1]),
            slip_revoked_at=Subquery(latest.values("revoked_at")[:1]),
            slip_kind=Subquery(latest.values("kind")[:1]),
        )
        .order_by("search_name", "pk")
    )


def slips_of(*, actor: Actor, items: list[dict]) -> list[dict]:
    """The slips just printed by ``actor`` (the codes kept in their session), with what a slip
    shows: the school, the guardian, the children (one query for the rest)."""
    from hoso.students.models import StudentGuardian

    by_id = {
        inv.pk: inv
        for inv in ParentInvitation.objects.filter(
            pk__in=[i["id"] for i in items], created_by=actor.user, school=actor.school
        ).select_related("guardian", "school")
    }
    children: dict[int, list[str]] = {}
    for link in (
        StudentGuardian.objects.filter(guardian_id__in=[inv.guardian_id for inv in by_id.values()])
        .select_related("student")
        .order_by("student__sort_name")
    ):
        children.setdefault(link.guardian_id, []).append(link.student.full_name)
    out = []
    for item in items:
        inv = by_id.get(item["id"])
        if inv is not None:
            out.append(
                {
                    "invitation": inv,
                    "code": item["code"],
                    "children": children.get(inv.guardian_id, []),
                }
            )
    return out
