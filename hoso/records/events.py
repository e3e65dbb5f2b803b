"""What the records package announces to itself (``hoso.core.events``): the organisation changed
under its folders and obligations. Published by the model-signal handlers of ``signals.py``
inside the transaction that saved the rows, delivered once per transaction after commit."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.core.events import Event


@dataclass(frozen=True)
class OrganisationChanged(Event):
    """A row that decides folders or obligations changed. ``kind``: "school", "staff", "class"
    or "year"; ``pk``: the id of that school, staff member, class or school year. Equal events
    are delivered once."""

    kind: str
    pk: int
