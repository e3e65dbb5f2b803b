"""Who manages the comment bank (ngân hàng nhận xét) and who writes a sheet's subject comments."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.gradebook.entry.policies import is_assigned_teacher
from hoso.organisation.assignments.selectors import reference_day, teaching_on


def managed_subject_ids(actor: Actor) -> set[int] | None:
    """Subjects whose bank entries the actor may edit: ``None`` means all (and general ones)."""
    if not actor.can_write("results"):
        return set()
    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return None
    if Role.DEPARTMENT_HEAD in actor.roles and actor.department_ids:
        return set(
            teaching_on(reference_day(actor.year))
            .filter(teacher__department_id__in=actor.department_ids, school_class__year=actor.year)
            .values_list("subject_id", flat=True)
        )
    return set()


def can_manage_bank(actor: Actor, subject=None) -> bool:
    allowed = managed_subject_ids(actor)
    if allowed is None:
        return True
    return subject is not None and subject.pk in allowed


def can_write_subject_comments(actor: Actor, school_class, subject, term) -> bool:
    return school_class.year.writable_for("results") and is_assigned_teacher(
        actor, school_class, subject, term
    )
