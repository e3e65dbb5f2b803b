"""Who edits and who reads the assignment table (phân công chuyên môn).

Editing: the holders of ``Perm.MANAGE_ORGANISATION`` (principal, vice principal, administrator)
in an open year. Approving the table: the principal (or its delegate). Reading the table and the
history: the editors and the school-wide staff readers (``Perm.VIEW_STAFF``: the clerk keeps the
staff register, inspectors read) and department heads; every teacher reads its own history.
"""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import GRANTS, Perm, can, not_found
from hoso.accounts.roles import Role
from hoso.organisation.models import SchoolYear, Staff
from hoso.organisation.policies import visible_staff


def can_manage_assignments(actor: Actor, year: SchoolYear | None = None) -> bool:
    """Edit the assignments of ``year`` (default: the actor's year; the year rollover passes
    next year's)."""
    year = year or actor.year
    if year is None or actor.school is None or year.school_id != actor.school_id:
        return False
    if not year.writable_for("organisation"):
        return False
    if actor.year is not None and actor.year.pk == year.pk:
        return can(actor, Perm.MANAGE_ORGANISATION)
    # Another year of the school (the rollover prepares next year's): the same roles decide,
    # whatever the state of the year the actor has open.
    return bool(actor.roles & GRANTS[Perm.MANAGE_ORGANISATION]) and not (
        actor.roles <= {Role.INSPECTOR, Role.PARENT}
    )


def can_approve_assignments(actor: Actor, year: SchoolYear | None = None) -> bool:
    """The principal approves the table (seeds: the principal approves the school's plan)."""
    year = year or actor.year
    return (
        year is not None
        and year.writable_for("organisation")
        and year.school_id == actor.school_id
        and actor.has(Role.PRINCIPAL)
    )


def can_view_assignments(actor: Actor) -> bool:
    if actor.school is None or actor.year is None:
        return False
    return (
        can(actor, Perm.VIEW_STAFF)
        or can(actor, Perm.MANAGE_ORGANISATION)
        or actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR)
        or bool(actor.department_ids)
    )


def access_teacher(actor: Actor, staff_id: int) -> Staff:
    """A staff member whose assignment history the actor may read (itself, or anyone the actor
    may see in the staff list); 404 otherwise, absent and out of scope alike."""
    if actor.staff is not None and actor.staff.pk == staff_id:
        return actor.staff
    found = None
    if can_view_assignments(actor):
        found = visible_staff(actor).filter(pk=staff_id).first()
    if found is None:
        raise not_found(actor, f"phân công của cán bộ #{staff_id}")
    return found
