"""Who may see, submit, approve and configure records.

- See an obligation (and its files): its owner (the person, or the head/members of the owning
  team), the approvers of its chain (the department head of the owner's department, the vice
  principals, the principal), leaders, the administrator, and inspectors with a grant (read-only).
  School-owned records are visible to every staff member of the school.
- Submit: the owner person; for a team, its head (or the deputy by delegation); for the school,
  the principal, vice principals and the clerk.
- Approve: the holder of the role awaited by the current step, in scope (department_head → the
  head of the owner's department or its delegated deputy), never on their own submission.
- Configure the catalogue: principal and vice principals.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.records.errors import RecordsError
from hoso.records.models import (
    PERSONAL_OWNER_KINDS,
    TEAM_OWNER_KINDS,
    Obligation,
    ObligationState,
    OwnerKind,
    Submission,
)

SEE_ALL = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR, Role.INSPECTOR)
SCHOOL_SUBMITTERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK)
TEAM_HEADS = (Role.DEPARTMENT_HEAD, Role.OFFICE_HEAD)


def sees_all(actor: Actor) -> bool:
    return actor.has(*SEE_ALL)


def visible_obligations(actor: Actor, qs: QuerySet[Obligation]) -> QuerySet[Obligation]:
    """``qs`` narrowed to the obligations ``actor`` may see (in its school)."""
    if actor.school is None:
        return qs.none()
    qs = qs.filter(school=actor.school)
    if sees_all(actor):
        return qs
    if actor.staff is None:
        return qs.none()
    scope = Q(owner_staff=actor.staff) | Q(owner_kind=OwnerKind.SCHOOL)
    if actor.staff.department_id:
        scope |= Q(owner_department_id=actor.staff.department_id)
    if actor.department_ids:
        scope |= Q(owner_department_id__in=actor.department_ids)
        scope |= Q(owner_staff__department_id__in=actor.department_ids)
    return qs.filter(scope)


def can_view(actor: Actor, ob: Obligation) -> bool:
    if actor.school is None or ob.school_id != actor.school_id:
        return False
    if sees_all(actor):
        return True
    staff = actor.staff
    if staff is None:
        return False
    if ob.owner_kind == OwnerKind.SCHOOL:
        return True
    if ob.owner_staff_id is not None:
        if ob.owner_staff_id == staff.pk:
            return True
        return ob.owner_staff.department_id in actor.department_ids
    if ob.owner_department_id is not None:
        return (
            ob.owner_department_id == staff.department_id
            or ob.owner_department_id in actor.department_ids
        )
    return False


def access_obligation(actor: Actor, obligation_id: int) -> Obligation:
    """The obligation, or 404 (absent and out of scope look the same, and are logged)."""
    ob = (
        Obligation.objects.select_related(
            "record_type", "owner_staff", "owner_department", "folder", "year"
        )
        .filter(pk=obligation_id)
        .first()
    )
    if ob is None or not can_view(actor, ob):
        raise not_found(actor, f"records.obligation {obligation_id}")
    return ob


def access_submission(actor: Actor, submission_id: int) -> Submission:
    sub = Submission.objects.select_related("obligation").filter(pk=submission_id).first()
    if sub is None:
        raise not_found(actor, f"records.submission {submission_id}")
    access_obligation(actor, sub.obligation_id)
    return sub


def is_owner(actor: Actor, ob: Obligation) -> bool:
    """May ``actor`` upload and submit for ``ob``?"""
    if actor.staff is None or actor.school_id != ob.school_id:
        return False
    if ob.owner_kind in PERSONAL_OWNER_KINDS:
        return ob.owner_staff_id == actor.staff.pk
    if ob.owner_kind in TEAM_OWNER_KINDS:
        return ob.owner_department_id in actor.department_ids and actor.has(*TEAM_HEADS)
    if ob.owner_kind == OwnerKind.SCHOOL:
        return actor.has(*SCHOOL_SUBMITTERS)
    return False


def holds_step(actor: Actor, ob: Obligation, role_code: str) -> str | None:
    """The Role through which ``actor`` may decide step ``role_code`` of ``ob``, or None."""
    if role_code in ("department_head", "office_head"):
        dept_id = ob.owner_staff.department_id if ob.owner_staff_id else ob.owner_department_id
        if dept_id is None or dept_id not in actor.department_ids:
            return None
        for role in TEAM_HEADS:
            if actor.has(role):
                return role
        return None
    try:
        role = Role(role_code)
    except ValueError:
        return None
    return role if actor.has(role) else None


def check_submit(actor: Actor, ob: Obligation) -> None:
    if not actor.can_write("records") or not ob.year.writable_for("records"):
        raise DomainError(RecordsError.YEAR_CLOSED, "Năm học đã khóa: không thể nộp hồ sơ.")
    if not is_owner(actor, ob):
        raise PermissionDeniedError(
            RecordsError.NOT_OWNER, "Chỉ người phụ trách hồ sơ này mới được tải lên và nộp."
        )
    if not ob.is_active:
        raise DomainError(RecordsError.INACTIVE, "Hồ sơ này không còn phải nộp.")


def check_decide(actor: Actor, ob: Obligation, latest: Submission | None) -> Role:
    """The role used to decide the current step, or an error (403 / own submission)."""
    if not actor.can_write("records") or not ob.year.writable_for("records"):
        raise DomainError(RecordsError.YEAR_CLOSED, "Năm học đã khóa: không thể duyệt.")
    if actor.has(Role.INSPECTOR) and not actor.has(*SEE_ALL[:3], *TEAM_HEADS):
        raise PermissionDeniedError(RecordsError.NOT_APPROVER, "Thanh tra chỉ được xem.")
    own = (ob.owner_staff_id is not None and ob.owner_staff.user_id == actor.user.pk) or (
        latest is not None and latest.uploaded_by_id == actor.user.pk
    )
    if own:
        raise PermissionDeniedError(
            RecordsError.OWN_SUBMISSION, "Không ai được tự duyệt hồ sơ của chính mình."
        )
    role = holds_step(actor, ob, ob.awaiting_role)
    if role is None:
        raise PermissionDeniedError(
            RecordsError.NOT_APPROVER, "Bạn không phải người duyệt bước hiện tại của hồ sơ này."
        )
    return role


CHECKERS = (Role.VICE_PRINCIPAL, Role.PRINCIPAL)


def check_check(actor: Actor, ob: Obligation) -> None:
    """Kiểm tra: a vice principal or the principal reviews a submitted or approved record of
    someone else, beside the approval chain (SPEC §4: lesson plans are approved by the department
    head, the vice principal checks them)."""
    if not actor.can_write("records") or not ob.year.writable_for("records"):
        raise DomainError(RecordsError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem.")
    if actor.school_id != ob.school_id or not actor.has(*CHECKERS):
        raise PermissionDeniedError(
            RecordsError.NOT_ALLOWED, "Chỉ hiệu trưởng, phó hiệu trưởng đánh dấu kiểm tra hồ sơ."
        )
    if ob.owner_staff_id is not None and ob.owner_staff.user_id == actor.user.pk:
        raise PermissionDeniedError(
            RecordsError.OWN_SUBMISSION, "Không ai tự kiểm tra hồ sơ của chính mình."
        )
    if ob.state not in (ObligationState.SUBMITTED, ObligationState.APPROVED):
        raise DomainError(
            RecordsError.NOTHING_TO_CHECK, "Chỉ kiểm tra được hồ sơ đã nộp hoặc đã duyệt."
        )


def can_check(actor: Actor, ob: Obligation) -> bool:
    try:
        check_check(actor, ob)
    except DomainError:
        return False
    return True


def can_decide(actor: Actor, ob: Obligation, latest: Submission | None) -> bool:
    try:
        check_decide(actor, ob, latest)
    except DomainError:
        return False
    return True


def inbox_filter(actor: Actor) -> Q | None:
    """SQL condition for the SUBMITTED obligations awaiting ``actor`` (None = nothing)."""
    parts = Q(pk__in=[])
    any_part = False
    if actor.department_ids and actor.has(*TEAM_HEADS):
        parts |= Q(awaiting_role__in=["department_head", "office_head"]) & (
            Q(owner_staff__department_id__in=actor.department_ids)
            | Q(owner_department_id__in=actor.department_ids)
        )
        any_part = True
    other = [
        str(r)
        for r in actor.roles
        if r not in (Role.DEPARTMENT_HEAD, Role.OFFICE_HEAD, Role.INSPECTOR, Role.PARENT)
    ]
    if other:
        parts |= Q(awaiting_role__in=other)
        any_part = True
    return parts if any_part else None


def can_edit_catalogue(actor: Actor) -> bool:
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def can_record_event(actor: Actor) -> bool:
    return (
        actor.school is not None
        and actor.can_write("records")
        and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DOI_LEADER, Role.CLERK)
    )


def can_sync(actor: Actor) -> bool:
    return actor.school is not None and actor.has(
        Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR
    )
