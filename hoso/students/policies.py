"""Scopes over students: who sees and edits which profile."""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, not_found
from hoso.organisation.policies import visible_classes
from hoso.students.models import Student


def visible_students(actor: Actor) -> QuerySet[Student]:
    """Students the actor may see: school-wide roles all; teachers their classes' current
    students; parents their own children."""
    qs = Student.objects.filter(school=actor.school)
    if actor.school is None:
        return qs.none()
    if can(actor, Perm.VIEW_SCHOOL):
        return qs
    ids = set(actor.child_ids)
    class_ids = list(visible_classes(actor).values_list("pk", flat=True))
    if class_ids:
        from hoso.students.models import Enrolment

        ids |= set(
            Enrolment.objects.filter(school_class_id__in=class_ids).values_list(
                "student_id", flat=True
            )
        )
    return qs.filter(pk__in=ids)


def access_student(actor: Actor, student_id: int) -> Student:
    found = visible_students(actor).filter(pk=student_id).first()
    if found is None:
        raise not_found(actor, f"học sinh #{student_id}")
    return found


def can_edit_student(actor: Actor, student: Student) -> bool:
    if actor.year is None or not actor.can_write("students"):
        return False
    if can(actor, Perm.EDIT_STUDENTS):
        return True
    return student.enrolments.filter(
        year=actor.year, end_date__isnull=True, school_class_id__in=actor.homeroom_class_ids
    ).exists()
