"""Who may take which roll.

A session roll (period 0): the class's homeroom teacher, or a leader (principal, vice principal)
standing in. A period roll: the teacher of a subject in that class (``Actor.taught``), when the
school lets subject teachers take period rolls. Everyone else: refused (and audited by the
boundary)."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.attendance.models import AttendanceSettings
from hoso.organisation.models import SchoolClass

LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
#: Read any class's attendance (read-only unless another rule lets them write).
READERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR, Role.CLERK, Role.INSPECTOR)


def can_take_session_roll(actor: Actor, school_class: SchoolClass) -> bool:
    if not actor.can_write("students") or school_class.year_id != getattr(actor.year, "pk", None):
        return False
    return school_class.pk in actor.homeroom_class_ids or actor.has(*LEADERS)


def can_take_period_roll(
    actor: Actor, school_class: SchoolClass, subject_id: int, settings: AttendanceSettings
) -> bool:
    if not actor.can_write("students") or school_class.year_id != getattr(actor.year, "pk", None):
        return False
    if can_take_session_roll(actor, school_class):
        return True
    return settings.period_rolls and subject_id in actor.taught.get(school_class.pk, frozenset())


def can_confirm_month(actor: Actor, school_class: SchoolClass) -> bool:
    """Set P/K of the class's absences (and ask a change after the window): its homeroom
    teacher, or a leader."""
    return can_take_session_roll(actor, school_class)


def can_decide_change(actor: Actor) -> bool:
    return actor.has(Role.PRINCIPAL) and actor.can_write("students")


def can_apply_change(actor: Actor) -> bool:
    return actor.has(Role.ADMINISTRATOR) and actor.can_write("students")


def can_manage_settings(actor: Actor) -> bool:
    return actor.has(Role.PRINCIPAL, Role.ADMINISTRATOR)


def can_view_requests(actor: Actor) -> bool:
    return bool(
        actor.homeroom_class_ids
        or actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR)
    )


def can_view_class(actor: Actor, school_class: SchoolClass) -> bool:
    """See the rolls and the month of a class: its homeroom teacher, its subject teachers, and
    the readers (leaders, administrator, clerk, inspector: read-only)."""
    return (
        school_class.pk in actor.homeroom_class_ids
        or school_class.pk in actor.taught
        or actor.has(*READERS)
    )


def access_class(actor: Actor, class_id: int) -> SchoolClass:
    """The class, if the actor may see its attendance; 404 (logged) otherwise."""
    from hoso.accounts.policies import not_found
    from hoso.organisation.policies import access_class as access_visible_class

    school_class = access_visible_class(actor, class_id)
    if not can_view_class(actor, school_class):
        raise not_found(actor, f"điểm danh lớp #{class_id}")
    return school_class
