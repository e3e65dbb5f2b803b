"""Reads of the staff register, always scoped by the actor's school and sight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.core import clock
from hoso.core.text import fold
from hoso.organisation.models import (
    HomeroomAssignment,
    Position,
    Staff,
    StaffChange,
    StaffPosition,
    StaffRegisterEdition,
    TeachingAssignment,
)
from hoso.organisation.staff.policies import visible_staff


class Status:
    ACTIVE = "dang-cong-tac"
    ENDED = "thoi-cong-tac"
    ALL = "tat-ca"
    CHOICES = ((ACTIVE, "Đang công tác"), (ENDED, "Đã thôi công tác"), (ALL, "Tất cả"))


@dataclass(frozen=True)
class StaffFilter:
    q: str = ""
    status: str = Status.ACTIVE
    department_id: int | None = None
    position: str = ""


def staff_search(actor: Actor, f: StaffFilter) -> QuerySet[Staff]:
    """The people the actor sees, filtered, in Vietnamese order (given name, middle, family).
    Three queries whatever the number of rows (people, their departments, further positions)."""
    qs = visible_staff(actor).select_related("department", "user")
    if f.status == Status.ACTIVE:
        qs = qs.filter(is_active=True)
    elif f.status == Status.ENDED:
        qs = qs.filter(is_active=False)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.position in Position.values:
        extra = StaffPosition.objects.filter(position=f.position).values("staff_id")
        qs = qs.filter(Q(position=f.position) | Q(pk__in=extra))
    for word in fold(f.q).split(" ") if f.q else []:
        qs = qs.filter(Q(search_name__contains=word) | Q(code__iexact=word))
    return qs.prefetch_related("extra_positions").order_by("sort_name", "code")


def person_changes(staff: Staff) -> QuerySet[StaffChange]:
    return staff.changes.select_related("staff").order_by("-pk")


def last_change_id(school) -> int:
    return StaffChange.objects.filter(school=school).aggregate(m=Max("pk"))["m"] or 0


def editions(school) -> QuerySet[StaffRegisterEdition]:
    return StaffRegisterEdition.objects.filter(school=school).select_related("year").defer("data")


def latest_edition(school) -> StaffRegisterEdition | None:
    return editions(school).order_by("-number").first()


def changes_since(school, change_id: int) -> QuerySet[StaffChange]:
    return (
        StaffChange.objects.filter(school=school, pk__gt=change_id)
        .select_related("staff")
        .order_by("pk")
    )


@dataclass
class OpenAssignments:
    """What a person leaving still holds from ``since``: the leaders give it to someone else."""

    teaching: list[TeachingAssignment]
    homerooms: list[HomeroomAssignment]

    def __bool__(self) -> bool:
        return bool(self.teaching or self.homerooms)

    def lines(self) -> list[str]:
        out = [
            f"Chủ nhiệm lớp {h.school_class.name} ({h.school_class.year.name})"
            for h in self.homerooms
        ]
        out += [
            f"Dạy {t.subject.name} lớp {t.school_class.name}, {t.term} ({t.school_class.year.name})"
            for t in self.teaching
        ]
        return out


def open_assignments(staff: Staff, since: date | None = None) -> OpenAssignments:
    """Teaching in terms not ended by ``since`` and homerooms of years not ended by then, in
    years still open. Nothing is removed: a change of owner is the assignments' own procedure."""
    since = since or clock.today()
    teaching = list(
        TeachingAssignment.objects.filter(
            teacher=staff, term__end_date__gte=since, school_class__year__is_closed=False
        )
        .select_related("subject", "term", "school_class__year")
        .order_by("term__start_date", "school_class__name", "subject__order")
    )
    homerooms = list(
        HomeroomAssignment.objects.filter(
            teacher=staff,
            school_class__year__end_date__gte=since,
            school_class__year__is_closed=False,
        ).select_related("school_class__year")
    )
    return OpenAssignments(teaching=teaching, homerooms=homerooms)


def leaders_of(school) -> QuerySet[Staff]:
    """The principal and vice principals with an account (they are told what needs doing)."""
    from hoso.organisation.staff.positions import LEADER_POSITIONS

    extra = StaffPosition.objects.filter(position__in=LEADER_POSITIONS).values("staff_id")
    return (
        Staff.objects.filter(school=school, is_active=True, user__isnull=False)
        .filter(Q(position__in=LEADER_POSITIONS) | Q(pk__in=extra))
        .select_related("user")
    )
