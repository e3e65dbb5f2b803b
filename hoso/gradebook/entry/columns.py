"""Which columns a grade sheet has, from the school's rule set, the subject and the grade.

Secondary (TT22/TT43): per term, regular ``TX1..TXn`` (n from the periods per year; more are
allowed, so two optional columns follow, and the teacher may add more up to ``MAX_REGULAR``), mid-term ``GK`` and end-term ``CK``; values are scores
0–10 with one decimal, or Đ/CĐ for comment subjects. Primary (TT27): per checkpoint of the term,
the level ``MUC_<cp>`` (T/H/C), the periodic test ``KT_<cp>`` (whole points, at the end of each
term for tested subjects, and at mid-term in grades 4–5 for Tiếng Việt and Toán) and the comment
``NX_<cp>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.assessment.rules import get_ruleset, required_regular_count
from hoso.organisation.rulesets import stored_code

SCORE, COMMENT_RESULT, LEVEL, TEST, TEXT = "score", "comment", "level", "test", "text"
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


def _term_checkpoints(term_number: int) -> tuple[str, str]:
    return ("mid1", "end1") if term_number == 1 else ("mid2", "end2")


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
    mid, end = _term_checkpoints(term.number)
    if ruleset == "TT27_2020":
        tested = subject.assessment == "both"
        cols: list[Column] = []
        for cp, name in ((mid, "Giữa kỳ"), (end, "Cuối kỳ" if term.number == 1 else "Cuối năm")):
            cols.append(Column(f"MUC_{cp}", f"Mức {name}", LEVEL, True, cp, False))
            has_test = tested and (cp == end or (offering and offering.midterm_test))
            if has_test:
                cols.append(Column(f"KT_{cp}", f"Điểm KT {name}", TEST, True, cp, True))
            cols.append(Column(f"NX_{cp}", f"Nhận xét {name}", TEXT, False, cp, False))
        return cols
    kind = COMMENT_RESULT if subject.assessment == "comment" else SCORE
    periods = offering.periods_per_year if offering else 70
    params = get_ruleset(ruleset).params
    n = required_regular_count(periods, assessment=subject.assessment, params=params)
    cols = [Column(f"TX{i}", f"ĐĐGtx {i}", kind, True, end, False) for i in range(1, n + 1)]
    last = min(max(n + EXTRA_REGULAR, last_regular), MAX_REGULAR)
    cols += [
        Column(f"TX{i}", f"ĐĐGtx {i}", kind, False, end, False) for i in range(n + 1, last + 1)
    ]
    cols.append(Column("GK", "ĐĐGgk", kind, True, mid, True))
    cols.append(Column("CK", "ĐĐGck", kind, True, end, True))
    return cols


def column_by_key(columns: list[Column], key: str) -> Column | None:
    return next((c for c in columns if c.key == key), None)
