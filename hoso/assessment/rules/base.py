"""The one small interface every rule set implements, and shared vocabulary.

A rule set is a plain object: ``code`` (the circular, e.g. ``"TT22_2021"``), ``version`` (of our
implementation of it), ``level`` (school levels it serves), ``params`` (a frozen dataclass of every
choice the text leaves open), ``capabilities`` (what the pages, the API and the prints ask of it:
periods, labels, homeroom inputs — :mod:`.capabilities`), ``sheet_columns(...)`` (the columns of a
subject's grade sheet in a term) and ``evaluate(case) -> result``. ``with_params`` returns a copy with
other parameters; nothing is global or mutable, so a closed school year evaluated with the code
stored for it always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .capabilities import Capabilities, ColumnSpec

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
    circular: str
    params: Any
    capabilities: Capabilities
    case_keys: ClassVar[tuple[str, ...]]

    def sheet_columns(
        self,
        *,
        assessment: str,
        term_number: int,
        periods_per_year: int,
        midterm_test: bool = False,
        last_regular: int = 0,
        extra_regular: int = 0,
        max_regular: int = 0,
    ) -> list[ColumnSpec]:
        """The columns of one subject's grade sheet in term 1 or 2, in display order."""
        ...

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
