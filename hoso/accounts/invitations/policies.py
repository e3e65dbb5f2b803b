"""Who prints slips for which guardians: the clerk, the administrator and the leaders for every
guardian of the school; a homeroom teacher for the guardians of their class's current students;
nobody else (parents and inspectors never)."""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role

SCHOOL_WIDE = (Role.CLERK, Role.ADMINISTRATOR, Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def can_invite(actor: Actor) -> bool:
    return actor.school is not None and (actor.has(*SCHOOL_WIDE) or bool(actor.homeroom_class_ids))


def invitable_guardians(actor: Actor) -> QuerySet:
    """The guardians ``actor`` may print slips for (none for the others)."""
    from hoso.students.models import Enrolment, Guardian

    qs = Guardian.objects.filter(school=actor.school)
    if actor.school is None or not can_invite(actor):
        return qs.none()
    if actor.has(*SCHOOL_WIDE):
        return qs
    students = (
        Enrolment.objects.studying()
        .filter(school_class_id__in=actor.homeroom_class_ids)
        .values("student_id")
    )
    return qs.filter(student_links__student_id__in=students).distinct()


def access_guardian_for_invitation(actor: Actor, guardian_id: int):
    """The guardian, if ``actor`` may print their slip; 404 (logged) for absent and not yours."""
    found = invitable_guardians(actor).filter(pk=guardian_id).first()
    if found is None:
        raise not_found(actor, f"phụ huynh #{guardian_id} (phiếu mời)")
    return found
