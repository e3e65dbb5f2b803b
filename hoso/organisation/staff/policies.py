"""Who keeps, reads and prints the staff register (sổ quản lý cán bộ, giáo viên, nhân viên).

- Read the list: leaders, the administrator, the clerk, the office head and inspectors
  (``Perm.VIEW_STAFF``); a department head its own department's members.
- Personal data — personal ID, salary step and coefficient, discipline (REG §7): the principal,
  vice principals and the clerk, who keeps the register (``Perm.VIEW_STAFF_PERSONAL``). Nobody
  else sees them, on the pages or in the register's change log (the administrator manages
  accounts, not people's files; inspectors and department heads do not need them).
- Keep the register — create, edit, end the employment, re-hire: the clerk and the
  administrator (``Perm.EDIT_STAFF``); the administrator without the personal fields.
- Take an edition (bản sổ at the start, middle and end of the year, or after a change) and print
  the register: the clerk; printing also the principal and vice principals.
Positions are governed apart (``positions.py``): nobody gives power to themselves.
"""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, log_denied
from hoso.organisation.models import Staff
from hoso.organisation.policies import access_staff, visible_staff
from hoso.organisation.staff.errors import StaffError, denied

__all__ = ["access_staff", "visible_staff"]


def can_view_register(actor: Actor) -> bool:
    return can(actor, Perm.VIEW_STAFF) or bool(actor.department_ids)


def can_edit_register(actor: Actor) -> bool:
    return can(actor, Perm.EDIT_STAFF)


def can_see_personal(actor: Actor, staff: Staff | None = None) -> bool:
    """The personal fields of ``staff`` (of anyone when None): the entitled roles; a person its
    own."""
    if can(actor, Perm.VIEW_STAFF_PERSONAL):
        return True
    return staff is not None and actor.staff is not None and actor.staff.pk == staff.pk


def can_keep_editions(actor: Actor) -> bool:
    """Take editions of the register: who keeps it and sees all of it (the clerk)."""
    return can(actor, Perm.EDIT_STAFF) and can(actor, Perm.VIEW_STAFF_PERSONAL)


def can_print_register(actor: Actor) -> bool:
    """The printed register holds personal data: the roles entitled to it."""
    return can(actor, Perm.VIEW_STAFF_PERSONAL)


def require_register_reader(actor: Actor) -> None:
    if not can_view_register(actor):
        raise _denied(actor, "sổ cán bộ")


def require_register_keeper(actor: Actor, what: str = "sổ cán bộ") -> None:
    if not can_edit_register(actor):
        raise _denied(actor, what)


def require_edition_keeper(actor: Actor) -> None:
    if not can_keep_editions(actor):
        raise _denied(actor, "lập bản sổ cán bộ")


def require_position_assigner(actor: Actor) -> None:
    if not can(actor, Perm.ASSIGN_POSITIONS):
        raise _denied(actor, "phân công chức vụ")


def require_register_printer(actor: Actor) -> None:
    if not can_print_register(actor):
        raise _denied(actor, "in sổ cán bộ")


def _denied(actor: Actor, what: str):
    log_denied(actor, kind="forbidden", what=what)
    return denied(StaffError.NOT_ALLOWED)


def access_person(actor: Actor, staff_id: int) -> Staff:
    """A person of the register the actor may read — its own record always (a data subject sees
    its own data, REG §7) — or 404."""
    if actor.staff is not None and actor.staff.pk == staff_id:
        return Staff.objects.select_related("department", "user").get(pk=staff_id)
    return access_staff(actor, staff_id)


def access_staff_for_edit(actor: Actor, staff_id: int) -> Staff:
    """The person (404 when absent or outside the actor's sight), then 403 unless the actor
    keeps the register."""
    staff = access_staff(actor, staff_id)
    require_register_keeper(actor, f"sửa hồ sơ cán bộ #{staff_id}")
    return staff
