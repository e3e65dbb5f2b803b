"""Pure state transitions of an outgoing document (văn bản đi), NĐ 30/2020 Đ14, Đ18, Đ33.

draft --sign (competent person)--> signed --number (clerk)--> numbered --issue (clerk, the
organisation's signature)--> issued. A number is given only to a signed document; the
organisation's signature only to a numbered one.
"""

from __future__ import annotations

from hoso.correspondence.models import OutgoingState as S

TRANSITIONS: dict[str, tuple[str, str]] = {
    # action: (from, to)
    "sign": (S.DRAFT, S.SIGNED),
    "number": (S.SIGNED, S.NUMBERED),
    "issue": (S.NUMBERED, S.ISSUED),
}

EDITABLE_STATES = (S.DRAFT,)


def next_state(state: str, action: str) -> str | None:
    """The state after ``action`` from ``state``, or None when not allowed."""
    source, target = TRANSITIONS[action]
    return target if state == source else None
