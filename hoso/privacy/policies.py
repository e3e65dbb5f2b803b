"""Who does what with personal data:
- the principal and the administrator write and publish the school's notice and its settings;
- a guardian gives and withdraws their own consents, sees their own children's data, asks for
  corrections (``access_child``: 404, logged, for any other child);
- the homeroom teacher (their class's guardians) and the clerk, the administrator, the leaders
  (any guardian) record a paper consent form;
- the clerk, the principal and the vice principals handle the register of requests."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role

NOTICE_WRITERS = (Role.PRINCIPAL, Role.ADMINISTRATOR)
REQUEST_HANDLERS = (Role.CLERK, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
PAPER_RECORDERS = (Role.CLERK, Role.ADMINISTRATOR, Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def can_write_notice(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*NOTICE_WRITERS)


def can_handle_requests(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*REQUEST_HANDLERS)


def can_record_paper(actor: Actor) -> bool:
    return actor.school is not None and (
        actor.has(*PAPER_RECORDERS) or bool(actor.homeroom_class_ids)
    )


def is_guardian(actor: Actor) -> bool:
    return actor.school is not None and bool(actor.guardian_ids)


def access_child(actor: Actor, student_id: int):
    """One of the actor's own children in this school; 404 (logged) for any other."""
    from hoso.students.models import Student

    found = None
    if student_id in actor.child_ids:
        found = Student.objects.filter(pk=student_id, school=actor.school).first()
    if found is None:
        raise not_found(actor, f"dữ liệu của học sinh #{student_id}")
    return found


def access_paper_guardian(actor: Actor, guardian_id: int):
    """A guardian whose paper form ``actor`` may record (the same scope as printing slips)."""
    from hoso.accounts.invitations.policies import invitable_guardians

    found = None
    if can_record_paper(actor):
        found = invitable_guardians(actor).select_related("user").filter(pk=guardian_id).first()
    if found is None:
        raise not_found(actor, f"phụ huynh #{guardian_id} (phiếu đồng ý)")
    return found
