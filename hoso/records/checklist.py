"""Kế hoạch bài dạy chờ kiểm tra: the vice principal's (or the principal's) check list of
teachers' lesson plans (SPEC §4: "lesson plan — department head approves; vice principal
checks"; the check itself is ``actions.obligation_check``).

A plan waits for the check when its teacher has submitted it (submitted, or already approved by
the department head) and no leader has checked it since its latest submission. Reads only;
scoped to the actor's school and year; the actor's own plans are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.records.models import Obligation, ObligationState
from hoso.records.policies import CHECKERS

LESSON_PLAN = "ke-hoach-bai-day"  # catalogue.py: Kế hoạch bài dạy, weekly per teacher
LIMIT = 500


def can_see_checklist(actor: Actor) -> bool:
    return actor.school is not None and actor.year is not None and actor.has(*CHECKERS)


@dataclass(frozen=True)
class ChecklistFilters:
    department_id: int | None = None
    staff_id: int | None = None
    week: int | None = None  # the school year's week (Tuần 1, 2, … as the plans' periods)


def waiting_for_check(actor: Actor, filters: ChecklistFilters | None = None) -> QuerySet:
    """Lesson plans of the actor's school and year waiting for a leader's check, oldest week
    first, then department and teacher."""
    filters = filters or ChecklistFilters()
    if not can_see_checklist(actor):
        return Obligation.objects.none()
    qs = Obligation.objects.filter(
        school=actor.school,
        year=actor.year,
        is_active=True,
        record_type__code=LESSON_PLAN,
        owner_staff__isnull=False,
        state__in=[ObligationState.SUBMITTED, ObligationState.APPROVED],
    ).filter(Q(checked_at__isnull=True) | Q(checked_at__lt=F("submitted_at")))
    if actor.staff is not None:
        qs = qs.exclude(owner_staff=actor.staff)
    if filters.department_id:
        qs = qs.filter(owner_staff__department_id=filters.department_id)
    if filters.staff_id:
        qs = qs.filter(owner_staff_id=filters.staff_id)
    if filters.week:
        qs = qs.filter(period_key=f"{actor.year.start_date.year}-W{filters.week:02d}")
    return qs.select_related("record_type", "owner_staff__department").order_by(
        "period_start", "owner_staff__department__name", "owner_staff__sort_name", "pk"
    )


def checklist_count(actor: Actor) -> int:
    return waiting_for_check(actor).count() if can_see_checklist(actor) else 0
