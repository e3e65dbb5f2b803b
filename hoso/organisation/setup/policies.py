"""Who may read, prepare and confirm the school set-up.

Reading the set-up pages: the principal, vice principals, the administrator and inspectors (read
only). Preparing (every write): ``Perm.MANAGE_ORGANISATION`` — principal, vice principal,
administrator — refused in a closed year like every year-bound write; creating the *next* year is
the one write allowed while a closed year is chosen (it is how a school leaves it). Confirming:
the principal, or whoever holds the principal's role by delegation (recorded as acting for the
principal). Everyone else: 403 on the pages, 404 for objects outside the school.
"""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, log_denied, not_found
from hoso.accounts.roles import Role
from hoso.organisation.models import (
    Department,
    GradeLevel,
    Holiday,
    SchoolClass,
    SchoolYear,
    Subject,
)
from hoso.organisation.setup.errors import SetupError, denied

PREPARERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR)
READERS = (*PREPARERS, Role.INSPECTOR)


def can_view(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*READERS)


def can_prepare(actor: Actor) -> bool:
    return can(actor, Perm.MANAGE_ORGANISATION)


def can_create_year(actor: Actor) -> bool:
    """Allowed from a closed year too: the chosen year's lock does not cover its successor."""
    if can_prepare(actor):
        return True
    if actor.can_write("organisation"):
        return False
    yearless = Actor(user=actor.user, school=actor.school, roles=actor.roles)
    return can(yearless, Perm.MANAGE_ORGANISATION)


def can_confirm(actor: Actor) -> bool:
    return (
        actor.school is not None
        and actor.year is not None
        and actor.can_write("organisation")
        and actor.has(Role.PRINCIPAL)
    )


def is_principal(actor: Actor) -> bool:
    return actor.has(Role.PRINCIPAL)


def require_view(actor: Actor, what: str) -> None:
    if not can_view(actor):
        log_denied(actor, kind="forbidden", what=f"thiết lập trường: {what}")
        raise denied()


def require_prepare(actor: Actor, what: str) -> None:
    if not can_prepare(actor):
        log_denied(actor, kind="forbidden", what=f"thiết lập trường: {what}")
        raise denied()


def require_create_year(actor: Actor) -> None:
    if not can_create_year(actor):
        log_denied(actor, kind="forbidden", what="thiết lập trường: tạo năm học")
        raise denied()


def require_confirm(actor: Actor) -> None:
    if not can_confirm(actor):
        log_denied(actor, kind="forbidden", what="thiết lập trường: xác nhận năm học")
        raise denied(SetupError.NOT_PRINCIPAL)


# --- fetch-and-check: absent and outside the school look alike (404) ------------------------


def _found(actor: Actor, queryset, what: str):
    found = queryset.first()
    if found is None:
        raise not_found(actor, what)
    return found


def access_year(actor: Actor, year_id: int) -> SchoolYear:
    return _found(
        actor, SchoolYear.objects.filter(school=actor.school, pk=year_id), f"năm học #{year_id}"
    )


def access_class(actor: Actor, class_id: int) -> SchoolClass:
    """A class of the chosen year."""
    classes = SchoolClass.objects.filter(year=actor.year, pk=class_id).select_related("grade")
    if actor.year is None:
        classes = classes.none()
    found = _found(actor, classes, f"lớp #{class_id}")
    found.year = actor.year
    return found


def access_grade(actor: Actor, number: int) -> GradeLevel:
    return _found(
        actor, GradeLevel.objects.filter(school=actor.school, number=number), f"khối {number}"
    )


def access_subject(actor: Actor, subject_id: int) -> Subject:
    return _found(
        actor, Subject.objects.filter(school=actor.school, pk=subject_id), f"môn học #{subject_id}"
    )


def access_department(actor: Actor, department_id: int) -> Department:
    departments = Department.objects.filter(school=actor.school, pk=department_id)
    return _found(actor, departments, f"tổ #{department_id}")


def access_holiday(actor: Actor, holiday_id: int) -> Holiday:
    holidays = Holiday.objects.filter(year=actor.year, pk=holiday_id)
    if actor.year is None:
        holidays = holidays.none()
    return _found(actor, holidays, f"ngày nghỉ #{holiday_id}")
