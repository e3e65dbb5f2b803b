"""Secondary assessment (THCS/THPT): the rule sets TT22/2021 and TT43/2021.

REGULATIONS.md §1 (TT22) and §3 (TT43 differences). The two circulars differ only in parameters
(:class:`SecondaryParams`), so one engine evaluates both; ``tt22_2021`` and ``tt43_2021`` hold the
parameter values and say which of them are UNCONFIRMED.

The evaluation itself is in :mod:`.secondary_engine` (pure Python, the source of truth). When
``python -m hoso.assessment.build`` has compiled a copy of it (mypyc) from exactly the current
source, that copy is used instead; it gives the same results, faster. ``HOSO_ASSESSMENT_ENGINE``
chooses: ``auto`` (default), ``pure`` (never the compiled copy) or ``compiled`` (fail if it is not
usable). :data:`ENGINE` says which one is active.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from . import secondary_engine as _pure_engine
from .base import Case, Result
from .capabilities import (
    BY_TERMS,
    COMMENT_RESULT,
    SCORE,
    TERM1,
    TERM2,
    YEAR,
    Capabilities,
    ColumnSpec,
    term_checkpoints,
)

#: Name of the compiled copy of :mod:`.secondary_engine` (built, never committed).
COMPILED_MODULE = "_secondary_engine_compiled"


#: The engine and the modules it imports: a compiled copy is used only if built from these.
ENGINE_SOURCES = ("secondary_engine.py", "base.py", "errors.py", "scores.py")


def source_digest() -> str:
    """SHA-256 over :data:`ENGINE_SOURCES` (the stamp a usable compiled engine carries)."""
    folder = os.path.dirname(os.path.abspath(_pure_engine.__file__))
    digest = hashlib.sha256()
    for name in ENGINE_SOURCES:
        with open(os.path.join(folder, name), "rb") as source:
            digest.update(name.encode() + b"\0" + source.read() + b"\0")
    return digest.hexdigest()


def _load_engine() -> tuple[ModuleType, str]:
    """The engine module to use and a short description of the choice."""
    choice = os.environ.get("HOSO_ASSESSMENT_ENGINE", "auto").strip().lower() or "auto"
    if choice not in ("auto", "pure", "compiled"):
        raise ImportError(f"HOSO_ASSESSMENT_ENGINE must be auto, pure or compiled, not {choice!r}")
    if choice == "pure":
        return _pure_engine, "pure (HOSO_ASSESSMENT_ENGINE=pure)"
    try:
        from . import _secondary_engine_compiled as compiled  # type: ignore[attr-defined]
    except ImportError as exc:
        engine, why = "pure", f"no compiled engine: {exc}"
    else:
        try:
            current = source_digest()
        except OSError as exc:
            engine = why = f"pure (cannot read the engine's sources: {exc})"
        else:
            if getattr(compiled, "SOURCE_SHA256", None) == current:
                return compiled, "compiled (mypyc)"
            engine = why = (
                "pure (the compiled engine is stale: rebuild with python -m hoso.assessment.build)"
            )
    if choice == "compiled":
        raise ImportError(f"HOSO_ASSESSMENT_ENGINE=compiled but {why}")
    return _pure_engine, engine


#: The engine module in use (:mod:`.secondary_engine` or its compiled copy) and how it was chosen.
ENGINE_MODULE, ENGINE = _load_engine()


@dataclass(frozen=True, slots=True)
class SecondaryParams:
    """Every number and choice of the secondary rules. Scores and thresholds are in tenths.

    Items marked UNCONFIRMED in REGULATIONS.md are parameters so a school (or a later
    confirmation) can change them without touching code; docs/ASSESSMENT-RULES.md lists them.
    """

    # §1.3 — regular results (ĐĐGtx) per term: periods per year ≤ limit → count; else `above`.
    regular_count_bands: tuple[tuple[int, int], ...] = ((35, 2), (70, 3))
    regular_count_above: int = 4
    comment_regular_count: int = 2
    #: UNCONFIRMED §1.3: a THPT chuyên đề result ("topic") counts as one regular result.
    topic_counts_as_regular: bool = True
    #: UNCONFIRMED §1.4: treat a missing mid/end-of-term result as 0 / Chưa đạt (else: error).
    missing_periodic_as_zero: bool = False
    #: UNCONFIRMED §1.5: term Đạt needs this share of results Đạt (numerator, denominator) ...
    comment_pass_ratio: tuple[int, int] = (2, 3)
    #: ... including the end-of-term result.
    comment_final_must_pass: bool = True
    #: UNCONFIRMED §1.5: "term2" (year = HK II) or "both_terms" (year Đạt only if both Đạt).
    comment_year_rule: str = "term2"
    # §1.6 — learning levels. UNCONFIRMED for TT43: 5 instead of 6.
    min_subjects: int = 6
    good_all_min: int = 65
    good_count_min: int = 80
    fair_all_min: int = 50
    fair_count_min: int = 65
    pass_count_min: int = 50
    pass_floor: int = 35
    pass_max_comment_fail: int = 1
    #: Điều 9 k3 single-subject adjustment.
    adjustment: bool = True
    #: UNCONFIRMED §1.6 (interpretation): the single subject may be a comment subject.
    adjustment_includes_comment_subjects: bool = True
    # §1.8 — promotion, re-test, summer training.
    absence_limit: int = 45
    retest_below: int = 50
    #: UNCONFIRMED §1.8: both training and learning Chưa đạt → summer training first; re-test
    #: only if the re-assessed training is at least Đạt.
    summer_before_retest: bool = True
    # §1.10 — titles.
    excellent_min: int = 90
    excellent_min_subjects: int = 6
    # Wording: TT43 says "học viên" and "Giám đốc".
    learner: str = "học sinh"
    head: str = "Hiệu trưởng"
    final_grades: tuple[int, ...] = (9, 12)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.type == "bool" and not isinstance(value, bool):
                raise ValueError(f"{f.name} must be true or false")
            if f.type == "int" and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise ValueError(f"{f.name} must be a non-negative integer")
        if self.comment_year_rule not in ("term2", "both_terms"):
            raise ValueError("comment_year_rule must be 'term2' or 'both_terms'")
        num, den = self.comment_pass_ratio
        if not (0 <= num <= den and den > 0):
            raise ValueError("comment_pass_ratio must be (numerator, denominator), 0 ≤ n ≤ d")


def required_regular_count(
    periods_per_year: int, *, assessment: str = "score", params: SecondaryParams | None = None
) -> int:
    """How many regular results (ĐĐGtx) a term needs (REGULATIONS.md §1.3).

    Comment subjects: 2 whatever the periods; score subjects: ≤35 → 2, 36–70 → 3, >70 → 4.
    These are minimums: more results are allowed.
    """
    p = params or _DEFAULT
    if assessment == "comment":
        return p.comment_regular_count
    for limit, count in p.regular_count_bands:
        if periods_per_year <= limit:
            return count
    return p.regular_count_above


_DEFAULT = SecondaryParams()


def _vi_tenths(tenths: int) -> str:
    return f"{tenths // 10},{tenths % 10}"


def secondary_meanings(p: SecondaryParams) -> dict[str, dict[str, str]]:
    """What each level and title means, in words a parent reads (Điều 8, 9 and 15 of the
    circular), with this rule set's numbers."""
    learner = p.learner
    k = p.min_subjects
    fails = p.pass_max_comment_fail
    comment_ok = "Mọi môn đánh giá bằng nhận xét đều Đạt"
    return {
        "learning": {
            "T": (
                f"{comment_ok}; mọi môn tính điểm có điểm trung bình từ "
                f"{_vi_tenths(p.good_all_min)} trở lên, trong đó ít nhất {k} môn từ "
                f"{_vi_tenths(p.good_count_min)} trở lên."
            ),
            "K": (
                f"{comment_ok}; mọi môn tính điểm có điểm trung bình từ "
                f"{_vi_tenths(p.fair_all_min)} trở lên, trong đó ít nhất {k} môn từ "
                f"{_vi_tenths(p.fair_count_min)} trở lên."
            ),
            "D": (
                f"Nhiều nhất {fails} môn đánh giá bằng nhận xét Chưa đạt; ít nhất {k} môn tính "
                f"điểm có điểm trung bình từ {_vi_tenths(p.pass_count_min)} trở lên và không môn "
                f"nào dưới {_vi_tenths(p.pass_floor)}."
            ),
            "CD": "Chưa đạt các điều kiện của mức Đạt.",
        },
        "training": {
            "T": "Đáp ứng tốt yêu cầu cần đạt về phẩm chất, có nhiều biểu hiện nổi bật.",
            "K": "Đáp ứng yêu cầu cần đạt về phẩm chất, có biểu hiện nổi bật nhưng chưa đạt mức Tốt.",
            "D": "Đáp ứng yêu cầu cần đạt về phẩm chất.",
            "CD": "Chưa đáp ứng yêu cầu cần đạt về phẩm chất.",
        },
        "title": {
            "XUAT_SAC": (
                f"Rèn luyện và học tập cả năm đều mức Tốt, có ít nhất {p.excellent_min_subjects} "
                f"môn điểm trung bình cả năm từ {_vi_tenths(p.excellent_min)} trở lên."
            ),
            "GIOI": "Rèn luyện và học tập cả năm đều mức Tốt.",
        },
        "subject": {
            "D": f"Môn đánh giá bằng nhận xét: {learner} đạt yêu cầu của môn học.",
            "CD": f"Môn đánh giá bằng nhận xét: {learner} chưa đạt yêu cầu của môn học.",
        },
    }


