"""Who sees grade-entry progress, edits the deadline rules, records and signs the monthly check
(tiến độ nhập điểm, hạn nhập điểm, kiểm tra sổ điểm hằng tháng)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role
from hoso.gradebook.progress.models import MonthlyCheck

#: the section of a monthly check that covers the whole school
SCHOOL_SECTION = "school"


def progress_scope(actor: Actor) -> Q | None:
    """A filter on TeachingAssignment for the sheets the actor oversees, or None (not allowed).

    Principal and vice principal: the school; a department head: its department's teachers;
    a homeroom teacher: every subject of its class. Several roles add up."""
    if actor.school is None or actor.year is None:
        return None
    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return Q()
    scope = None
    if actor.has(Role.DEPARTMENT_HEAD) and actor.department_ids:
        scope = Q(teacher__department_id__in=actor.department_ids)
    if actor.homeroom_class_ids:
        homeroom = Q(school_class_id__in=actor.homeroom_class_ids)
        scope = homeroom if scope is None else scope | homeroom
    return scope


def can_view_progress(actor: Actor) -> bool:
    return progress_scope(actor) is not None


def require_progress(actor: Actor) -> Q:
    scope = progress_scope(actor)
    if scope is None:
        log_denied(actor, kind="forbidden", what="tiến độ nhập điểm")
        raise PermissionDenied("Chỉ lãnh đạo, tổ trưởng và giáo viên chủ nhiệm xem tiến độ.")
    return scope


def can_remind_teachers(actor: Actor) -> bool:
    """Nhắc giáo viên nhập điểm from the progress board: the principal and vice principals."""
    return (
        actor.school is not None
        and actor.year is not None
        and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)
        and actor.can_write("gradebook")
    )


def can_edit_deadline_rules(actor: Actor) -> bool:
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def section_key(department_id: int) -> str:
    return f"department:{department_id}"


def check_scope(actor: Actor) -> list[tuple]:
    """The sections of a monthly check this actor records: (key, board filter, label)."""
    from hoso.gradebook.progress.selectors import Filters

    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return [(SCHOOL_SECTION, Filters(), "Toàn trường")]
    if actor.has(Role.DEPARTMENT_HEAD) and actor.department_ids:
        from hoso.organisation.models import Department

        return [
            (section_key(d.pk), Filters(department=d.pk), d.name)
            for d in Department.objects.filter(pk__in=actor.department_ids).order_by("name")
        ]
    return []


def can_record_check(actor: Actor) -> bool:
    return actor.can_write("gradebook") and bool(check_scope(actor))


def can_sign_off_check(actor: Actor) -> bool:
    return actor.can_write("gradebook") and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def require_checks(actor) -> list:
    sections = check_scope(actor)
    if not sections:
        log_denied(actor, kind="forbidden", what="biên bản kiểm tra sổ điểm hằng tháng")
        raise PermissionDenied(
            "Chỉ lãnh đạo nhà trường và tổ trưởng chuyên môn xem biên bản kiểm tra sổ điểm."
        )
    return sections


def access_monthly_check(actor, check_id: int) -> MonthlyCheck:
    check = (
        MonthlyCheck.objects.filter(pk=check_id, school=actor.school)
        .select_related("checked_by", "signed_off_by", "year")
        .first()
    )
    if check is None:
        raise not_found(actor, f"biên bản kiểm tra sổ điểm #{check_id}")
    return check
