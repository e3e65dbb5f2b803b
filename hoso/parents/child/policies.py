"""Who may see a child's page and who may choose how results reach parents.

- A child's page, its transcript downloads: a guardian of the child (``actor.child_ids``: the
  students linked to the person's guardian profiles in the school being used). Anyone else —
  staff included, since the staff have their own pages — gets 404, the same as for a student
  who does not exist (``access_child``), and the attempt is logged.
- The publication settings: the principal (in person or by delegation) and the administrator.
"""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.students.models import Student
from hoso.transcripts.models import Transcript

SETTINGS_EDITORS = (Role.PRINCIPAL, Role.ADMINISTRATOR)


def has_children(actor: Actor) -> bool:
    """The contact book's child pages show in the menu."""
    return actor.school is not None and bool(actor.child_ids)


def access_child(actor: Actor, student_id: int) -> Student:
    """The student ``student_id`` if it is one of ``actor``'s children in its school, else 404
    (logged), whether the student exists or not."""
    if actor.school is None or student_id not in actor.child_ids:
        raise not_found(actor, f"sổ liên lạc học sinh #{student_id}")
    student = Student.objects.filter(pk=student_id, school_id=actor.school_id).first()
    if student is None:
        raise not_found(actor, f"sổ liên lạc học sinh #{student_id}")
    return student


def access_child_transcript(actor: Actor, student: Student, transcript_id: int) -> Transcript:
    """An issued transcript of ``student`` (already checked with ``access_child``) with its
    signed PDF, else 404: a draft, a revoked or a replaced one is never the parent's."""
    found = (
        Transcript.objects.filter(
            pk=transcript_id,
            student_id=student.pk,
            school_id=actor.school_id,
            state=Transcript.State.ISSUED,
        )
        .exclude(pdf="")
        .select_related("year")
        .first()
    )
    if found is None:
        raise not_found(actor, f"học bạ #{transcript_id} của học sinh #{student.pk}")
    return found


def can_edit_publication(actor: Actor) -> bool:
    return actor.school is not None and actor.staff is not None and actor.has(*SETTINGS_EDITORS)
