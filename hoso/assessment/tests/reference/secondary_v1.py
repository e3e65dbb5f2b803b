"""Secondary assessment (THCS/THPT): the engine shared by TT22/2021 and TT43/2021.

REGULATIONS.md §1 (TT22) and §3 (TT43 differences). The two circulars differ only in parameters
(:class:`SecondaryParams`), so one engine evaluates both; ``tt22_2021`` and ``tt43_2021`` hold the
parameter values and say which of them are UNCONFIRMED.

Scores are integer tenths (see :mod:`.scores`). A missing or invalid input makes every result that
depends on it ``None`` and adds an error; everything else is still evaluated. Each subject is read
by a fast path for clean input; anything unusual (a missing value, a string score, an exemption)
goes through the careful path, which gives the same numbers and reports what is wrong.
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

TERM1, TERM2, YEAR = 0, 1, 2
_TERM_LABEL = ("học kì I", "học kì II")
_PERIOD_LABEL = ("học kì I", "học kì II", "cả năm")
_COMMENT_CODE = ("CD", "D")

#: Year training result from (term 1, term 2), REGULATIONS.md §1.7; index [term1][term2].
TRAINING_YEAR = (
    # HK II:  CD        D    K    T          HK I
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


class _Sheet:
    """The subjects of one case, read: parallel lists per kind (internal).

    ``scores[period][i]`` is the tenths of the i-th score subject (``None`` if unknown);
    ``comments[period][j]`` is True/False (Đạt/Chưa đạt) or ``None``. ``order`` keeps the input
    order as ``(is_score, index)``. ``complete`` is False when a subject could not be read at all.
    """

    __slots__ = (
        "score_codes",
        "score_names",
        "scores",
        "comment_codes",
        "comment_names",
        "comments",
        "order",
        "output",
        "complete",
    )

    def __init__(self) -> None:
        self.score_codes: list[str] = []
        self.score_names: list[str] = []
        self.scores: tuple[list, list, list] = ([], [], [])
        self.comment_codes: list[str] = []
        self.comment_names: list[str] = []
        self.comments: tuple[list, list, list] = ([], [], [])
        self.order: list[tuple[bool, int]] = []
        self.output: dict[str, dict] = {}
        self.complete = True

    def add(self, code: str, name: str, score: bool, results: tuple, output: dict) -> None:
        if score:
            self.order.append((True, len(self.score_codes)))
            self.score_codes.append(code)
            self.score_names.append(name)
            lists = self.scores
        else:
            self.order.append((False, len(self.comment_codes)))
            self.comment_codes.append(code)
            self.comment_names.append(name)
            lists = self.comments
        lists[0].append(results[0])
        lists[1].append(results[1])
        lists[2].append(results[2])
        self.output[code] = output

    def code_of(self, ref: tuple[bool, int]) -> str:
        return self.score_codes[ref[1]] if ref[0] else self.comment_codes[ref[1]]

    def name_of(self, ref: tuple[bool, int]) -> str:
        return self.score_names[ref[1]] if ref[0] else self.comment_names[ref[1]]


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
        default_params: SecondaryParams | None = None,
    ) -> None:
        self.code = code
        self.version = version
        self.level = level
        self.title = title
        self.params = params
        self._default_params = default_params or params
        self._required_cache: dict[object, int] = {}
        custom = "" if params == self._default_params else "+params"
        self._version_label = f"{code}@{version}{custom}"
        p = params
        self._text = {
            name: vi_number(getattr(p, name))
            for name in (
                "good_all_min",
                "good_count_min",
                "fair_all_min",
                "fair_count_min",
                "pass_count_min",
                "pass_floor",
                "retest_below",
                "excellent_min",
            )
        }

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
            default_params=self._default_params,
        )

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, case: Case) -> Result:
        p = self.params
        errors: list[dict] = []
        warnings: list[dict] = []
        explanation: list[str] = []

        sheet = self._read_subjects(case.get("subjects"), errors)
        learning: list[int | None] = []
        for period in (TERM1, TERM2, YEAR):
            rank, sentence = self._learning_level(
                _PERIOD_LABEL[period], sheet.scores[period], sheet.comments[period], sheet
            )
            learning.append(rank)
            explanation.append(sentence)
        scored = len(sheet.score_codes)
        if scored < p.min_subjects and (scored or sheet.complete):
            warnings.append(
                issue(
                    ErrorCode.MANUAL_REVIEW,
                    None,
                    f"Chỉ có {scored} môn tính điểm (ít hơn {p.min_subjects}): các mức Tốt, Khá, "
                    "Đạt không thể đạt theo điều kiện số môn; cần xem xét thủ công (miễn học, "
                    "khuyết tật).",
                )
            )

        training = self._training(case.get("training"), errors, explanation)
        absences = self._absences(case.get("absences"), errors)
        title = self._title(training, learning[YEAR], sheet, explanation)
        decision, retest = self._decision(
            case.get("grade"), training, learning[YEAR], absences, sheet, explanation
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
            case, decision, retest, sheet, errors, warnings, explanation
        )
        return {
            "ruleset_version": self.version_label,
            "subjects": sheet.output,
            "learning": {
                "term1": _code(learning[TERM1]),
                "term2": _code(learning[TERM2]),
                "year": _code(learning[YEAR]),
                "year_after_retest": _code(after_retest),
            },
            "training": {"year": _code(training), "year_after_summer": _code(after_summer)},
            "title": title,
            "decision": decision,
            "retest_subjects": [sheet.code_of(ref) for ref in retest],
            "final_decision": final_decision,
            "errors": errors,
            "warnings": warnings,
            "explanation": explanation,
        }

    # ------------------------------------------------------------------ subjects

    def _read_subjects(self, raw: object, errors: list[dict]) -> _Sheet:
        """Read and average every subject (fast path inline, careful path on anything odd)."""
        sheet = _Sheet()
        if raw.__class__ is not list:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if raw is None else ErrorCode.BAD_INPUT,
                    None,
                    "Thiếu danh sách môn học (subjects phải là một mảng).",
                )
            )
            sheet.complete = False
            return sheet
        p = self.params
        g = tenths_or_check
        c = COMMENT_INPUT.__getitem__
        required_for = self._required_cache
        comment_required = p.comment_regular_count
        num, den = p.comment_pass_ratio
        final_optional = not p.comment_final_must_pass
        year_is_term2 = p.comment_year_rule == "term2"
        output = sheet.output
        s_codes, s_names, c_codes, c_names, order = (
            sheet.score_codes,
            sheet.score_names,
            sheet.comment_codes,
            sheet.comment_names,
            sheet.order,
        )
        s1, s2, sy = sheet.scores
        c1, c2, cy = sheet.comments
        for index, item in enumerate(raw):
            try:
                if (
                    item.__class__ is dict
                    and "exempt" not in item
                    and "regular_required" not in item
                ):
                    code = item["code"]
                    kind = item["assessment"]
                    if code.__class__ is str and code and code not in output:
                        if kind == "score":
                            required = required_for[item["periods_per_year"]]
                            t = item["term1"]
                            r = t["regular"]
                            n = len(r)
                            total = sum(map(g, r)) + 2 * g(t["midterm"]) + 3 * g(t["final"])
                            if (
                                total >= 0
                                and n >= required
                                and r.__class__ is list
                                and "topic" not in t
                            ):
                                a1 = (2 * total + n + 5) // (2 * n + 10)
                                t = item["term2"]
                                r = t["regular"]
                                n = len(r)
                                total = sum(map(g, r)) + 2 * g(t["midterm"]) + 3 * g(t["final"])
                                if (
                                    total >= 0
                                    and n >= required
                                    and r.__class__ is list
                                    and "topic" not in t
                                ):
                                    a2 = (2 * total + n + 5) // (2 * n + 10)
                                    ay = (2 * a1 + 4 * a2 + 3) // 6
                                    name = item.get("name")
                                    order.append((True, len(s_codes)))
                                    s_codes.append(code)
                                    s_names.append(name if name.__class__ is str and name else code)
                                    s1.append(a1)
                                    s2.append(a2)
                                    sy.append(ay)
                                    output[code] = {
                                        "term1": a1 / 10,
                                        "term2": a2 / 10,
                                        "year": ay / 10,
                                    }
                                    continue
                        elif kind == "comment":
                            t = item["term1"]
                            r = t["regular"]
                            n = len(r)
                            final = c(t["final"])
                            passed = sum(map(c, r)) + c(t["midterm"]) + final
                            if n >= comment_required and r.__class__ is list and "topic" not in t:
                                ok1 = passed * den >= num * (n + 2) and (final or final_optional)
                                t = item["term2"]
                                r = t["regular"]
                                n = len(r)
                                final = c(t["final"])
                                passed = sum(map(c, r)) + c(t["midterm"]) + final
                                if (
                                    n >= comment_required
                                    and r.__class__ is list
                                    and "topic" not in t
                                ):
                                    ok2 = passed * den >= num * (n + 2) and (
                                        final or final_optional
                                    )
                                    oky = ok2 if year_is_term2 else ok1 and ok2
                                    name = item.get("name")
                                    order.append((False, len(c_codes)))
                                    c_codes.append(code)
                                    c_names.append(name if name.__class__ is str and name else code)
                                    c1.append(ok1)
                                    c2.append(ok2)
                                    cy.append(oky)
                                    output[code] = {
                                        "term1": _COMMENT_CODE[ok1],
                                        "term2": _COMMENT_CODE[ok2],
                                        "year": _COMMENT_CODE[oky],
                                    }
                                    continue
            except (KeyError, TypeError, AttributeError):
                pass
            self._careful_subject(item, index, sheet, errors)
        return sheet

    def _careful_subject(self, item: object, index: int, sheet: _Sheet, errors: list) -> None:
        if not isinstance(item, Mapping):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    None,
                    f"Môn học thứ {index + 1} không phải là một đối tượng.",
                )
            )
            sheet.complete = False
            return
        code = item.get("code")
        if not isinstance(code, str) or not code:
            errors.append(
                issue(ErrorCode.BAD_INPUT, None, f"Môn học thứ {index + 1} thiếu mã môn (code).")
            )
            sheet.complete = False
            return
        if code in sheet.output:
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT, code, f"Môn {code} xuất hiện hai lần; lần sau bị bỏ qua."
                )
            )
            sheet.complete = False
            return
        name = item.get("name")
        if not isinstance(name, str) or not name:
            name = code
        kind = item.get("assessment")
        if kind not in ("score", "comment"):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    code,
                    f"Môn {name}: hình thức đánh giá (assessment) phải là “score” hoặc “comment”.",
                )
            )
            sheet.complete = False
            return
        if item.get("exempt") is True:
            sheet.output[code] = {"term1": None, "term2": None, "year": None, "exempt": True}
            return
        score = kind == "score"
        required = self._required(item, code, name, score, errors)
        if score:
            t1 = self._score_term(
                item.get("term1"), required, code, f"Môn {name}, học kì I", errors
            )
            t2 = self._score_term(
                item.get("term2"), required, code, f"Môn {name}, học kì II", errors
            )
            year = None if t1 is None or t2 is None else (2 * t1 + 4 * t2 + 3) // 6
            output = {
                "term1": None if t1 is None else t1 / 10,
                "term2": None if t2 is None else t2 / 10,
                "year": None if year is None else year / 10,
            }
            sheet.add(code, name, True, (t1, t2, year), output)
            return
        k1 = self._comment_term(item.get("term1"), required, code, f"Môn {name}, học kì I", errors)
        k2 = self._comment_term(item.get("term2"), required, code, f"Môn {name}, học kì II", errors)
        if self.params.comment_year_rule == "term2":
            ky = k2
        else:
            ky = None if k1 is None or k2 is None else k1 and k2
        output = {
            "term1": None if k1 is None else _COMMENT_CODE[k1],
            "term2": None if k2 is None else _COMMENT_CODE[k2],
            "year": None if ky is None else _COMMENT_CODE[ky],
        }
        sheet.add(code, name, False, (k1, k2, ky), output)

    def _required(
        self, item: Mapping, code: str, name: str, score: bool, errors: list[dict]
    ) -> int | None:
        override = item.get("regular_required")
        if override is not None:
            if isinstance(override, int) and not isinstance(override, bool) and override >= 0:
                return override
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    code,
                    f"Môn {name}: regular_required phải là số nguyên không âm.",
                )
            )
            return None
        if not score:
            return self.params.comment_regular_count
        periods = item.get("periods_per_year")
        if isinstance(periods, bool) or not isinstance(periods, (int, float)) or not periods > 0:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if periods is None else ErrorCode.BAD_INPUT,
                    code,
                    f"Môn {name}: cần số tiết/năm (periods_per_year) là số dương để biết số điểm "
                    "đánh giá thường xuyên phải có.",
                )
            )
            return None
        count = required_regular_count(periods, params=self.params)  # type: ignore[arg-type]
        if periods > 1 and len(self._required_cache) < 1000:
            self._required_cache[periods] = count
        return count

    def _score_term(
        self, term: object, required: int | None, code: str, where: str, errors: list
    ) -> int | None:
        """Term average in tenths, reporting every problem; ``None`` if it cannot be computed."""
        p = self.params
        ok = required is not None
        if not isinstance(term, Mapping):
            if term is not None:
                errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: dữ liệu sai dạng."))
            term = {}
        regular = term.get("regular")
        if regular is None:
            regular = []
        elif not isinstance(regular, list):
            errors.append(
                issue(ErrorCode.BAD_INPUT, code, f"{where}: “regular” phải là một mảng điểm.")
            )
            regular = []
            ok = False
        values: list[int] = []
        present = 0  # given, valid or not: an invalid score is reported as such, not as missing
        items = [(f"điểm thường xuyên thứ {i}", v) for i, v in enumerate(regular, start=1)]
        topic = term.get("topic")
        if topic is not None and p.topic_counts_as_regular:
            items.append(("điểm chuyên đề học tập", topic))
        for what, value in items:
            if value is None:
                continue
            present += 1
            tenths = self._parse(value, code, f"{where}, {what}", errors)
            if tenths is None:
                ok = False
            else:
                values.append(tenths)
        if required is not None and present < required:
            errors.append(
                issue(
                    ErrorCode.MISSING_REGULAR,
                    code,
                    f"{where}: có {present} điểm đánh giá thường xuyên, cần ít nhất {required}.",
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
                    issue(ErrorCode.MISSING_PERIODIC, code, f"{where}: thiếu điểm đánh giá {what}.")
                )
                ok = False
                continue
            tenths = self._parse(value, code, f"{where}, điểm {what}", errors)
            if tenths is None:
                ok = False
            else:
                periodic.append(tenths)
        if not ok:
            return None
        midterm, final = periodic
        return divide_half_up(sum(values) + 2 * midterm + 3 * final, len(values) + 5)

    @staticmethod
    def _parse(value: object, code: str, where: str, errors: list) -> int | None:
        try:
            return parse_tenths(value)
        except InvalidScore as exc:
            errors.append(issue(exc.code, code, f"{where}: {exc.message}"))
            return None

    def _comment_term(
        self, term: object, required: int | None, code: str, where: str, errors: list
    ) -> bool | None:
        """Term result of a comment subject (Đạt = True), reporting every problem."""
        p = self.params
        ok = required is not None
        if not isinstance(term, Mapping):
            if term is not None:
                errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: dữ liệu sai dạng."))
            term = {}
        regular = term.get("regular")
        if regular is None:
            regular = []
        elif not isinstance(regular, list):
            errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: “regular” phải là một mảng."))
            regular = []
            ok = False
        items = [(f"nhận xét thường xuyên thứ {i}", v) for i, v in enumerate(regular, start=1)]
        topic = term.get("topic")
        if topic is not None and p.topic_counts_as_regular:
            items.append(("kết quả chuyên đề học tập", topic))
        results: list[bool] = []
        present = 0
        for what, value in items:
            if value is None:
                continue
            present += 1
            result = self._comment_value(value, code, f"{where}, {what}", errors)
            if result is None:
                ok = False
            else:
                results.append(result)
        if required is not None and present < required:
            errors.append(
                issue(
                    ErrorCode.MISSING_REGULAR,
                    code,
                    f"{where}: có {present} kết quả đánh giá thường xuyên, cần ít nhất {required}.",
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
                        ErrorCode.MISSING_PERIODIC, code, f"{where}: thiếu kết quả đánh giá {what}."
                    )
                )
                ok = False
                continue
            result = self._comment_value(value, code, f"{where}, kết quả {what}", errors)
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
    def _comment_value(value: object, code: str, where: str, errors: list) -> bool | None:
        try:
            return COMMENT_INPUT[value]  # type: ignore[index]
        except (KeyError, TypeError):
            errors.append(
                issue(
                    ErrorCode.UNKNOWN_LEVEL,
                    code,
                    f"{where}: “{value}” không phải là Đạt (D) hoặc Chưa đạt (CD).",
                )
            )
            return None

    # ------------------------------------------------------------------ learning level

    def rank(self, ordered: list[int], comment_fails: int) -> int:
        """Learning level (Điều 9 k2) before the single-subject adjustment.

        ``ordered``: score-subject averages in tenths, ascending; ``comment_fails``: how many
        comment subjects are Chưa đạt.
        """
        p = self.params
        n = len(ordered)
        lowest = ordered[0] if n else 100
        k = p.min_subjects
        if comment_fails == 0:
            if lowest >= p.good_all_min and n - bisect_left(ordered, p.good_count_min) >= k:
                return TOT
            if lowest >= p.fair_all_min and n - bisect_left(ordered, p.fair_count_min) >= k:
                return KHA
        if (
            comment_fails <= p.pass_max_comment_fail
            and lowest >= p.pass_floor
            and n - bisect_left(ordered, p.pass_count_min) >= k
        ):
            return DAT
        return CHUA_DAT

    def level_of(
        self, scores: list[int], comments: list[bool]
    ) -> tuple[int, int, tuple[bool, int] | None]:
        """``(level, level before adjustment, culprit)`` of one period (Điều 9 k2, k3).

        The adjustment: when the level is two or more below what it would be if one single
        subject were not there (that subject counted as 10,0 / Đạt), it is raised by one level.
        ``culprit`` is ``(is_score_subject, index)`` of that subject, or ``None``.
        Neutralising the lowest score subject dominates neutralising any other score subject
        (levels only improve as the minimum and the counts rise), so it is the one tried.
        """
        level, raw, culprit, _, _ = self._level(scores, comments)
        return level, raw, culprit

    def _level(
        self, scores: list[int], comments: list[bool]
    ) -> tuple[int, int, tuple[bool, int] | None, list[int], int]:
        p = self.params
        ordered = sorted(scores)
        fails = comments.count(False)
        level = self.rank(ordered, fails)
        if level > DAT or not p.adjustment:
            return level, level, None, ordered, fails
        best, culprit = level, None
        if ordered and ordered[0] < p.good_count_min:
            would_be = self.rank([*ordered[1:], 100], fails)
            if would_be > best:
                best, culprit = would_be, (True, scores.index(ordered[0]))
        if fails and p.adjustment_includes_comment_subjects:
            would_be = self.rank(ordered, fails - 1)
            if would_be > best:
                best, culprit = would_be, (False, comments.index(False))
        if best - level >= 2:
            return level + 1, level, culprit, ordered, fails
        return level, level, None, ordered, fails

    def _learning_level(
        self, label: str, scores: list, comments: list, sheet: _Sheet
    ) -> tuple[int | None, str]:
        if not sheet.complete or None in scores or None in comments:
            missing = [n for n, v in zip(sheet.score_names, scores, strict=True) if v is None]
            missing += [n for n, v in zip(sheet.comment_names, comments, strict=True) if v is None]
            why = f"thiếu kết quả môn {join_vi(missing)}" if missing else "dữ liệu môn học chưa đủ"
            return None, f"Chưa xác định kết quả học tập {label}: {why}."
        return self._explained_level(label, scores, comments, sheet)

    def _explained_level(
        self, label: str, scores: list[int], comments: list[bool], sheet: _Sheet
    ) -> tuple[int, str]:
        p = self.params
        text = self._text
        level, raw, culprit, ordered, fails = self._level(scores, comments)
        head = f"Kết quả học tập {label} {LEVEL_NAMES[level]}"
        if culprit is not None:
            value = vi_number(scores[culprit[1]]) if culprit[0] else "Chưa đạt"
            return level, (
                f"{head}: theo điều kiện chỉ đạt mức {LEVEL_NAMES[raw]}, bị hạ từ 2 mức trở lên "
                f"chỉ do môn {sheet.name_of(culprit)} ({value}) nên được điều chỉnh lên mức liền "
                "kề (Điều 9 khoản 3)."
            )
        n = len(ordered)
        if level == TOT:
            reached = n - bisect_left(ordered, p.good_count_min)
            return level, (
                f"{head}: mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ "
                f"{text['good_all_min']} trở lên và {reached} môn từ {text['good_count_min']} "
                "trở lên."
            )
        if level == KHA:
            reached = n - bisect_left(ordered, p.fair_count_min)
            met = (
                f"mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ {text['fair_all_min']} "
                f"trở lên và {reached} môn từ {text['fair_count_min']} trở lên; "
            )
            low, count_min, count_text = p.good_all_min, p.good_count_min, "good_count_min"
        elif level == DAT:
            reached = n - bisect_left(ordered, p.pass_count_min)
            met = (
                f"{fails} môn đánh giá bằng nhận xét Chưa đạt (tối đa {p.pass_max_comment_fail}), "
                f"không môn nào dưới {text['pass_floor']} và {reached} môn từ "
                f"{text['pass_count_min']} trở lên; "
            )
            low, count_min, count_text = p.fair_all_min, p.fair_count_min, "fair_count_min"
        else:
            met = ""
            low, count_min, count_text = p.pass_floor, p.pass_count_min, "pass_count_min"
        reasons: list[str] = []
        if fails and (level > CHUA_DAT or fails > p.pass_max_comment_fail):
            failed = [sheet.comment_names[i] for i, ok in enumerate(comments) if not ok]
            if level == CHUA_DAT:
                reasons.append(
                    f"{fails} môn đánh giá bằng nhận xét Chưa đạt ({join_vi(failed)}), tối đa "
                    f"{p.pass_max_comment_fail}"
                )
            else:
                reasons.append(f"môn {join_vi(failed)} Chưa đạt")
        if ordered and ordered[0] < low:
            low_text = vi_number(low)
            names = sheet.score_names
            reasons.extend(
                f"môn {names[i]} {vi_number(v)} < {low_text}"
                for i, v in enumerate(scores)
                if v < low
            )
        reached = n - bisect_left(ordered, count_min)
        if reached < p.min_subjects:
            reasons.append(
                f"chỉ có {reached} môn từ {text[count_text]} trở lên (cần ít nhất {p.min_subjects})"
            )
        return (
            level,
            f"{head}: {met}{'; '.join(reasons)} nên chưa đạt mức {LEVEL_NAMES[level + 1]}.",
        )

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
        try:
            t1 = LEVEL_INPUT[raw["term1"]]
            t2 = LEVEL_INPUT[raw["term2"]]
        except (KeyError, TypeError):
            t1 = self._level_value(raw.get("term1"), "Kết quả rèn luyện học kì I", errors)
            t2 = self._level_value(raw.get("term2"), "Kết quả rèn luyện học kì II", errors)
        if t1 is None or t2 is None:
            explanation.append("Chưa xác định kết quả rèn luyện cả năm: thiếu kết quả học kì.")
            return None
        year = TRAINING_YEAR[t1][t2]
        explanation.append(
            f"Kết quả rèn luyện cả năm {LEVEL_NAMES[year]}: học kì I {LEVEL_NAMES[t1]}, học kì II "
            f"{LEVEL_NAMES[t2]}."
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
        self, training: int | None, learning: int | None, sheet: _Sheet, explanation: list[str]
    ) -> str | None:
        """Học sinh Xuất sắc / Giỏi (Điều 15; TT43 Điều 14: học viên, ≥ 5 subjects)."""
        p = self.params
        learner = p.learner.capitalize()
        short = []
        if training is not None and training != TOT:
            short.append(f"rèn luyện cả năm {LEVEL_NAMES[training]}")
        if learning is not None and learning != TOT:
            short.append(f"học tập cả năm {LEVEL_NAMES[learning]}")
        if short:
            explanation.append(
                f"Không có danh hiệu: {join_vi(short)} (cần rèn luyện Tốt và học tập Tốt)."
            )
            return None
        if training is None or learning is None:
            explanation.append("Chưa xét danh hiệu: thiếu kết quả rèn luyện hoặc học tập cả năm.")
            return None
        excellent = sum(1 for v in sheet.scores[YEAR] if v >= p.excellent_min)
        need = p.excellent_min_subjects
        threshold = self._text["excellent_min"]
        if excellent >= need:
            explanation.append(
                f"Danh hiệu {learner} Xuất sắc: rèn luyện Tốt, học tập Tốt và {excellent} môn có "
                f"điểm trung bình cả năm từ {threshold} trở lên (cần ít nhất {need})."
            )
            return "XUAT_SAC"
        explanation.append(
            f"Danh hiệu {learner} Giỏi: rèn luyện Tốt và học tập Tốt; chỉ {excellent} môn có điểm "
            f"trung bình cả năm từ {threshold} trở lên (cần {need}) nên chưa đạt {learner} "
            "Xuất sắc."
        )
        return "GIOI"

    def _decision(
        self,
        grade: object,
        training: int | None,
        learning: int | None,
        absences: int | None,
        sheet: _Sheet,
        explanation: list[str],
    ) -> tuple[str | None, list[tuple[bool, int]]]:
        """Promotion (Điều 12), summer training (Đ13), re-test (Đ14)."""
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
        below = p.retest_below
        scores, comments = sheet.scores[YEAR], sheet.comments[YEAR]
        retest = [
            (is_score, i)
            for is_score, i in sheet.order
            if (scores[i] < below if is_score else not comments[i])
        ]
        names = join_vi([sheet.name_of(ref) for ref in retest])
        if not retest:
            explanation.append(
                "Ở lại lớp: học tập cả năm Chưa đạt nhưng không có môn nào thuộc diện kiểm tra lại "
                f"(Chưa đạt hoặc dưới {self._text['retest_below']}); cần xem xét thủ công."
            )
            return O_LAI_LOP, []
        if training >= DAT:
            explanation.append(
                f"Kiểm tra lại: học tập cả năm Chưa đạt, rèn luyện cả năm {LEVEL_NAMES[training]}, "
                f"{absent}; kiểm tra lại tất cả các môn Chưa đạt hoặc có điểm trung bình cả năm "
                f"dưới {self._text['retest_below']}: {names}."
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
        retest: list[tuple[bool, int]],
        sheet: _Sheet,
        errors: list[dict],
        warnings: list[dict],
        explanation: list[str],
    ) -> tuple[int | None, int | None, str | None]:
        """(learning after re-test, training after summer, final decision) — Điều 13, 14."""
        p = self.params
        training = case.get("training")
        raw_summer = training.get("summer") if isinstance(training, Mapping) else None
        results = case.get("retest")
        if results is None:
            results = {}
        elif not isinstance(results, Mapping):
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT, None, "“retest” phải là một đối tượng: mã môn → kết quả."
                )
            )
            results = {}
        wanted = {sheet.code_of(ref) for ref in retest}
        for code in results:
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
        if not summer_needed and decision != KIEM_TRA_LAI:
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
                    "Ở lại lớp: kết quả rèn luyện đánh giá lại sau rèn luyện hè "
                    f"{LEVEL_NAMES[summer]}."
                )
                return None, summer, O_LAI_LOP
            elif decision == REN_LUYEN_HE:
                explanation.append(
                    f"Lên lớp: kết quả rèn luyện đánh giá lại sau rèn luyện hè {LEVEL_NAMES[summer]}"
                    " thay cho kết quả rèn luyện cả năm."
                )
                return None, summer, LEN_LOP

        scores = list(sheet.scores[YEAR])
        comments = list(sheet.comments[YEAR])
        done = 0
        for ref in retest:
            code = sheet.code_of(ref)
            value = results.get(code)
            if value is None:
                continue
            where = f"Môn {sheet.name_of(ref)}, kết quả kiểm tra lại"
            is_score, index = ref
            if is_score:
                tenths = self._parse(value, code, where, errors)
                if tenths is not None:
                    sheet.output[code]["retest"] = tenths / 10
                    scores[index] = tenths
                    done += 1
            else:
                passed = self._comment_value(value, code, where, errors)
                if passed is not None:
                    sheet.output[code]["retest"] = _COMMENT_CODE[passed]
                    comments[index] = passed
                    done += 1
        if done < len(retest):
            explanation.append("Chưa có đủ kết quả kiểm tra lại của các môn phải kiểm tra lại.")
            return None, summer, None
        level, sentence = self._explained_level("cả năm sau kiểm tra lại", scores, comments, sheet)
        explanation.append(f"{sentence} (Kết quả kiểm tra lại thay cho kết quả cả năm của môn.)")
        if level < DAT:
            explanation.append("Ở lại lớp: kết quả học tập sau kiểm tra lại Chưa đạt.")
            return level, summer, O_LAI_LOP
        if summer_needed and summer is None:
            explanation.append("Học tập sau kiểm tra lại từ Đạt trở lên; chờ kết quả rèn luyện hè.")
            return level, None, None
        explanation.append("Lên lớp: kết quả học tập sau kiểm tra lại từ Đạt trở lên.")
        return level, summer, LEN_LOP


def _code(rank: int | None) -> str | None:
    return None if rank is None else LEVEL_CODES[rank]
