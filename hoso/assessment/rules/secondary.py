"""Secondary assessment (THCS/THPT): the engine shared by TT22/2021 and TT43/2021.

REGULATIONS.md §1 (TT22) and §3 (TT43 differences). The two circulars differ only in parameters
(:class:`SecondaryParams`), so one engine evaluates both; ``tt22_2021`` and ``tt43_2021`` hold the
parameter values and say which of them are UNCONFIRMED.

Scores are integer tenths (see :mod:`.scores`); a missing or invalid input makes every result
that depends on it ``None`` and adds an error, while everything else is still evaluated.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import (
    CHUA_DAT,
    COMMENT_INPUT,
    DAT,
    KHA,
    LEVEL_CODES,
    LEVEL_INPUT,
    LEVEL_NAMES,
    TOT,
    Case,
    Result,
    join_vi,
    vi_number,
)
from .errors import ErrorCode, InvalidScore, issue
from .scores import divide_half_up, parse_tenths, tenths_or_check

_TERM_LABEL = {"term1": "học kì I", "term2": "học kì II"}
_PERIOD_LABEL = {
    "term1": "học kì I",
    "term2": "học kì II",
    "year": "cả năm",
    "year_after_retest": "cả năm sau kiểm tra lại",
}
_COMMENT_CODE = ("CD", "D")

#: Year training result from (term 1, term 2), REGULATIONS.md §1.7; index [term1][term2].
TRAINING_YEAR = (
    # HK II:  CD        D        K      T          HK I
    (CHUA_DAT, DAT, DAT, KHA),  # CD
    (CHUA_DAT, DAT, KHA, KHA),  # D
    (CHUA_DAT, DAT, KHA, TOT),  # K
    (CHUA_DAT, KHA, KHA, TOT),  # T
)

LEN_LOP = "LEN_LOP"
KIEM_TRA_LAI = "KIEM_TRA_LAI"
REN_LUYEN_HE = "REN_LUYEN_HE"
REN_LUYEN_HE_VA_KIEM_TRA_LAI = "REN_LUYEN_HE_VA_KIEM_TRA_LAI"
O_LAI_LOP = "O_LAI_LOP"


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


class _Subject:
    """Per-subject working data (internal)."""

    __slots__ = ("code", "name", "score", "results", "valid", "output")

    def __init__(self, code: str, name: str, score: bool) -> None:
        self.code = code
        self.name = name
        self.score = score
        self.results: dict[str, Any] = {}  # period → tenths / bool / None
        self.valid = True
        self.output: dict[str, Any] = {}


class SecondaryRuleSet:
    """TT22/2021-style evaluation of one THCS/THPT student-year."""

    case_keys = ("ruleset", "grade", "subjects", "training", "absences", "retest", "disabled")

    def __init__(
        self,
        *,
        code: str,
        version: str,
        level: tuple[str, ...],
        title: str,
        params: SecondaryParams,
        default_params: SecondaryParams | None = None,
    ) -> None:
        self.code = code
        self.version = version
        self.level = level
        self.title = title
        self.params = params
        self._default_params = default_params or params
        self._required_cache: dict[object, int] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.version_label}>"

    @property
    def version_label(self) -> str:
        custom = "" if self.params == self._default_params else "+params"
        return f"{self.code}@{self.version}{custom}"

    def with_params(self, **overrides: Any) -> SecondaryRuleSet:
        return SecondaryRuleSet(
            code=self.code,
            version=self.version,
            level=self.level,
            title=self.title,
            params=dataclasses.replace(self.params, **overrides),
            default_params=self._default_params,
        )

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, case: Case) -> Result:
        p = self.params
        errors: list[dict] = []
        warnings: list[dict] = []
        explanation: list[str] = []

        subjects, out_subjects, complete = self._subjects(case.get("subjects"), errors)
        scored = [s for s in subjects if s.score]
        commented = [s for s in subjects if not s.score]

        learning: dict[str, int | None] = {}
        for period in ("term1", "term2", "year"):
            rank, sentence = self._learning_level(period, scored, commented, complete)
            learning[period] = rank
            explanation.append(sentence)
        if len(scored) < p.min_subjects and (scored or complete):
            warnings.append(
                issue(
                    ErrorCode.MANUAL_REVIEW,
                    None,
                    f"Chỉ có {len(scored)} môn tính điểm (ít hơn {p.min_subjects}): các mức Tốt, "
                    "Khá, Đạt không thể đạt theo điều kiện số môn; cần xem xét thủ công "
                    "(miễn học, khuyết tật).",
                )
            )

        training = self._training(case.get("training"), errors, explanation)
        absences = self._absences(case.get("absences"), errors)
        title = self._title(training, learning["year"], scored, explanation)
        decision, retest_subjects = self._decision(
            case.get("grade"), training, learning["year"], absences, scored, commented, explanation
        )
        if case.get("disabled") is True:
            warnings.append(
                issue(
                    ErrorCode.MANUAL_REVIEW,
                    None,
                    f"{p.learner.capitalize()} khuyết tật: {p.head} quyết định việc lên lớp dựa "
                    "trên kết quả đánh giá theo Điều 11; quyết định trên chỉ là đề xuất.",
                )
            )
        after_retest, after_summer, final_decision = self._after_summer(
            case, decision, retest_subjects, scored, commented, errors, warnings, explanation
        )
        return {
            "ruleset_version": self.version_label,
            "subjects": out_subjects,
            "learning": {
                "term1": _code(learning["term1"]),
                "term2": _code(learning["term2"]),
                "year": _code(learning["year"]),
                "year_after_retest": _code(after_retest),
            },
            "training": {"year": _code(training), "year_after_summer": _code(after_summer)},
            "title": title,
            "decision": decision,
            "retest_subjects": [s.code for s in retest_subjects],
            "final_decision": final_decision,
            "errors": errors,
            "warnings": warnings,
            "explanation": explanation,
        }

    # ------------------------------------------------------------------ subjects

    def _subjects(
        self, raw: object, errors: list[dict]
    ) -> tuple[list[_Subject], dict[str, dict], bool]:
        """Parse and evaluate every subject.

        Returns the counted subjects (exempt ones left out), the output per subject code, and
        ``complete``: False when a subject is unusable, so no level can be computed.
        """
        if not isinstance(raw, list):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT if raw is not None else ErrorCode.MISSING_INPUT,
                    None,
                    "Thiếu danh sách môn học (subjects phải là một mảng).",
                )
            )
            return [], {}, False
        counted: list[_Subject] = []
        output: dict[str, dict] = {}
        complete = True
        for index, item in enumerate(raw):
            subject = self._subject(item, index, errors)
            if subject is None:
                complete = False
                continue
            if subject.code in output:
                errors.append(
                    issue(
                        ErrorCode.BAD_INPUT,
                        subject.code,
                        f"Môn {subject.code} xuất hiện hai lần; lần sau bị bỏ qua.",
                    )
                )
                complete = False
                continue
            output[subject.code] = subject.output
            if subject.valid:
                counted.append(subject)
        return counted, output, complete

    def _subject(self, item: object, index: int, errors: list[dict]) -> _Subject | None:
        if not isinstance(item, Mapping):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    None,
                    f"Môn học thứ {index + 1} không phải là một đối tượng.",
                )
            )
            return None
        code = item.get("code")
        if not isinstance(code, str) or not code:
            errors.append(
                issue(ErrorCode.BAD_INPUT, None, f"Môn học thứ {index + 1} thiếu mã môn (code).")
            )
            return None
        name = item.get("name")
        if not isinstance(name, str) or not name:
            name = code
        kind = item.get("assessment")
        if kind == "score":
            subject = _Subject(code, name, True)
        elif kind == "comment":
            subject = _Subject(code, name, False)
        else:
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    code,
                    f"Môn {name}: hình thức đánh giá (assessment) phải là “score” hoặc “comment”.",
                )
            )
            return None
        if item.get("exempt") is True:
            subject.valid = False
            subject.output = {"term1": None, "term2": None, "year": None, "exempt": True}
            return subject
        required = self._required(item, subject, errors)
        results = subject.results
        if subject.score:
            t1 = self._score_term(item.get("term1"), required, subject, "term1", errors)
            t2 = self._score_term(item.get("term2"), required, subject, "term2", errors)
            year = None if t1 is None or t2 is None else (2 * (t1 + 2 * t2) + 3) // 6
            results["term1"] = t1
            results["term2"] = t2
            results["year"] = year
            subject.output = {
                "term1": None if t1 is None else t1 / 10,
                "term2": None if t2 is None else t2 / 10,
                "year": None if year is None else year / 10,
            }
        else:
            c1 = self._comment_term(item.get("term1"), required, subject, "term1", errors)
            c2 = self._comment_term(item.get("term2"), required, subject, "term2", errors)
            if self.params.comment_year_rule == "term2":
                cy = c2
            else:
                cy = None if c1 is None or c2 is None else (c1 and c2)
            results["term1"] = c1
            results["term2"] = c2
            results["year"] = cy
            subject.output = {
                "term1": None if c1 is None else _COMMENT_CODE[c1],
                "term2": None if c2 is None else _COMMENT_CODE[c2],
                "year": None if cy is None else _COMMENT_CODE[cy],
            }
        return subject

    def _required(self, item: Mapping, subject: _Subject, errors: list[dict]) -> int | None:
        override = item.get("regular_required")
        if override is not None:
            if isinstance(override, int) and not isinstance(override, bool) and override >= 0:
                return override
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    subject.code,
                    f"Môn {subject.name}: regular_required phải là số nguyên không âm.",
                )
            )
            return None
        if not subject.score:
            return self.params.comment_regular_count
        periods = item.get("periods_per_year")
        try:
            return self._required_cache[periods]
        except (KeyError, TypeError):
            pass
        if isinstance(periods, bool) or not isinstance(periods, (int, float)) or periods <= 0:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if periods is None else ErrorCode.BAD_INPUT,
                    subject.code,
                    f"Môn {subject.name}: cần số tiết/năm (periods_per_year) là số dương để biết "
                    "số điểm đánh giá thường xuyên phải có.",
                )
            )
            return None
        count = required_regular_count(periods, params=self.params)  # type: ignore[arg-type]
        if len(self._required_cache) < 1000:
            self._required_cache[periods] = count
        return count

    def _score_term(
        self, term: object, required: int | None, subject: _Subject, period: str, errors: list
    ) -> int | None:
        """Term average in tenths (fast path for clean input, careful path otherwise)."""
        try:
            regular = term["regular"]  # type: ignore[index]
            if regular.__class__ is list and required is not None and "topic" not in term:  # type: ignore[operator]
                n = len(regular)
                total = (
                    sum(map(tenths_or_check, regular))
                    + 2 * tenths_or_check(term["midterm"])  # type: ignore[index]
                    + 3 * tenths_or_check(term["final"])  # type: ignore[index]
                )
                if total >= 0 and n >= required:
                    return (2 * total + n + 5) // (2 * (n + 5))
        except (KeyError, TypeError, AttributeError):
            pass
        return self._score_term_careful(term, required, subject, period, errors)

    def _score_term_careful(
        self, term: object, required: int | None, subject: _Subject, period: str, errors: list
    ) -> int | None:
        p = self.params
        label = _TERM_LABEL[period]
        where = f"Môn {subject.name}, {label}"
        ok = required is not None
        if not isinstance(term, Mapping):
            if term is not None:
                errors.append(
                    issue(ErrorCode.BAD_INPUT, subject.code, f"{where}: dữ liệu sai dạng.")
                )
            term = {}
        regular = term.get("regular")
        if regular is None:
            regular = []
        elif not isinstance(regular, list):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT, subject.code, f"{where}: “regular” phải là một mảng điểm."
                )
            )
            regular = []
            ok = False
        values: list[int] = []
        for position, value in enumerate(regular, start=1):
            if value is None:
                continue
            tenths = self._parse(
                value, subject, f"{where}, điểm thường xuyên thứ {position}", errors
            )
            if tenths is None:
                ok = False
            else:
                values.append(tenths)
        topic = term.get("topic")
        if topic is not None and p.topic_counts_as_regular:
            tenths = self._parse(topic, subject, f"{where}, điểm chuyên đề học tập", errors)
            if tenths is None:
                ok = False
            else:
                values.append(tenths)
        if required is not None and len(values) < required:
            errors.append(
                issue(
                    ErrorCode.MISSING_REGULAR,
                    subject.code,
                    f"{where}: có {len(values)} điểm đánh giá thường xuyên, cần ít nhất {required}.",
                )
            )
            ok = False
        periodic = []
        for key, what in (("midterm", "giữa kì"), ("final", "cuối kì")):
            value = term.get(key)
            if value is None:
                if p.missing_periodic_as_zero:
                    periodic.append(0)
                    continue
                errors.append(
                    issue(
                        ErrorCode.MISSING_PERIODIC,
                        subject.code,
                        f"{where}: thiếu điểm đánh giá {what}.",
                    )
                )
                ok = False
                continue
            tenths = self._parse(value, subject, f"{where}, điểm {what}", errors)
            if tenths is None:
                ok = False
            else:
                periodic.append(tenths)
        if not ok:
            return None
        midterm, final = periodic
        return divide_half_up(sum(values) + 2 * midterm + 3 * final, len(values) + 5)

    @staticmethod
    def _parse(value: object, subject: _Subject, where: str, errors: list) -> int | None:
        try:
            return parse_tenths(value)
        except InvalidScore as exc:
            errors.append(issue(exc.code, subject.code, f"{where}: {exc.message}"))
            return None

    def _comment_term(
        self, term: object, required: int | None, subject: _Subject, period: str, errors: list
    ) -> bool | None:
        p = self.params
        try:
            regular = term["regular"]  # type: ignore[index]
            if regular.__class__ is list and required is not None and len(regular) >= required:
                final = COMMENT_INPUT[term["final"]]  # type: ignore[index]
                passed = (
                    sum(map(COMMENT_INPUT.__getitem__, regular))
                    + COMMENT_INPUT[
                        term["midterm"]  # type: ignore[index]
                    ]
                    + final
                )
                if "topic" not in term:  # type: ignore[operator]
                    num, den = p.comment_pass_ratio
                    return passed * den >= num * (len(regular) + 2) and (
                        final or not p.comment_final_must_pass
                    )
        except (KeyError, TypeError, AttributeError):
            pass
        return self._comment_term_careful(term, required, subject, period, errors)

    def _comment_term_careful(
        self, term: object, required: int | None, subject: _Subject, period: str, errors: list
    ) -> bool | None:
        p = self.params
        where = f"Môn {subject.name}, {_TERM_LABEL[period]}"
        ok = required is not None
        if not isinstance(term, Mapping):
            if term is not None:
                errors.append(
                    issue(ErrorCode.BAD_INPUT, subject.code, f"{where}: dữ liệu sai dạng.")
                )
            term = {}
        regular = term.get("regular")
        if regular is None:
            regular = []
        elif not isinstance(regular, list):
            errors.append(
                issue(ErrorCode.BAD_INPUT, subject.code, f"{where}: “regular” phải là một mảng.")
            )
            regular = []
            ok = False
        results: list[bool] = []
        items = [(f"nhận xét thường xuyên thứ {i}", v) for i, v in enumerate(regular, start=1)]
        topic = term.get("topic")
        if topic is not None and p.topic_counts_as_regular:
            items.append(("kết quả chuyên đề học tập", topic))
        for what, value in items:
            if value is None:
                continue
            result = self._comment_value(value, subject, f"{where}, {what}", errors)
            if result is None:
                ok = False
            else:
                results.append(result)
        if required is not None and len(results) < required:
            errors.append(
                issue(
                    ErrorCode.MISSING_REGULAR,
                    subject.code,
                    f"{where}: có {len(results)} kết quả đánh giá thường xuyên, cần ít nhất "
                    f"{required}.",
                )
            )
            ok = False
        final_passed = False
        for key, what in (("midterm", "giữa kì"), ("final", "cuối kì")):
            value = term.get(key)
            if value is None:
                if p.missing_periodic_as_zero:
                    results.append(False)
                    continue
                errors.append(
                    issue(
                        ErrorCode.MISSING_PERIODIC,
                        subject.code,
                        f"{where}: thiếu kết quả đánh giá {what}.",
                    )
                )
                ok = False
                continue
            result = self._comment_value(value, subject, f"{where}, kết quả {what}", errors)
            if result is None:
                ok = False
                continue
            results.append(result)
            if key == "final":
                final_passed = result
        if not ok:
            return None
        num, den = p.comment_pass_ratio
        return sum(results) * den >= num * len(results) and (
            final_passed or not p.comment_final_must_pass
        )

    @staticmethod
    def _comment_value(value: object, subject: _Subject, where: str, errors: list) -> bool | None:
        try:
            return COMMENT_INPUT[value]  # type: ignore[index]
        except (KeyError, TypeError):
            errors.append(
                issue(
                    ErrorCode.UNKNOWN_LEVEL,
                    subject.code,
                    f"{where}: “{value}” không phải là Đạt (D) hoặc Chưa đạt (CD).",
                )
            )
            return None

    # ------------------------------------------------------------------ learning level

    def rank(self, sorted_scores: list[int], comment_fails: int) -> int:
        """Learning level (Điều 9 k2) from ascending score tenths and the number of comment
        subjects Chưa đạt, before the single-subject adjustment."""
        p = self.params
        n = len(sorted_scores)
        lowest = sorted_scores[0] if n else 100
        k = p.min_subjects
        if comment_fails == 0:
            if lowest >= p.good_all_min and n - bisect_left(sorted_scores, p.good_count_min) >= k:
                return TOT
            if lowest >= p.fair_all_min and n - bisect_left(sorted_scores, p.fair_count_min) >= k:
                return KHA
        if (
            comment_fails <= p.pass_max_comment_fail
            and lowest >= p.pass_floor
            and n - bisect_left(sorted_scores, p.pass_count_min) >= k
        ):
            return DAT
        return CHUA_DAT

    def level_of(
        self, scores: list[int], comments: list[bool]
    ) -> tuple[int, int, tuple[bool, int] | None]:
        """(level, level before adjustment, culprit) for one period.

        ``culprit`` is ``(is_score_subject, index)`` of the single subject that lowered the level
        by two or more (Điều 9 k3), when the adjustment applied.
        """
        p = self.params
        ordered = sorted(scores)
        fails = comments.count(False)
        level = self.rank(ordered, fails)
        if not p.adjustment or level > DAT:
            return level, level, None
        best, culprit = level, None
        tried: set[int] = set()
        for index, value in enumerate(scores):
            if value >= p.good_count_min or value in tried:
                continue
            tried.add(value)
            others = ordered.copy()
            others.remove(value)
            others.append(100)
            would_be = self.rank(others, fails)
            if would_be > best:
                best, culprit = would_be, (True, index)
        if fails and p.adjustment_includes_comment_subjects:
            would_be = self.rank(ordered, fails - 1)
            if would_be > best:
                best, culprit = would_be, (False, comments.index(False))
        if best - level >= 2:
            return level + 1, level, culprit
        return level, level, None

    def _learning_level(
        self, period: str, scored: list[_Subject], commented: list[_Subject], complete: bool
    ) -> tuple[int | None, str]:
        scores = [s.results[period] for s in scored]
        comments = [s.results[period] for s in commented]
        label = _PERIOD_LABEL[period]
        if not complete or None in scores or None in comments:
            missing = [s.name for s in scored + commented if s.results.get(period) is None]
            why = f"thiếu kết quả môn {join_vi(missing)}" if missing else "dữ liệu môn học chưa đủ"
            return None, f"Chưa xác định kết quả học tập {label}: {why}."
        return self._explain_level(label, scores, comments, scored, commented)

    def _explain_level(
        self,
        label: str,
        scores: list[int],
        comments: list[bool],
        scored: list[_Subject],
        commented: list[_Subject],
    ) -> tuple[int, str]:
        p = self.params
        level, raw, culprit = self.level_of(scores, comments)
        k = p.min_subjects
        head = f"Kết quả học tập {label} {LEVEL_NAMES[level]}"
        if culprit is not None:
            is_score, index = culprit
            if is_score:
                what = f"môn {scored[index].name} ({vi_number(scores[index])})"
            else:
                what = f"môn {commented[index].name} (Chưa đạt)"
            return level, (
                f"{head}: theo điều kiện chỉ đạt mức {LEVEL_NAMES[raw]}, bị hạ từ 2 mức trở lên "
                f"chỉ do {what} nên được điều chỉnh lên mức liền kề (Điều 9 khoản 3)."
            )
        fails = [commented[i].name for i, ok in enumerate(comments) if not ok]
        if level == TOT:
            met = (
                f"mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ "
                f"{vi_number(p.good_all_min)} trở lên và "
                f"{sum(1 for v in scores if v >= p.good_count_min)} môn từ "
                f"{vi_number(p.good_count_min)} trở lên"
            )
            return level, f"{head}: {met}."
        if level == KHA:
            met = (
                f"mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ "
                f"{vi_number(p.fair_all_min)} trở lên và "
                f"{sum(1 for v in scores if v >= p.fair_count_min)} môn từ "
                f"{vi_number(p.fair_count_min)} trở lên"
            )
            low, count_min = p.good_all_min, p.good_count_min
        elif level == DAT:
            met = (
                f"{len(fails)} môn đánh giá bằng nhận xét Chưa đạt (tối đa "
                f"{p.pass_max_comment_fail}), không môn nào dưới {vi_number(p.pass_floor)} và "
                f"{sum(1 for v in scores if v >= p.pass_count_min)} môn từ "
                f"{vi_number(p.pass_count_min)} trở lên"
            )
            low, count_min = p.fair_all_min, p.fair_count_min
        else:
            met = ""
            low, count_min = p.pass_floor, p.pass_count_min
        reasons: list[str] = []
        if level == CHUA_DAT:
            if len(fails) > p.pass_max_comment_fail:
                reasons.append(
                    f"{len(fails)} môn đánh giá bằng nhận xét Chưa đạt ({join_vi(fails)}), "
                    f"tối đa {p.pass_max_comment_fail}"
                )
        elif fails:
            reasons.append(f"môn {join_vi(fails)} Chưa đạt")
        below = [
            f"môn {s.name} {vi_number(v)} < {vi_number(low)}"
            for s, v in zip(scored, scores, strict=True)
            if v < low
        ]
        reasons.extend(below)
        reached = sum(1 for v in scores if v >= count_min)
        if reached < k:
            reasons.append(
                f"chỉ có {reached} môn từ {vi_number(count_min)} trở lên (cần ít nhất {k})"
            )
        upper = LEVEL_NAMES[level + 1]
        why_not = f"{'; '.join(reasons)} nên chưa đạt mức {upper}"
        return level, f"{head}: {met}; {why_not}." if met else f"{head}: {why_not}."

    # ------------------------------------------------------------------ training, absences

    def _training(self, raw: object, errors: list[dict], explanation: list[str]) -> int | None:
        if not isinstance(raw, Mapping):
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if raw is None else ErrorCode.BAD_INPUT,
                    None,
                    "Thiếu kết quả rèn luyện (training) của học kì I và học kì II.",
                )
            )
            explanation.append("Chưa xác định kết quả rèn luyện cả năm: thiếu kết quả các học kì.")
            return None
        t1 = self._level_value(raw.get("term1"), "Kết quả rèn luyện học kì I", errors)
        t2 = self._level_value(raw.get("term2"), "Kết quả rèn luyện học kì II", errors)
        if t1 is None or t2 is None:
            explanation.append("Chưa xác định kết quả rèn luyện cả năm: thiếu kết quả học kì.")
            return None
        year = TRAINING_YEAR[t1][t2]
        explanation.append(
            f"Kết quả rèn luyện cả năm {LEVEL_NAMES[year]}: học kì I {LEVEL_NAMES[t1]}, học kì II "
            f"{LEVEL_NAMES[t2]} (Điều 8)."
        )
        return year

    @staticmethod
    def _level_value(value: object, what: str, errors: list[dict]) -> int | None:
        if value is None:
            errors.append(issue(ErrorCode.MISSING_INPUT, None, f"{what}: chưa có."))
            return None
        try:
            return LEVEL_INPUT[value]  # type: ignore[index]
        except (KeyError, TypeError):
            errors.append(
                issue(
                    ErrorCode.UNKNOWN_LEVEL,
                    None,
                    f"{what}: “{value}” không phải là mức T, K, D hoặc CD.",
                )
            )
            return None

    @staticmethod
    def _absences(raw: object, errors: list[dict]) -> int | None:
        if raw.__class__ is int and raw >= 0:  # type: ignore[operator]
            return raw  # type: ignore[return-value]
        if raw is None:
            errors.append(
                issue(ErrorCode.MISSING_INPUT, None, "Thiếu số buổi nghỉ học (absences).")
            )
            return None
        if isinstance(raw, float) and raw.is_integer() and raw >= 0:
            return int(raw)
        errors.append(
            issue(
                ErrorCode.BAD_INPUT, None, f"Số buổi nghỉ học “{raw}” phải là số nguyên không âm."
            )
        )
        return None

    # ------------------------------------------------------------------ title, decision

    def _title(
        self,
        training: int | None,
        learning: int | None,
        scored: list[_Subject],
        explanation: list[str],
    ) -> str | None:
        p = self.params
        learner = p.learner.capitalize()
        short = []
        if training is not None and training != TOT:
            short.append(f"rèn luyện cả năm {LEVEL_NAMES[training]}")
        if learning is not None and learning != TOT:
            short.append(f"học tập cả năm {LEVEL_NAMES[learning]}")
        if short:
            explanation.append(
                f"Không có danh hiệu: {join_vi(short)} (danh hiệu cần rèn luyện Tốt và học tập Tốt)."
            )
            return None
        if training is None or learning is None:
            explanation.append("Chưa xét danh hiệu: thiếu kết quả rèn luyện hoặc học tập cả năm.")
            return None
        excellent = sum(1 for s in scored if s.results["year"] >= p.excellent_min)
        need = p.excellent_min_subjects
        if excellent >= need:
            explanation.append(
                f"Danh hiệu {learner} Xuất sắc: rèn luyện Tốt, học tập Tốt và {excellent} môn có điểm "
                f"trung bình cả năm từ {vi_number(p.excellent_min)} trở lên (cần ít nhất {need})."
            )
            return "XUAT_SAC"
        explanation.append(
            f"Danh hiệu {learner} Giỏi: rèn luyện Tốt và học tập Tốt; chỉ {excellent} môn có điểm "
            f"trung bình cả năm từ {vi_number(p.excellent_min)} trở lên (cần {need}) nên chưa đạt "
            f"{learner} Xuất sắc."
        )
        return "GIOI"

    def _retest_subjects(self, scored: list[_Subject], commented: list[_Subject]) -> list[_Subject]:
        """Every comment subject Chưa đạt and every score subject below 5,0 for the year (Đ14)."""
        limit = self.params.retest_below
        chosen = {id(s) for s in scored if s.results["year"] < limit}
        chosen.update(id(s) for s in commented if not s.results["year"])
        return [s for s in scored + commented if id(s) in chosen]

    def _decision(
        self,
        grade: object,
        training: int | None,
        learning: int | None,
        absences: int | None,
        scored: list[_Subject],
        commented: list[_Subject],
        explanation: list[str],
    ) -> tuple[str | None, list[_Subject]]:
        p = self.params
        if absences is not None and absences > p.absence_limit:
            explanation.append(
                f"Ở lại lớp: nghỉ {absences} buổi, quá {p.absence_limit} buổi trong năm học."
            )
            return O_LAI_LOP, []
        if training is None or learning is None or absences is None:
            explanation.append(
                "Chưa xét lên lớp: thiếu kết quả rèn luyện, học tập cả năm hoặc số buổi nghỉ."
            )
            return None, []
        absent = f"nghỉ {absences} buổi (tối đa {p.absence_limit})"
        if training >= DAT and learning >= DAT:
            done = "Lên lớp"
            if grade in p.final_grades:
                stage = "trung học cơ sở" if grade == p.final_grades[0] else "trung học phổ thông"
                done = f"Lên lớp (hoàn thành chương trình {stage})"
            explanation.append(
                f"{done}: rèn luyện cả năm {LEVEL_NAMES[training]}, học tập cả năm "
                f"{LEVEL_NAMES[learning]}, {absent}."
            )
            return LEN_LOP, []
        if learning >= DAT:
            explanation.append(
                f"Rèn luyện trong kì nghỉ hè: rèn luyện cả năm Chưa đạt; học tập cả năm "
                f"{LEVEL_NAMES[learning]}, {absent}."
            )
            return REN_LUYEN_HE, []
        retest = self._retest_subjects(scored, commented)
        names = join_vi([s.name for s in retest])
        if not retest:
            explanation.append(
                "Ở lại lớp: học tập cả năm Chưa đạt nhưng không có môn nào thuộc diện kiểm tra lại "
                f"(Chưa đạt hoặc dưới {vi_number(p.retest_below)}); cần xem xét thủ công."
            )
            return O_LAI_LOP, []
        if training >= DAT:
            explanation.append(
                f"Kiểm tra lại: học tập cả năm Chưa đạt, rèn luyện cả năm {LEVEL_NAMES[training]}, "
                f"{absent}; kiểm tra lại tất cả các môn Chưa đạt hoặc có điểm trung bình cả năm "
                f"dưới {vi_number(p.retest_below)}: {names}."
            )
            return KIEM_TRA_LAI, retest
        first = (
            "rèn luyện hè trước, nếu được đánh giá lại từ Đạt trở lên thì kiểm tra lại"
            if p.summer_before_retest
            else "rèn luyện hè và kiểm tra lại"
        )
        explanation.append(
            "Rèn luyện trong kì nghỉ hè và kiểm tra lại: rèn luyện và học tập cả năm đều Chưa đạt, "
            f"{absent}; {first} các môn {names}."
        )
        return REN_LUYEN_HE_VA_KIEM_TRA_LAI, retest

    def _after_summer(
        self,
        case: Case,
        decision: str | None,
        retest_subjects: list[_Subject],
        scored: list[_Subject],
        commented: list[_Subject],
        errors: list[dict],
        warnings: list[dict],
        explanation: list[str],
    ) -> tuple[int | None, int | None, str | None]:
        """(learning after re-test, training after summer, final decision) — Điều 13, 14."""
        p = self.params
        training = case.get("training")
        raw_summer = training.get("summer") if isinstance(training, Mapping) else None
        retest = case.get("retest")
        if retest is None:
            retest = {}
        elif not isinstance(retest, Mapping):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT, None, "“retest” phải là một đối tượng: mã môn → kết quả."
                )
            )
            retest = {}
        wanted = {s.code for s in retest_subjects}
        for code in retest:
            if code not in wanted:
                warnings.append(
                    issue(
                        ErrorCode.MANUAL_REVIEW,
                        code if isinstance(code, str) else None,
                        f"Môn {code} không thuộc diện kiểm tra lại; kết quả kiểm tra lại bị bỏ qua.",
                    )
                )
        summer_needed = decision in (REN_LUYEN_HE, REN_LUYEN_HE_VA_KIEM_TRA_LAI)
        if raw_summer is not None and not summer_needed:
            warnings.append(
                issue(
                    ErrorCode.MANUAL_REVIEW,
                    None,
                    "Có kết quả rèn luyện hè nhưng không thuộc diện rèn luyện hè; đã bỏ qua.",
                )
            )
        if decision not in (KIEM_TRA_LAI, REN_LUYEN_HE, REN_LUYEN_HE_VA_KIEM_TRA_LAI):
            return None, None, None

        summer: int | None = None
        if summer_needed:
            if raw_summer is not None:
                summer = self._level_value(raw_summer, "Kết quả rèn luyện sau rèn luyện hè", errors)
            if summer is None:
                explanation.append("Chưa có kết quả đánh giá lại rèn luyện sau kì nghỉ hè.")
                if decision == REN_LUYEN_HE or p.summer_before_retest:
                    return None, None, None
            elif summer < DAT:
                explanation.append(
                    f"Ở lại lớp: kết quả rèn luyện đánh giá lại sau rèn luyện hè "
                    f"{LEVEL_NAMES[summer]}."
                )
                return None, summer, O_LAI_LOP
            elif decision == REN_LUYEN_HE:
                explanation.append(
                    f"Lên lớp: kết quả rèn luyện đánh giá lại sau rèn luyện hè {LEVEL_NAMES[summer]}"
                    " thay cho kết quả rèn luyện cả năm."
                )
                return None, summer, LEN_LOP

        replaced: dict[int, object] = {}
        for subject in retest_subjects:
            value = retest.get(subject.code)
            if value is None:
                continue
            where = f"Môn {subject.name}, kết quả kiểm tra lại"
            if subject.score:
                result: object = self._parse(value, subject, where, errors)
                if result is not None:
                    subject.output["retest"] = result / 10  # type: ignore[operator]
            else:
                result = self._comment_value(value, subject, where, errors)
                if result is not None:
                    subject.output["retest"] = _COMMENT_CODE[result]  # type: ignore[index]
            if result is not None:
                replaced[id(subject)] = result
        if len(replaced) < len(retest_subjects):
            explanation.append("Chưa có đủ kết quả kiểm tra lại của các môn phải kiểm tra lại.")
            return None, summer, None
        scores = [replaced.get(id(s), s.results["year"]) for s in scored]
        comments = [replaced.get(id(s), s.results["year"]) for s in commented]
        level, sentence = self._explain_level(
            _PERIOD_LABEL["year_after_retest"],
            scores,  # type: ignore[arg-type]
            comments,  # type: ignore[arg-type]
            scored,
            commented,
        )
        explanation.append(f"{sentence} Kết quả kiểm tra lại thay cho kết quả cả năm của môn.")
        if level < DAT:
            explanation.append("Ở lại lớp: kết quả học tập sau kiểm tra lại Chưa đạt.")
            return level, summer, O_LAI_LOP
        if summer_needed and summer is None:
            explanation.append("Học tập sau kiểm tra lại đạt; chờ kết quả rèn luyện hè.")
            return level, None, None
        explanation.append("Lên lớp: kết quả học tập sau kiểm tra lại từ Đạt trở lên.")
        return level, summer, LEN_LOP


def _code(rank: int | None) -> str | None:
    return None if rank is None else LEVEL_CODES[rank]
