"""The one small interface every rule set implements, and shared vocabulary.

A rule set is a plain object: ``code`` (the circular, e.g. ``"TT22_2021"``), ``version`` (of our
implementation of it), ``level`` (school levels it serves), ``params`` (a frozen dataclass of every
choice the text leaves open) and ``evaluate(case) -> result``. ``with_params`` returns a copy with
other parameters; nothing is global or mutable, so a closed school year evaluated with the code
stored for it always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

# Learning / training levels (TT22, TT43), ordered so that comparisons mean "at least".
CHUA_DAT, DAT, KHA, TOT = 0, 1, 2, 3
LEVEL_CODES = ("CD", "D", "K", "T")
LEVEL_NAMES = ("Chưa đạt", "Đạt", "Khá", "Tốt")
#: accepted spellings of a level → its rank
LEVEL_INPUT = {
    "T": TOT,
    "K": KHA,
    "D": DAT,
    "Đ": DAT,
    "CD": CHUA_DAT,
    "CĐ": CHUA_DAT,
    "Tốt": TOT,
    "Khá": KHA,
    "Đạt": DAT,
    "Chưa đạt": CHUA_DAT,
}
#: accepted spellings of a comment result (Đạt / Chưa đạt) → passed?
COMMENT_INPUT = {
    "D": True,
    "Đ": True,
    "Đạt": True,
    "CD": False,
    "CĐ": False,
    "Chưa đạt": False,
}

Case = Mapping[str, Any]
Result = dict[str, Any]


@runtime_checkable
class RuleSet(Protocol):
    """What the web app and the command line rely on."""

    code: str
    version: str
    level: tuple[str, ...]
    title: str
    params: Any
    case_keys: ClassVar[tuple[str, ...]]

    def evaluate(self, case: Case) -> Result:
        """Evaluate one case (a JSON-like mapping); never raises for bad data inside the case."""
        ...

    def with_params(self, **overrides: Any) -> RuleSet:
        """The same rule set with some parameters changed (validated)."""
        ...

    @property
    def version_label(self) -> str:
        """``"TT22_2021@1.0"`` (``+params`` when parameters differ from the defaults)."""
        ...


def vi_number(tenths: int) -> str:
    """Tenths as Vietnamese text with a comma: 64 → "6,4"."""
    return f"{tenths // 10},{tenths % 10}"


def join_vi(items: list[str]) -> str:
    """ "a", "a và b", "a, b và c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]
