"""What each role may do. Object scopes live beside their models (organisation/students policies).

``can(actor, perm)`` answers for school-wide actions; ``require(actor, perm)`` raises 403 and logs.
Objects outside a person's scope answer 404 through the ``access_*`` functions of each domain.
"""

from __future__ import annotations

import contextvars
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role


class Perm(StrEnum):
    VIEW_SCHOOL = "view_school"  # school-wide lists: all classes, all students
    VIEW_STAFF = "view_staff"
    # The personal data of the staff register: personal ID, salary, discipline (REG §7).
    VIEW_STAFF_PERSONAL = "view_staff_personal"
    EDIT_STAFF = "edit_staff"  # the staff register: create, edit, end, re-hire
    # Positions without authority over others (teacher, accountant, …); the administrative
    # and leader positions need more (hoso/organisation/staff/positions.py).
    ASSIGN_POSITIONS = "assign_positions"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_ORGANISATION = "manage_organisation"  # classes, subjects, assignments, years
    VIEW_AUDIT = "view_audit"
    EDIT_STUDENTS = "edit_students"  # school-wide (clerk); homeroom teachers: own class
    IMPORT_STUDENTS = "import_students"
    MANAGE_ENROLMENT = "manage_enrolment"  # transfers, dropouts, register numbers
    DELEGATE_DEPARTMENT = "delegate_department"
    DELEGATE_PRINCIPAL = "delegate_principal"
    GRANT_INSPECTOR = "grant_inspector"
    ROLL_OVER = "roll_over"  # chuyển dữ liệu năm học (the clerk runs it; seeds 000/004 §3.1.5)
    REOPEN_YEAR = "reopen_year"  # a closed year, for a purpose and a time: the principal


_R = Role
# Perm -> roles that hold it school-wide.
GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_SCHOOL: frozenset(
        {
            _R.PRINCIPAL,
            _R.VICE_PRINCIPAL,
            _R.ADMINISTRATOR,
            _R.CLERK,
            _R.INSPECTOR,
            _R.MEDICAL,
            _R.DOI_LEADER,
        }
    ),
    Perm.VIEW_STAFF: frozenset(
        {_R.PRINCIPAL, _R.VICE_PRINCIPAL, _R.ADMINISTRATOR, _R.CLERK, _R.OFFICE_HEAD, _R.INSPECTOR}
    ),
    Perm.VIEW_STAFF_PERSONAL: frozenset({_R.PRINCIPAL, _R.VICE_PRINCIPAL, _R.CLERK}),
    Perm.EDIT_STAFF: frozenset({_R.CLERK, _R.ADMINISTRATOR}),
    Perm.ASSIGN_POSITIONS: frozenset({_R.PRINCIPAL, _R.VICE_PRINCIPAL, _R.ADMINISTRATOR, _R.CLERK}),
    Perm.MANAGE_ACCOUNTS: frozenset({_R.ADMINISTRATOR, _R.VICE_PRINCIPAL}),
    Perm.MANAGE_ORGANISATION: frozenset({_R.PRINCIPAL, _R.VICE_PRINCIPAL, _R.ADMINISTRATOR}),
    Perm.VIEW_AUDIT: frozenset({_R.PRINCIPAL, _R.VICE_PRINCIPAL, _R.ADMINISTRATOR}),
    Perm.EDIT_STUDENTS: frozenset({_R.CLERK, _R.VICE_PRINCIPAL}),
    Perm.IMPORT_STUDENTS: frozenset({_R.CLERK, _R.VICE_PRINCIPAL}),
    Perm.MANAGE_ENROLMENT: frozenset({_R.CLERK, _R.VICE_PRINCIPAL}),
    Perm.DELEGATE_DEPARTMENT: frozenset({_R.DEPARTMENT_HEAD}),
    Perm.DELEGATE_PRINCIPAL: frozenset({_R.PRINCIPAL}),
    Perm.GRANT_INSPECTOR: frozenset({_R.PRINCIPAL}),
    Perm.ROLL_OVER: frozenset({_R.CLERK, _R.VICE_PRINCIPAL, _R.PRINCIPAL}),
    Perm.REOPEN_YEAR: frozenset({_R.PRINCIPAL}),
}

