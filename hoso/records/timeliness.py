"""Timeliness of an obligation (đúng hạn / nộp muộn / thiếu / chưa đến hạn): the one definition.

Derived, never stored, from ``due_at``, ``first_submitted_at`` and the moment asked about:
- on time: first submitted at or before ``due_at``;
- late: first submitted after it;
- missing: nothing ever submitted and ``due_at`` has passed (``due_at < now``);
- not due: nothing submitted, ``due_at`` not yet passed.
A withdrawal or a return does not change the first submission.

The same rule has two faces, side by side below: ``timeliness()`` in Python for one obligation, ``conditions(now)`` / ``annotation(now)`` in SQL for a queryset (lists,
inboxes, the compliance board's counts and drill-down). ``tests/test_timeliness.py`` checks that
they agree on a table of cases, including the Asia/Ho_Chi_Minh midnight boundary.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, CharField, F, Q, Value, When

from hoso.records.models import Timeliness


def timeliness(due_at: datetime, first_submitted_at: datetime | None, now: datetime) -> str:
    """The Timeliness value of one obligation (aware datetimes)."""
    if first_submitted_at is not None:
        return Timeliness.ON_TIME if first_submitted_at <= due_at else Timeliness.LATE
    return Timeliness.MISSING if due_at < now else Timeliness.NOT_DUE


def obligation_timeliness(obligation, now: datetime) -> str:
    return timeliness(obligation.due_at, obligation.first_submitted_at, now)


def conditions(now: datetime) -> dict[str, Q]:
    """{Timeliness value: the SQL condition on an Obligation queryset} — for filters and counts."""
    submitted, not_submitted = (
        Q(first_submitted_at__isnull=False),
        Q(first_submitted_at__isnull=True),
    )
    return {
        Timeliness.ON_TIME.value: submitted & Q(first_submitted_at__lte=F("due_at")),
        Timeliness.LATE.value: submitted & Q(first_submitted_at__gt=F("due_at")),
        Timeliness.MISSING.value: not_submitted & Q(due_at__lt=now),
        Timeliness.NOT_DUE.value: not_submitted & Q(due_at__gte=now),
    }


def annotation(now: datetime) -> Case:
    """The SQL expression of ``timeliness()``, to annotate a queryset with."""
    return Case(
        *(When(q, then=Value(value)) for value, q in conditions(now).items()),
        default=Value(Timeliness.NOT_DUE.value),
        output_field=CharField(),
    )
