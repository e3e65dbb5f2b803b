"""Who may print what. Out-of-scope objects answer 404 (``access_*``), forbidden actions 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role
from hoso.organisation.policies import access_class
from hoso.students.models import Enrolment

# Leaders and the clerk print every book of the school.
SCHOOL_PRINTERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK)


def can_print_school(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*SCHOOL_PRINTERS)


def can_print_class(actor: Actor, school_class) -> bool:
    """The class's books and transcripts: school printers, and the class's homeroom teacher."""
    return can_print_school(actor) or school_class.pk in actor.homeroom_class_ids


def can_print_anything(actor: Actor) -> bool:
    return can_print_school(actor) or bool(actor.homeroom_class_ids) or bool(actor.taught)


def _forbid(actor: Actor, what: str) -> PermissionDenied:
    log_denied(actor, kind="forbidden", what=f"in ấn {what}")
    return PermissionDenied("Bạn không có quyền in tài liệu này.")


def require_school_printer(actor: Actor, what: str) -> None:
    if not can_print_school(actor):
        raise _forbid(actor, what)


def access_print_class(actor: Actor, class_id: int):
    """The class (404 when not visible), then 403 unless the actor prints its books."""
    school_class = access_class(actor, class_id)
    if not can_print_class(actor, school_class):
        raise _forbid(actor, f"lớp #{class_id}")
    return school_class


def access_print_student(actor: Actor, student_id: int):
    """A student of the actor's year and the class they are in: 404 when absent or outside the
    classes the actor sees, 403 when the actor may not print that class's transcripts."""
    enrolment = (
        Enrolment.objects.filter(
            student_id=student_id, year=actor.year, student__school=actor.school
        )
        .select_related("student", "school_class")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-pk")
        .first()
        if actor.year is not None
        else None
    )
    if enrolment is None:
        raise not_found(actor, f"học sinh #{student_id}")
    school_class = access_print_class(actor, enrolment.school_class_id)
    return enrolment.student, school_class


def access_job(actor: Actor, job_id: int):
    """A print job: only its requester sees it, in the school they work in now (404 for everybody
    else); a long document's job also only while the person may still print that document (the
    class's books: 404 outside their classes, 403 otherwise)."""
    from hoso.printing import long_prints
    from hoso.printing.models import PrintJob

    job = (
        PrintJob.objects.filter(pk=job_id, requested_by=actor.user, school=actor.school)
        .select_related("school_class", "grade", "year")
        .first()
        if actor.school is not None
        else None
    )
    if job is None:
        raise not_found(actor, f"lô in #{job_id}")
    kind = long_prints.kind_of(job)
    if kind is not None:
        if job.school_class_id is not None:
            access_print_class(actor, job.school_class_id)
        kind.authorize(actor)
    return job
