"""What the grade book announces (``hoso.core.events``): published in the transaction that made
the change, delivered after commit to the packages that subscribed in their ``AppConfig.ready``.
The grade book never imports them."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.core.events import Event


@dataclass(frozen=True)
class ResultsChanged(Event):
    """Results of these students changed: a correction was applied, or approved results were
    reopened or approved again. Documents that render them (transcripts, signed books) recheck
    the hash of their data."""

    school_id: int
    year_id: int
    student_ids: tuple[int, ...]


@dataclass(frozen=True)
class GradesChanged(Event):
    """Cells of this class's grade book were saved (the grid, the Excel import, the API). Its
    results follow in the background (``results/subscribers.py``): no page recomputes on GET."""

    school_class_id: int
