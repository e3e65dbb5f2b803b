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


# Incoming documents (văn bản đến, Đ22-24): registered --present (clerk)--> presented
# --direct (principal)--> directed --done (lead or principal)--> done.
INCOMING_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "present": (("registered",), "presented"),
    "direct": (("registered", "presented"), "directed"),
    "done": (("directed",), "done"),
}


def incoming_next_state(state: str, action: str) -> str | None:
    sources, target = INCOMING_TRANSITIONS[action]
    return target if state in sources else None
