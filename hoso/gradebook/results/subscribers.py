"""How the results area follows the grade book (``hoso.core.events``, subscribed in
``gradebook/apps.py``): saved grades recompute their classes' results in the background, once per
transaction, so that no page writes on GET."""

from __future__ import annotations

import logging

from hoso.gradebook.events import GradesChanged

logger = logging.getLogger("hoso")


def grades_changed(changes: list[GradesChanged]) -> None:
    from hoso.gradebook.results.tasks import results_follow_grades

    class_ids = sorted({c.school_class_id for c in changes})
    try:
        results_follow_grades.enqueue(class_ids)
    except Exception:  # the results page offers "Tính lại" and says they are outdated
        logger.exception("Could not enqueue the results of classes %s", class_ids)
