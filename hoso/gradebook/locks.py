"""Which locks cover a cell (khóa sổ). Pure reads."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from hoso.gradebook.models import BookLock


def active_locks(year, *, now=None) -> QuerySet[BookLock]:
    now = now or timezone.now()
    return BookLock.objects.filter(year=year, opened_at__isnull=True, effective_at__lte=now)


def locks_for_sheet(school_class, subject, term, *, now=None) -> list[BookLock]:
    """Active locks that can cover some cell of this sheet (checkpoint checked per column)."""
    return list(
        active_locks(school_class.year, now=now).filter(
            (Q(grade__isnull=True) | Q(grade_id=school_class.grade_id))
            & (Q(school_class__isnull=True) | Q(school_class=school_class))
            & (Q(subject__isnull=True) | Q(subject=subject))
            & (Q(term__isnull=True) | Q(term=term))
        )
    )


def lock_covering(locks: list[BookLock], column) -> BookLock | None:
    for lock in locks:
        if not lock.checkpoint or lock.checkpoint == column.checkpoint:
            return lock
    return None
