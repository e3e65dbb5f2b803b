"""What a rule set offers the rest of the application: its capabilities, asked, never inferred.

Callers outside ``hoso.assessment`` never compare a rule-set code: they ask the rule set's
:class:`Capabilities` (``get_ruleset(code).capabilities`` or :func:`capabilities_for`) which
periods a class has, which columns a grade sheet shows, whether a subject has a term result,
which inputs the homeroom teacher gives, the learner's word and the circular's title. A new
circular is then a new rule set carrying its own capabilities, with no edit elsewhere.

Plain Python, no Django; not part of the compiled engine (``secondary_engine``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Result periods of a class.
TERM1, TERM2, YEAR = "term1", "term2", "year"

# How a rule set evaluates a student-year (the shape of the case the results build).
#: per term: subject averages / Đ-CĐ, training, learning levels, promotion (TT22, TT43)
BY_TERMS = "terms"
#: per checkpoint: subject levels T/H/C, tests, qualities and competencies, completion (TT27)
BY_CHECKPOINTS = "checkpoints"

# Kinds of grade-sheet column.
SCORE, COMMENT_RESULT, LEVEL, TEST, TEXT = "score", "comment", "level", "test", "text"

#: The checkpoints of a school year (mid-term and end of each term).
CHECKPOINTS = ("mid1", "end1", "mid2", "end2")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column of a (class, subject, term) grade sheet, as the rule set lays it out."""

    key: str
    label: str
    kind: str  # score | comment (Đ/CĐ) | level (T/H/C) | test (integer) | text
    required: bool
    checkpoint: str  # the checkpoint whose lock covers it: mid1 end1 mid2 end2
    periodic: bool  # periodic results have a test date and the 14-day rule


@dataclass(frozen=True)
class Capabilities:
    """What a rule set offers; every field is data the pages, the API and the prints ask."""

    #: "Thông tư số 22/2021/TT-BGDĐT" (the title printed on books and transcripts)
    circular: str
    #: how a student-year is evaluated: :data:`BY_TERMS` or :data:`BY_CHECKPOINTS`
    evaluation: str
    #: the result periods of a class, in order (``final`` comes after an approved year)
    periods: tuple[str, ...]
    #: "học sinh" / "học viên"
    learner: str
    #: period → label where the rule set words it otherwise ("Cuối học kỳ I")
    period_labels: Mapping[str, str] = field(default_factory=dict)
    #: a subject sheet shows the subject's term result (average or Đ/CĐ) computed by the rule set
    subject_term_result: bool = True
    #: the teacher may add regular-assessment columns beyond the required ones
    extra_regular_columns: bool = True
    #: the homeroom teacher gives a training result per term (and summer training)
    term_training: bool = True
    #: the year ends with re-tests and summer training for some students
    retest: bool = True
    #: checkpoints at which the homeroom teacher assesses qualities and competencies
    trait_checkpoints: tuple[str, ...] = ()
    #: subject level code → label (T/H/C at primary; empty: scores and Đ/CĐ)
    subject_levels: Mapping[str, str] = field(default_factory=dict)
    #: the headings of the year's two lists: moving up, and not
    promotion_label: str = "Lên lớp"
    repeat_label: str = "Ở lại lớp"
    #: how prints caption a subject's result, by the subject's assessment (score | comment)
    subject_result_captions: Mapping[str, str] = field(
        default_factory=lambda: {
            SCORE: "điểm trung bình môn học",
            COMMENT_RESULT: "kết quả đánh giá (Đạt/Chưa đạt)",
        }
    )
    #: the short heading of a subject's term-result column, by the subject's assessment
    term_result_headings: Mapping[str, str] = field(
        default_factory=lambda: {SCORE: "ĐTBmhk", COMMENT_RESULT: "Đánh giá"}
    )
    #: what a level means, in plain words for parents, by kind (``learning``, ``training``,
    #: ``title``, ``overall``, ``subject``) and code ("K" → "Tất cả các môn …"); empty for a
    #: rule set that does not word them
    meanings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.evaluation not in (BY_TERMS, BY_CHECKPOINTS):
            raise ValueError(f"evaluation must be {BY_TERMS!r} or {BY_CHECKPOINTS!r}")
        object.__setattr__(self, "period_labels", MappingProxyType(dict(self.period_labels)))
        object.__setattr__(self, "subject_levels", MappingProxyType(dict(self.subject_levels)))
        for name in ("subject_result_captions", "term_result_headings"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(
            self,
            "meanings",
            MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.meanings.items()}),
        )

    @property
    def by_checkpoints(self) -> bool:
        """Evaluated per checkpoint (levels, qualities, completion) rather than per term."""
        return self.evaluation == BY_CHECKPOINTS

    @property
    def learner_title(self) -> str:
        """The learner's word at the start of a title: "Học sinh", "Học viên"."""
        return self.learner[:1].upper() + self.learner[1:]

    def period_label(self, period: str, default: str) -> str:
        return self.period_labels.get(period, default)

    def subject_result_caption(self, assessment: str) -> str:
        """ "điểm trung bình môn học" (a scored subject), "kết quả đánh giá (Đạt/Chưa đạt)" (a
        commented one), "mức đạt được" (a TT27 subject): what a subject's result is called."""
        return self.subject_result_captions.get(assessment, self.subject_result_captions[SCORE])

    def meaning(self, kind: str, code: str | None) -> str:
        """What ``code`` (a level, a title) of ``kind`` means under this rule set, in plain
        words ("" when the rule set does not say)."""
        if not code:
            return ""
        return self.meanings.get(kind, {}).get(code, "")

    def term_result_heading(self, assessment: str) -> str:
        """The short heading of a subject's term-result column ("ĐTBmhk", "Đánh giá")."""
        return self.term_result_headings.get(assessment, self.term_result_headings[SCORE])


def term_checkpoints(term_number: int) -> tuple[str, str]:
    """The mid-term and end checkpoints of term 1 or 2."""
    return ("mid1", "end1") if term_number == 1 else ("mid2", "end2")
