"""Which locks cover a cell (khóa sổ). Pure reads."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from hoso.core import clock
from hoso.gradebook.entry.models import BookLock


def active_locks(year, *, now=None) -> QuerySet[BookLock]:
    now = now or clock.now()
    return BookLock.objects.filter(year=year, opened_at__isnull=True, effective_at__lte=now)


def locks_for_sheet_query(school_class, subject, term, *, now=None) -> QuerySet[BookLock]:
    """The ORM form of :func:`locks_for_sheet` (for composing with other filters)."""
    return active_locks(school_class.year_id, now=now).filter(
        (Q(grade__isnull=True) | Q(grade_id=school_class.grade_id))
        & (Q(school_class__isnull=True) | Q(school_class=school_class))
        & (Q(subject__isnull=True) | Q(subject=subject))
        & (Q(term__isnull=True) | Q(term=term))
    )


def locks_for_sheet(school_class, subject, term, *, now=None) -> list[BookLock]:
    """Active locks that can cover some cell of this sheet (checkpoint checked per column).

    Raw SQL: it runs on every save, where compiling the ORM query cost more than running it;
    ``test_locks_raw_and_orm_agree`` keeps it equal to :func:`locks_for_sheet_query`."""
    table = BookLock._meta.db_table
    sql = (
        f"SELECT * FROM {table} WHERE year_id = %(year)s AND opened_at IS NULL "
        "AND effective_at <= %(now)s "
        "AND (grade_id IS NULL OR grade_id = %(grade)s) "
        "AND (school_class_id IS NULL OR school_class_id = %(class)s) "
        "AND (subject_id IS NULL OR subject_id = %(subject)s) "
        "AND (term_id IS NULL OR term_id = %(term)s) "
        "ORDER BY id"
    )
    params = {
        "year": school_class.year_id,
        "now": connection.ops.adapt_datetimefield_value(now or clock.now()),
        "grade": school_class.grade_id,
        "class": school_class.pk,
        "subject": getattr(subject, "pk", subject),
        "term": getattr(term, "pk", term),
    }
    return list(BookLock.objects.raw(sql, params))


def lock_covering(locks: list[BookLock], column) -> BookLock | None:
    for lock in locks:
        if not lock.checkpoint or lock.checkpoint == column.checkpoint:
            return lock
    return None
