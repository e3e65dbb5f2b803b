"""Which columns a grade sheet has, from the school's rule set, the subject and the grade.

The rule set lays the columns out (``RuleSet.sheet_columns``); this module turns them into
:class:`Column` objects and adds the grid's own policy (optional regular columns). For the
circulars of today: secondary (TT22/TT43): per term, regular ``TX1..TXn`` (n from the periods per year; more are
allowed, so two optional columns follow, and the teacher may add more up to ``MAX_REGULAR``), mid-term ``GK`` and end-term ``CK``; values are scores
0–10 with one decimal, or Đ/CĐ for comment subjects. Primary (TT27): per checkpoint of the term,
the level ``MUC_<cp>`` (T/H/C), the periodic test ``KT_<cp>`` (whole points, at the end of each
term for tested subjects, and at mid-term in grades 4–5 for Tiếng Việt and Toán) and the comment
``NX_<cp>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.assessment.rules import get_ruleset
from hoso.assessment.rules.capabilities import (  # noqa: F401 (the column kinds, re-exported)
    COMMENT_RESULT,
    LEVEL,
    SCORE,
    TEST,
    TEXT,
)
from hoso.organisation.rulesets import stored_code

EXTRA_REGULAR = 2
MAX_REGULAR = 12


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # score | comment (Đ/CĐ) | level (T/H/C) | test (integer) | text
    required: bool
    checkpoint: str  # the checkpoint whose lock covers it: mid1 end1 mid2 end2
    periodic: bool  # periodic results have a test date and the 14-day rule

    @property
    def dated(self) -> bool:
        """Carries a date for the whole class: the test date of a periodic column, or the day a
        regular assessment was made (its weekly deadline counts from that day)."""
        return self.periodic or self.key.startswith("TX")

    @property
    def choices(self) -> tuple[str, ...]:
        if self.kind == COMMENT_RESULT:
            return ("D", "CD")
        if self.kind == LEVEL:
            return ("T", "H", "C")
        return ()


def ruleset_code(year, level: str, grade: int | None = None) -> str:
    """The rule set of ``grade`` (of ``level``) in ``year``: the code the school stored for the
    grade or the level (``organisation.rulesets``), else the Ministry's roadmap. Callers that
    know the class pass its grade: grades of one level may differ."""
    code = stored_code(year, level, grade)
    if code:
        return code
    from hoso.assessment.rules import ruleset_code_for

    return ruleset_code_for(level, year.start_date.year, grade=grade)


def sheet_columns(*, subject, offering, term, ruleset: str, last_regular: int = 0) -> list[Column]:
    """The columns of one (class, subject, term) sheet, in display order. ``last_regular``: the
    highest regular column the teacher added beyond the default optional ones (``TX7`` → 7)."""
    specs = get_ruleset(ruleset).sheet_columns(
        assessment=subject.assessment,
        term_number=term.number,
        periods_per_year=getattr(offering, "periods_per_year", 70) if offering else 70,
        midterm_test=bool(getattr(offering, "midterm_test", False)),
        last_regular=last_regular,
        extra_regular=EXTRA_REGULAR,
        max_regular=MAX_REGULAR,
    )
    return [Column(s.key, s.label, s.kind, s.required, s.checkpoint, s.periodic) for s in specs]


def column_by_key(columns: list[Column], key: str) -> Column | None:
    return next((c for c in columns if c.key == key), None)
