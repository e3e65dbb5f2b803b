"""How the results area follows the grade book and attendance (``hoso.core.events``,
subscribed in ``gradebook/apps.py``): saved grades recompute their classes' results in the
background, once per transaction, so that no page writes on GET; changed attendance brings the
absence totals into the homeroom inputs first (``results.absences``)."""

from __future__ import annotations

import logging

from hoso.attendance.events import AttendanceChanged
from hoso.gradebook.events import GradesChanged

logger = logging.getLogger("hoso")


def grades_changed(changes: list[GradesChanged]) -> None:
    from hoso.gradebook.results.tasks import results_follow_grades

    class_ids = sorted({c.school_class_id for c in changes})
    try:
        results_follow_grades.enqueue(class_ids)
    except Exception:  # the results page offers "Tính lại" and says they are outdated
        logger.exception("Could not enqueue the results of classes %s", class_ids)


def attendance_changed(changes: list[AttendanceChanged]) -> None:
    from hoso.gradebook.results.tasks import results_follow_attendance

    class_ids = sorted({c.school_class_id for c in changes})
    try:
        results_follow_attendance.enqueue(class_ids)
    except Exception:  # the results page's "Tính lại" brings the totals too
        logger.exception("Could not enqueue the absences of classes %s", class_ids)
