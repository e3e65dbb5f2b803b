"""Events of attendance (published in the transaction, delivered after commit)."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.core.events import Event


@dataclass(frozen=True)
class AttendanceChanged(Event):
    """Marks of this class changed on these days (a roll, a confirmation, a leave request, the
    finalising job, an applied change request). The grade book's absence totals, the warnings
    and the reports follow."""

    school_id: int
    school_class_id: int
    dates: tuple = ()  # the days touched (datetime.date), sorted
