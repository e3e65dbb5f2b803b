"""How signing reacts to other packages' events (subscribed in ``apps.py``)."""

from __future__ import annotations

import logging

from hoso.gradebook.events import ResultsChanged

logger = logging.getLogger(__name__)


def results_changed(event: ResultsChanged) -> None:
    """The grade book changed results: the signed books of the school are rechecked in the
    background (a book whose data changed is superseded and redrafted)."""
    from hoso.signing import tasks

    try:
        tasks.refresh_documents.enqueue(event.school_id)
    except Exception:  # the nightly signing_refresh catches up
        logger.exception(
            "Could not enqueue the signed-documents refresh of school %s", event.school_id
        )
