"""Who may read and write which part of the grade book: who reads a sheet (``access_sheet``), who
may change a cell now (``ensure_writable``: the assigned teacher, in an open year, while the column
is not finalised, no lock covers it and the class's results are not approved — otherwise only a
correction, ``gradebook/corrections/``, changes it), who locks the books."""

from __future__ import annotations

from django.db import connection

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.entry.locks import lock_covering, locks_for_sheet
from hoso.gradebook.entry.models import SheetColumn
from hoso.gradebook.entry.sheets import Sheet
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.results.models import ClassResult
from hoso.organisation.assignments.selectors import in_force_sql, reference_day, teaching_on
from hoso.organisation.models import Subject, TeachingAssignment, Term
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


def writable_flags(actor: Actor, sheet: Sheet, column_key: str) -> dict[str, bool]:
    """One statement for three facts: the actor teaches this sheet on the year's reference day
    (today: a replaced teacher no longer writes, its replacement does from the change's date),
    the column is finalised, the class's results for the term or year are approved. Raw SQL: it
    runs on every save, where compiling the ORM form (three EXISTS subqueries) cost more than
    running it."""
    q = connection.ops.quote_name
    sql = (
        "SELECT "
        f"EXISTS(SELECT 1 FROM {q(TeachingAssignment._meta.db_table)} ta WHERE "
        "ta.teacher_id = %(staff)s AND ta.school_class_id = %(class)s "
        "AND ta.subject_id = %(subject)s AND ta.term_id = %(term)s "
        f"AND {in_force_sql('ta', 'day')}), "
        f"EXISTS(SELECT 1 FROM {q(SheetColumn._meta.db_table)} WHERE school_class_id = %(class)s "
        f"AND subject_id = %(subject)s AND term_id = %(term)s AND {q('column')} = %(column)s "
        "AND finalised_at IS NOT NULL), "
        f"EXISTS(SELECT 1 FROM {q(ClassResult._meta.db_table)} WHERE school_class_id = %(class)s "
        "AND period IN (%(period)s, 'year') AND state = %(approved)s)"
    )
    params = {
        "staff": getattr(actor.staff, "pk", None) or -1,
        "class": sheet.school_class.pk,
        "subject": sheet.subject.pk,
        "term": sheet.term.pk,
        "column": column_key,
        "period": f"term{sheet.term.number}",
        "approved": ClassResult.State.APPROVED.value,
        "day": connection.ops.adapt_datefield_value(reference_day(sheet.school_class.year)),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assigned, finalised, approved = cursor.fetchone()
    return {"assigned": bool(assigned), "finalised": bool(finalised), "approved": bool(approved)}


def ensure_writable(actor: Actor, sheet: Sheet, column_key: str) -> None:
    """Raise unless the actor may change this column now (assigned, open year, not finalised,
    not locked, results not approved). Shared by the grid, the Excel import and the API."""
    if not sheet.school_class.year.writable_for("gradebook"):
        raise DomainError(GradebookError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")
    column = sheet.column(column_key)
    flags = writable_flags(actor, sheet, column_key)
    if actor.staff is None or not flags["assigned"]:
        raise PermissionDeniedError(
            GradebookError.NOT_ASSIGNED,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới được nhập điểm.",
        )
    if column is None:
        raise DomainError(GradebookError.UNKNOWN_COLUMN, f"Cột “{column_key}” không có trong sổ.")
    if flags["finalised"]:
        raise DomainError(
            GradebookError.FINALISED,
            f"Cột {column.label} đã chốt: muốn sửa phải làm đơn đề nghị sửa điểm.",
        )
    lock = lock_covering(locks_for_sheet(sheet.school_class, sheet.subject, sheet.term), column)
    if lock is not None:
        raise DomainError(
            GradebookError.LOCKED,
            f"Sổ đã khóa ({lock}): muốn sửa phải làm đơn đề nghị sửa điểm.",
        )
    if flags["approved"]:
        raise DomainError(
            GradebookError.APPROVED,
            "Kết quả của lớp đã được phê duyệt: muốn sửa phải làm đơn đề nghị sửa điểm.",
        )
