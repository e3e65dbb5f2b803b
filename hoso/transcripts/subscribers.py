"""How transcripts react to other packages' events (subscribed in ``apps.py``)."""

from __future__ import annotations

from hoso.gradebook.events import ResultsChanged


def results_changed(event: ResultsChanged) -> None:
    """The grade book changed results: recheck those students' transcripts in the background."""
    from hoso.transcripts import actions

    actions.transcripts_on_results_changed(year=event.year_id, student_ids=list(event.student_ids))
