"""Scopes over classes and staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, not_found
from hoso.organisation.assignments.selectors import reference_day
from hoso.organisation.models import SchoolClass, Staff, TeachingAssignment


def visible_classes(actor: Actor) -> QuerySet[SchoolClass]:
    """Classes of the actor's year the actor may see."""
    if actor.year is None:
        return SchoolClass.objects.none()
    qs = SchoolClass.objects.filter(year=actor.year).select_related("grade")
    if can(actor, Perm.VIEW_SCHOOL):
        return qs
    scope = Q(pk__in=set(actor.taught) | set(actor.homeroom_class_ids))
    if actor.department_ids:
        # A department head sees the classes its department's teachers teach (on the year's
        # reference day, as the teachers themselves do).
        taught = TeachingAssignment.objects.in_force(reference_day(actor.year)).filter(
            teacher__department_id__in=actor.department_ids
        )
        scope |= Q(pk__in=taught.values("school_class_id"))
    if scope == Q(pk__in=set()):
        return qs.none()
    return qs.filter(scope)


def access_class(actor: Actor, class_id: int) -> SchoolClass:
    """The class, if the actor may see it; 404 otherwise (absent and out of scope look alike)."""
    found = visible_classes(actor).filter(pk=class_id).first()
    if found is None:
        raise not_found(actor, f"lớp #{class_id}")
    found.year = actor.year  # visible classes are the actor's year's: no query to read it back
    return found


def visible_staff(actor: Actor) -> QuerySet[Staff]:
    qs = Staff.objects.filter(school=actor.school).select_related("department")
    if can(actor, Perm.VIEW_STAFF):
        return qs
    if actor.department_ids:
        return qs.filter(department_id__in=actor.department_ids)
    return qs.none()


def access_staff(actor: Actor, staff_id: int) -> Staff:
    found = visible_staff(actor).filter(pk=staff_id).first()
    if found is None:
        raise not_found(actor, f"cán bộ #{staff_id}")
    return found


def can_edit_class_students(actor: Actor, school_class: SchoolClass) -> bool:
    """Homeroom teachers edit their own class's profiles; clerks and vice principals any class."""
    if not actor.can_write("students") or school_class.year_id != getattr(actor.year, "pk", None):
        return False
    return can(actor, Perm.EDIT_STUDENTS) or school_class.pk in actor.homeroom_class_ids


def can_import_class(actor: Actor, school_class: SchoolClass) -> bool:
    if not actor.can_write("students") or school_class.year_id != getattr(actor.year, "pk", None):
        return False
    return can(actor, Perm.IMPORT_STUDENTS) or school_class.pk in actor.homeroom_class_ids
