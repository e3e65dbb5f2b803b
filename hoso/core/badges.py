"""One badge per state: how a state (a ``TextChoices`` value) is shown — its label and its tone.

Each domain declares, next to its ``TextChoices``, which tone each state takes, and registers it
under a name; every page renders it with the one template tag ``{% state_badge name value %}``
(``core/templatetags/badges.py``), never with its own ``{% if state == … %}`` markup::

    badges.register("imports.batch", ImportBatch.State, {State.COMMITTED: OK, State.FAILED: ERR})

The tone is a CSS class of ``app.css`` (``ok``, ``warn``, ``err``; ``""`` is the neutral badge).
A tone may instead be a function of the object (a batch in preview *with errors* is ``err``);
``detail`` adds a short text after the label (the approval step "(1/2)", a percentage);
``data_state`` adds ``data-state="<value>"`` for tests and scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

OK, WARN, ERR, NEUTRAL = "ok", "warn", "err", ""

Tone = str | Callable[[object], str]


@dataclass(frozen=True)
class Badge:
    value: str
    label: str
    tone: str = NEUTRAL
    detail: str = ""
    data_state: bool = False


@dataclass(frozen=True)
class BadgeSet:
    choices: type  # a TextChoices (its labels are the badges' labels)
    tones: Mapping[str, Tone]
    attribute: str = "state"  # what is read when the tag is given an object
    detail: Callable[[object], str] | None = None
    data_state: bool = False

    def badge(self, value: str, obj: object = None) -> Badge:
        value = "" if value is None else str(value)
        tone = self.tones.get(value, NEUTRAL)
        if callable(tone):
            tone = tone(obj)
        detail = self.detail(obj) if self.detail is not None and obj is not None else ""
        labels = dict(self.choices.choices)
        return Badge(value, str(labels.get(value, value)), tone, detail, self.data_state)


_REGISTRY: dict[str, BadgeSet] = {}


def register(
    name: str,
    choices: type,
    tones: Mapping[str, Tone],
    *,
    field: str = "state",
    detail: Callable[[object], str] | None = None,
    data_state: bool = False,
) -> BadgeSet:
    """Declare how the states of ``choices`` are shown; ``name`` is what templates pass."""
    unknown = {str(v) for v in tones} - {str(v) for v in choices.values}
    if unknown:
        raise ValueError(f"{name}: tones for unknown states {sorted(unknown)}")
    badge_set = BadgeSet(choices, dict(tones), field, detail, data_state)
    _REGISTRY[name] = badge_set
    return badge_set


def badge_for(name: str, value_or_obj: object) -> Badge:
    """The badge of a state value, or of an object's state (``BadgeSet.attribute``)."""
    try:
        badge_set = _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no badge registered as {name!r}") from None
    if value_or_obj is None or isinstance(value_or_obj, str):
        return badge_set.badge(value_or_obj)
    return badge_set.badge(getattr(value_or_obj, badge_set.attribute), value_or_obj)
