"""Who reads a class's results and who approves them (kết quả học tập và rèn luyện)."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.gradebook.entry.policies import GRADEBOOK_READERS
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import SchoolClass
from hoso.organisation.policies import access_class


def can_read_results(actor: Actor, school_class) -> bool:
    """Leaders (and the other school-wide grade-book readers), the class's homeroom teacher and
    the heads of departments teaching the class read the class results."""
    if actor.has(*GRADEBOOK_READERS):
        return True
    if school_class.pk in actor.homeroom_class_ids:
        return True
    if actor.department_ids:
        return (
            teaching_on(reference_day(school_class.year))
            .filter(school_class=school_class, teacher__department_id__in=actor.department_ids)
            .exists()
        )
    return False


def access_results_class(actor: Actor, class_id: int) -> SchoolClass:
    """The class whose results the actor may read; 404 (logged) otherwise."""
    school_class = access_class(actor, class_id)
    if not can_read_results(actor, school_class):
        raise not_found(actor, f"kết quả lớp #{class_id}")
    return school_class


def can_approve_results(actor: Actor) -> bool:
    return Role.PRINCIPAL in actor.roles and actor.can_write("results")