class SecondaryRuleSet:
    """TT22/2021-style evaluation of one THCS/THPT student-year (also TT43/2021)."""

    case_keys = ("ruleset", "grade", "subjects", "training", "absences", "retest", "disabled")

    def __init__(
        self,
        *,
        code: str,
        version: str,
        level: tuple[str, ...],
        title: str,
        params: SecondaryParams,
        circular: str = "",
        default_params: SecondaryParams | None = None,
        engine: ModuleType | None = None,
    ) -> None:
        self.code = code
        self.version = version
        self.level = level
        self.title = title
        self.params = params
        self.circular = circular
        self.capabilities = Capabilities(
            circular=circular,
            evaluation=BY_TERMS,
            periods=(TERM1, TERM2, YEAR),
            learner=params.learner,
            meanings=secondary_meanings(params),
        )
        self._default_params = default_params or params
        custom = "" if params == self._default_params else "+params"
        self._version_label = f"{code}@{version}{custom}"
        self._engine_module = engine or ENGINE_MODULE
        self._engine = self._engine_module.Engine(params, self._version_label)
        # The engine's bound method, so that a call costs one Python call, not two.
        self.evaluate = self._engine.evaluate  # type: ignore[method-assign]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.version_label}>"

    @property
    def version_label(self) -> str:
        return self._version_label

    def with_params(self, **overrides: Any) -> SecondaryRuleSet:
        return SecondaryRuleSet(
            code=self.code,
            version=self.version,
            level=self.level,
            title=self.title,
            params=dataclasses.replace(self.params, **overrides),
            circular=self.circular,
            default_params=self._default_params,
            engine=self._engine_module,
        )

    def with_engine(self, engine: ModuleType) -> SecondaryRuleSet:
        """The same rule set evaluated by another engine module (tests: pure vs compiled)."""
        return SecondaryRuleSet(
            code=self.code,
            version=self.version,
            level=self.level,
            title=self.title,
            params=self.params,
            circular=self.circular,
            default_params=self._default_params,
            engine=engine,
        )

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
        """A term's columns: the required regular ``TX1..TXn`` (n from the periods per year,
        §1.3), ``extra_regular`` optional ones (or up to ``last_regular`` when the teacher added
        more; at most ``max_regular``), mid-term ``GK`` and end-term ``CK``. Scores, or Đ/CĐ for
        comment subjects. ``midterm_test`` is a primary notion: ignored here."""
        mid, end = term_checkpoints(term_number)
        kind = COMMENT_RESULT if assessment == "comment" else SCORE
        n = required_regular_count(periods_per_year, assessment=assessment, params=self.params)
        cols = [ColumnSpec(f"TX{i}", f"ĐĐGtx {i}", kind, True, end, False) for i in range(1, n + 1)]
        last = min(max(n + extra_regular, last_regular), max(max_regular, n))
        cols += [
            ColumnSpec(f"TX{i}", f"ĐĐGtx {i}", kind, False, end, False)
            for i in range(n + 1, last + 1)
        ]
        cols.append(ColumnSpec("GK", "ĐĐGgk", kind, True, mid, True))
        cols.append(ColumnSpec("CK", "ĐĐGck", kind, True, end, True))
        return cols

    def evaluate(self, case: Case) -> Result:  # replaced per instance by the engine's method
        """Evaluate one case (a JSON-like mapping); never raises for bad data inside the case."""
        return self._engine.evaluate(case)  # type: ignore[no-any-return]

    def rank(self, ordered: list[int], comment_fails: int) -> int:
        """Learning level (Điều 9 k2) before the single-subject adjustment.

        ``ordered``: score-subject averages in tenths, ascending; ``comment_fails``: how many
        comment subjects are Chưa đạt.
        """
        return self._engine.rank(ordered, comment_fails)  # type: ignore[no-any-return]

    def level_of(
        self, scores: list[int], comments: list[bool]
    ) -> tuple[int, int, tuple[bool, int] | None]:
        """``(level, level before adjustment, culprit)`` of one period (Điều 9 k2, k3)."""
        level, raw, culprit, _, _ = self._engine.level(scores, comments)
        return level, raw, culprit
