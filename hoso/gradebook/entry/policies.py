"""Who may read and write which part of the grade book."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import Subject, Term
from hoso.organisation.policies import access_class

# School-wide readers of the grade book (medical staff and the Đội leader see class lists only).
GRADEBOOK_READERS = (
    Role.PRINCIPAL,
    Role.VICE_PRINCIPAL,
    Role.ADMINISTRATOR,
    Role.INSPECTOR,
    Role.CLERK,
)


def is_assigned_teacher(actor: Actor, school_class, subject, term) -> bool:
    """The subject teacher assigned to (class, subject, term) on the year's reference day —
    the only one who enters it (a replaced teacher no longer does, from the change's date)."""
    if actor.staff is None:
        return False
    return (
        teaching_on(reference_day(school_class.year))
        .filter(teacher=actor.staff, school_class=school_class, subject=subject, term=term)
        .exists()
    )


def can_read_sheet(actor: Actor, school_class, subject) -> bool:
    """Leaders, the homeroom teacher, the class's teacher of that subject, department heads of
    the teacher; entries are public to the class's leaders and homeroom teacher (SPEC §5)."""
    if actor.has(*GRADEBOOK_READERS):
        return True
    if school_class.pk in actor.homeroom_class_ids:
        return True
    if subject.pk in actor.taught.get(school_class.pk, frozenset()):
        return True
    if actor.department_ids:
        return (
            teaching_on(reference_day(school_class.year))
            .filter(
                school_class=school_class,
                subject=subject,
                teacher__department_id__in=actor.department_ids,
            )
            .exists()
        )
    return False


def access_sheet(actor: Actor, class_id: int, subject_id: int, term_id: int):
    """(class, subject, term) the actor may read; 404 otherwise."""
    school_class = access_class(actor, class_id)
    subject = Subject.objects.filter(pk=subject_id, school=actor.school).first()
    term = Term.objects.filter(pk=term_id, year=school_class.year).first()
    if subject is None or term is None or not can_read_sheet(actor, school_class, subject):
        raise not_found(actor, f"sổ điểm lớp #{class_id} môn #{subject_id} kỳ #{term_id}")
    return school_class, subject, term


def can_lock_books(actor: Actor) -> bool:
    """The principal decides; the administrator executes on the principal's order."""
    if not actor.can_write("gradebook"):
        return False
    return actor.has(Role.PRINCIPAL, Role.ADMINISTRATOR)


def can_see_locks(actor: Actor) -> bool:
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.ADMINISTRATOR)