# Writes are refused in a closed year and to read-only roles, whatever the grant says.
WRITES = frozenset(
    {
        Perm.EDIT_STAFF,
        Perm.ASSIGN_POSITIONS,
        Perm.MANAGE_ACCOUNTS,
        Perm.MANAGE_ORGANISATION,
        Perm.EDIT_STUDENTS,
        Perm.IMPORT_STUDENTS,
        Perm.MANAGE_ENROLMENT,
        Perm.DELEGATE_DEPARTMENT,
        Perm.DELEGATE_PRINCIPAL,
        Perm.GRANT_INSPECTOR,
        Perm.ROLL_OVER,
        Perm.REOPEN_YEAR,
    }
)
# Permissions bound to the actor's year, with the area a reopened closed year must name.
YEAR_BOUND: dict[Perm, str] = {
    Perm.EDIT_STUDENTS: "students",
    Perm.IMPORT_STUDENTS: "students",
    Perm.MANAGE_ENROLMENT: "students",
    Perm.MANAGE_ORGANISATION: "organisation",
}


def can(actor: Actor, perm: Perm) -> bool:
    if actor.school is None:
        return False
    if perm in YEAR_BOUND and not actor.can_write(YEAR_BOUND[perm]):
        return False
    if perm in WRITES and actor.roles <= {Role.INSPECTOR, Role.PARENT}:
        return False
    return bool(actor.roles & GRANTS[perm])


# One per request (set by the error boundary, ``accounts/boundary.py``): marked when a refusal
# has been written, so the boundary writes the refusals nobody logged, and never one twice.
_refusals: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "hoso_refusals", default=None
)


def refusals_watch() -> contextvars.Token:
    return _refusals.set({"logged": False})


def refusals_unwatch(token: contextvars.Token) -> None:
    _refusals.reset(token)


def refusal_logged() -> bool:
    watched = _refusals.get()
    return bool(watched and watched["logged"])


def log_denied(actor: Actor, *, kind: str, what: str) -> None:
    """Record an out-of-scope attempt (its own small transaction; the request is refused)."""
    from hoso.audit.actions import audit_record

    if (watched := _refusals.get()) is not None:
        watched["logged"] = True
    with transaction.atomic():
        audit_record(
            event_type=f"access.{kind}",
            actor=actor.user if getattr(actor.user, "pk", None) else None,
            school_id=actor.school_id,
            target_type="request",
            target_repr=what[:300],
        )


def log_refused(
    actor: Actor | None,
    *,
    event_type: str,
    school_id: int | None = None,
    target=None,
    before=None,
    after=None,
    acting_as: str = "",
) -> None:
    """Record a refused attempt with what was asked (its own small transaction: the attempt
    itself changed nothing)."""
    from hoso.audit.actions import audit_record

    if (watched := _refusals.get()) is not None:
        watched["logged"] = True
    user = getattr(actor, "user", None)
    with transaction.atomic():
        audit_record(
            event_type=event_type,
            actor=user if getattr(user, "pk", None) else None,
            school_id=school_id if school_id is not None else getattr(actor, "school_id", None),
            target=target,
            before=before,
            after=after,
            acting_as=acting_as,
        )


def in_person_principal(actor: Actor) -> bool:
    """The principal in person: a vice principal acting by delegation does not count."""
    return Role.PRINCIPAL in actor.roles and Role.PRINCIPAL not in actor.delegated


def require(actor: Actor, perm: Perm, *, what: str = "") -> None:
    """403 (and a log line in the audit trail) unless ``actor`` holds ``perm``."""
    if not can(actor, perm):
        log_denied(actor, kind="forbidden", what=f"{perm} {what}".strip())
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def not_found(actor: Actor, what: str) -> Http404:
    """404 for absent and out-of-scope alike, logged. ``raise not_found(...)``."""
    log_denied(actor, kind="not_found", what=what)
    return Http404("Không tìm thấy.")
