"""Evaluation engine of the secondary rule sets (TT22/2021, TT43/2021): the hot path.

This module is pure Python and is the source of truth. It holds no public API: :mod:`.secondary`
builds one :class:`Engine` per rule set (from its :class:`~.secondary.SecondaryParams`) and calls
:meth:`Engine.evaluate`. It type-checks with mypy so that ``python -m hoso.assessment.build`` can
compile a copy of it with mypyc (module ``_secondary_engine_compiled``, stamped with the SHA-256
of this file); :mod:`.secondary` uses the compiled copy only when the stamp matches this file, so a
stale build can never change a result. Both give the same results (tests compare them, and both
against the frozen pre-optimisation implementation, byte for byte).

Scores are integer tenths (see :mod:`.scores`). A missing or invalid input makes every result that
depends on it ``None`` and adds an error; everything else is still evaluated. Each subject is read
by a fast path for clean input; anything unusual (a missing value, a string score, an exemption)
goes through the careful path, which gives the same numbers and reports what is wrong.

Speed notes (measured, see docs/PERFORMANCE.md): sentences that depend only on a few small values
are precomputed per rule set; the clean student never builds an error list entry, a tuple per
subject or a float by division (a table holds the 101 one-decimal floats).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from .base import COMMENT_INPUT, LEVEL_CODES, LEVEL_INPUT, LEVEL_NAMES, join_vi, vi_number
from .errors import ErrorCode, InvalidScore, issue
from .scores import TENTHS, divide_half_up, parse_tenths

# Levels (same values as .base; repeated as plain ints so a compiled copy treats them as constants).
CHUA_DAT = 0
DAT = 1
KHA = 2
TOT = 3

TERM1 = 0
TERM2 = 1
YEAR = 2
PERIOD_LABEL = ("học kì I", "học kì II", "cả năm")
COMMENT_CODE = ("CD", "D")
#: level rank (or None) → output code
LEVEL_CODE_OF: dict[int | None, str | None] = {None: None, 0: "CD", 1: "D", 2: "K", 3: "T"}

#: Year training result from (term 1, term 2), REGULATIONS.md §1.7; index [term1][term2].
TRAINING_YEAR = (
    # HK II:  CD  D  K  T          HK I
    (CHUA_DAT, DAT, DAT, KHA),  # CD
    (CHUA_DAT, DAT, KHA, KHA),  # D
    (CHUA_DAT, DAT, KHA, TOT),  # K
    (CHUA_DAT, KHA, KHA, TOT),  # T
)
#: The training sentence for each (term 1, term 2).
TRAINING_SENTENCE = tuple(
    tuple(
        f"Kết quả rèn luyện cả năm {LEVEL_NAMES[TRAINING_YEAR[t1][t2]]}: học kì I "
        f"{LEVEL_NAMES[t1]}, học kì II {LEVEL_NAMES[t2]}."
        for t2 in range(4)
    )
    for t1 in range(4)
)

LEN_LOP = "LEN_LOP"
KIEM_TRA_LAI = "KIEM_TRA_LAI"
REN_LUYEN_HE = "REN_LUYEN_HE"
REN_LUYEN_HE_VA_KIEM_TRA_LAI = "REN_LUYEN_HE_VA_KIEM_TRA_LAI"
O_LAI_LOP = "O_LAI_LOP"

#: tenths → the float the output shows (75 → 7.5), the same object every time (``Any``: a compiled
#: copy then stores the object as it is instead of unboxing and re-allocating it).
FLOAT_OF: list[Any] = [t / 10 for t in range(101)]
#: tenths → Vietnamese text with a comma (64 → "6,4").
VI_OF: list[str] = [vi_number(t) for t in range(101)]

#: A value the fast score table marks for the careful path (0 and 1 compare equal to booleans).
_CHECK = -(10**9)


class Sheet:
    """The subjects of one case, read: parallel lists per kind.

    ``scores[period][i]`` is the tenths of the i-th score subject (``None`` if unknown);
    ``comments[period][j]`` is True/False (Đạt/Chưa đạt) or ``None``. A subject is referred to
    as ``(is_score, index)``. ``output`` holds the subjects' results in input order (exempt ones
    too). ``complete`` is False when a subject could not be read at all; ``gaps`` is True when
    some value is ``None`` (only the careful path stores one).
    """

    __slots__ = (
        "score_codes",
        "score_names",
        "s1",
        "s2",
        "sy",
        "comment_codes",
        "comment_names",
        "c1",
        "c2",
        "cy",
        "output",
        "complete",
        "gaps",
    )

    def __init__(self) -> None:
        self.score_codes: list[str] = []
        self.score_names: list[str] = []
        self.s1: list[int | None] = []
        self.s2: list[int | None] = []
        self.sy: list[int | None] = []
        self.comment_codes: list[str] = []
        self.comment_names: list[str] = []
        self.c1: list[bool | None] = []
        self.c2: list[bool | None] = []
        self.cy: list[bool | None] = []
        self.output: dict[str, dict[str, Any]] = {}
        self.complete = True
        self.gaps = False

    def add_score(
        self, code: str, name: str, t1: int | None, t2: int | None, year: int | None
    ) -> None:
        self.score_codes.append(code)
        self.score_names.append(name)
        self.s1.append(t1)
        self.s2.append(t2)
        self.sy.append(year)
        if t1 is None or t2 is None or year is None:
            self.gaps = True
        self.output[code] = {
            "term1": None if t1 is None else FLOAT_OF[t1],
            "term2": None if t2 is None else FLOAT_OF[t2],
            "year": None if year is None else FLOAT_OF[year],
        }

    def add_comment(
        self, code: str, name: str, k1: bool | None, k2: bool | None, year: bool | None
    ) -> None:
        self.comment_codes.append(code)
        self.comment_names.append(name)
        self.c1.append(k1)
        self.c2.append(k2)
        self.cy.append(year)
        if k1 is None or k2 is None or year is None:
            self.gaps = True
        self.output[code] = {
            "term1": None if k1 is None else COMMENT_CODE[k1],
            "term2": None if k2 is None else COMMENT_CODE[k2],
            "year": None if year is None else COMMENT_CODE[year],
        }

    def order(self) -> list[tuple[bool, int]]:
        """Every read subject as ``(is_score, index)``, in input order."""
        ref: dict[str, tuple[bool, int]] = {}
        for i, code in enumerate(self.score_codes):
            ref[code] = (True, i)
        for j, code in enumerate(self.comment_codes):
            ref[code] = (False, j)
        return [ref[code] for code in self.output if code in ref]

    def code_of(self, ref: tuple[bool, int]) -> str:
        return self.score_codes[ref[1]] if ref[0] else self.comment_codes[ref[1]]

    def name_of(self, ref: tuple[bool, int]) -> str:
        return self.score_names[ref[1]] if ref[0] else self.comment_names[ref[1]]


class Engine:
    """Evaluates cases with one set of parameters (built once per rule set)."""

    def __init__(self, params: Any, version_label: str) -> None:
        p = params
        self.version_label: str = version_label
        self.bands: Any = p.regular_count_bands  # as given: a bad shape fails where it did
        self.count_above: int = p.regular_count_above
        self.comment_required: int = p.comment_regular_count
        self.topic_counts: bool = p.topic_counts_as_regular
        self.missing_as_zero: bool = p.missing_periodic_as_zero
        num, den = p.comment_pass_ratio
        self.ratio_num: int = num
        self.ratio_den: int = den
        self.final_must_pass: bool = p.comment_final_must_pass
        self.year_is_term2: bool = p.comment_year_rule == "term2"
        self.min_subjects: int = p.min_subjects
        self.good_all_min: int = p.good_all_min
        self.good_count_min: int = p.good_count_min
        self.fair_all_min: int = p.fair_all_min
        self.fair_count_min: int = p.fair_count_min
        self.pass_count_min: int = p.pass_count_min
        self.pass_floor: int = p.pass_floor
        self.pass_max_fail: int = p.pass_max_comment_fail
        self.adjustment: bool = p.adjustment
        self.adjust_comments: bool = p.adjustment_includes_comment_subjects
        self.absence_limit: int = p.absence_limit
        self.retest_below: int = p.retest_below
        self.summer_first: bool = p.summer_before_retest
        self.excellent_min: int = p.excellent_min
        self.excellent_need: int = p.excellent_min_subjects
        self.learner: str = p.learner.capitalize()
        self.head: str = p.head
        self.final_grades: Any = p.final_grades
        #: periods per year → regular results required (filled by the careful path)
        self.required_cache: dict[Any, int] = {}
        # Text of the thresholds, and sentences that depend on few values.
        self.good_all_text = vi_number(p.good_all_min)
        self.good_count_text = vi_number(p.good_count_min)
        self.fair_all_text = vi_number(p.fair_all_min)
        self.fair_count_text = vi_number(p.fair_count_min)
        self.pass_count_text = vi_number(p.pass_count_min)
        self.pass_floor_text = vi_number(p.pass_floor)
        self.retest_text = vi_number(p.retest_below)
        self.excellent_text = vi_number(p.excellent_min)
        self.heads: list[list[str]] = [
            [f"Kết quả học tập {label} {LEVEL_NAMES[level]}" for level in range(4)]
            for label in PERIOD_LABEL
        ]
        #: (level TOT, reached) sentences per period, filled on first use
        self.good_text: list[dict[int, str]] = [{}, {}, {}]
        #: "met" part of the KHA sentence by reached count
        self.fair_met: dict[int, str] = {}
        self.few_subjects_warning = (
            f"Chỉ có {{}} môn tính điểm (ít hơn {p.min_subjects}): các mức Tốt, Khá, "
            "Đạt không thể đạt theo điều kiện số môn; cần xem xét thủ công (miễn học, "
            "khuyết tật)."
        )
        self.disabled_warning = (
            f"{self.learner} khuyết tật: {p.head} quyết định việc lên lớp dựa "
            "trên kết quả đánh giá theo Điều 11; quyết định trên chỉ là đề xuất."
        )
        self.no_title_text: dict[tuple[int | None, int | None], str] = {}
        self.promoted_text: dict[tuple[int, int, int], str] = {}

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, case: Mapping[str, Any]) -> dict[str, Any]:
        errors: list[dict[str, Any]] = []
        warnings: list[dict[str, Any]] = []
        explanation: list[str] = []

        sheet = self.read_subjects(case.get("subjects"), errors)
        names = sheet.score_names
        cnames = sheet.comment_names
        complete = sheet.complete
        gaps = sheet.gaps
        l1 = self.learning_level(
            TERM1, sheet.s1, sheet.c1, names, cnames, complete, gaps, explanation
        )
        l2 = self.learning_level(
            TERM2, sheet.s2, sheet.c2, names, cnames, complete, gaps, explanation
        )
        ly = self.learning_level(
            YEAR, sheet.sy, sheet.cy, names, cnames, complete, gaps, explanation
        )
        scored = len(sheet.score_codes)
        if scored < self.min_subjects and (scored or complete):
            warnings.append(
                issue(ErrorCode.MANUAL_REVIEW, None, self.few_subjects_warning.format(scored))
            )

        raw_training = case.get("training")
        training = self.training(raw_training, errors, explanation)
        absences = self.absences(case.get("absences"), errors)
        title = self.title(training, ly, sheet, explanation)
        decision, retest = self.decision(
            case.get("grade"), training, ly, absences, sheet, explanation
        )
        if case.get("disabled") is True:
            warnings.append(issue(ErrorCode.MANUAL_REVIEW, None, self.disabled_warning))
        results = case.get("retest")
        if (
            results is None
            and decision in (None, LEN_LOP, O_LAI_LOP)
            and (
                raw_training is None
                or not isinstance(raw_training, Mapping)
                or raw_training.get("summer") is None
            )
        ):
            # Nothing to do after the summer: the common case.
            after_retest: int | None = None
            after_summer: int | None = None
            final_decision: str | None = None
        else:
            after_retest, after_summer, final_decision = self.after_summer(
                raw_training, results, decision, retest, sheet, errors, warnings, explanation
            )
        code_of = LEVEL_CODE_OF
        return {
            "ruleset_version": self.version_label,
            "subjects": sheet.output,
            "learning": {
                "term1": code_of[l1],
                "term2": code_of[l2],
                "year": code_of[ly],
                "year_after_retest": code_of[after_retest],
            },
            "training": {"year": code_of[training], "year_after_summer": code_of[after_summer]},
            "title": title,
            "decision": decision,
            "retest_subjects": [sheet.code_of(ref) for ref in retest] if retest else [],
            "final_decision": final_decision,
            "errors": errors,
            "warnings": warnings,
            "explanation": explanation,
        }

    # ------------------------------------------------------------------ subjects

    def read_subjects(self, raw: object, errors: list[dict[str, Any]]) -> Sheet:
        """Read and average every subject (fast path inline, careful path on anything odd)."""
        sheet = Sheet()
        if type(raw) is not list:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if raw is None else ErrorCode.BAD_INPUT,
                    None,
                    "Thiếu danh sách môn học (subjects phải là một mảng).",
                )
            )
            sheet.complete = False
            return sheet
        table = TENTHS
        marks = COMMENT_INPUT
        floats = FLOAT_OF
        comment_code = COMMENT_CODE
        required_for = self.required_cache
        comment_required = self.comment_required
        num = self.ratio_num
        den = self.ratio_den
        final_optional = not self.final_must_pass
        year_is_term2 = self.year_is_term2
        output = sheet.output
        s_codes = sheet.score_codes
        s_names = sheet.score_names
        c_codes = sheet.comment_codes
        c_names = sheet.comment_names
        s1 = sheet.s1
        s2 = sheet.s2
        sy = sheet.sy
        c1 = sheet.c1
        c2 = sheet.c2
        cy = sheet.cy
        index = -1
        for item in raw:
            index += 1
            try:
                if type(item) is dict and "exempt" not in item and "regular_required" not in item:
                    code = item["code"]
                    kind = item["assessment"]
                    if type(code) is str and code and code not in output:
                        if kind == "score":
                            required = required_for[item["periods_per_year"]]
                            t = item["term1"]
                            r = t["regular"]
                            if type(r) is list and "topic" not in t:
                                n = len(r)
                                total = 0
                                for x in r:
                                    total += table[x]
                                total += 2 * table[t["midterm"]] + 3 * table[t["final"]]
                                if total >= 0 and n >= required:
                                    a1 = (2 * total + n + 5) // (2 * n + 10)
                                    t = item["term2"]
                                    r = t["regular"]
                                    if type(r) is list and "topic" not in t:
                                        n = len(r)
                                        total = 0
                                        for x in r:
                                            total += table[x]
                                        total += 2 * table[t["midterm"]] + 3 * table[t["final"]]
                                        if total >= 0 and n >= required:
                                            a2 = (2 * total + n + 5) // (2 * n + 10)
                                            ay = (2 * a1 + 4 * a2 + 3) // 6
                                            name = item.get("name")
                                            s_codes.append(code)
                                            s_names.append(
                                                name if type(name) is str and name else code
                                            )
                                            s1.append(a1)
                                            s2.append(a2)
                                            sy.append(ay)
                                            output[code] = {
                                                "term1": floats[a1],
                                                "term2": floats[a2],
                                                "year": floats[ay],
                                            }
                                            continue
                        elif kind == "comment":
                            t = item["term1"]
                            r = t["regular"]
                            if type(r) is list and "topic" not in t:
                                n = len(r)
                                passed = 0
                                for x in r:
                                    passed += marks[x]
                                final = marks[t["final"]]
                                passed += marks[t["midterm"]] + final
                                if n >= comment_required:
                                    ok1 = passed * den >= num * (n + 2) and (
                                        final or final_optional
                                    )
                                    t = item["term2"]
                                    r = t["regular"]
                                    if type(r) is list and "topic" not in t:
                                        n = len(r)
                                        passed = 0
                                        for x in r:
                                            passed += marks[x]
                                        final = marks[t["final"]]
                                        passed += marks[t["midterm"]] + final
                                        if n >= comment_required:
                                            ok2 = passed * den >= num * (n + 2) and (
                                                final or final_optional
                                            )
                                            oky = ok2 if year_is_term2 else ok1 and ok2
                                            name = item.get("name")
                                            c_codes.append(code)
                                            c_names.append(
                                                name if type(name) is str and name else code
                                            )
                                            c1.append(ok1)
                                            c2.append(ok2)
                                            cy.append(oky)
                                            output[code] = {
                                                "term1": comment_code[ok1],
                                                "term2": comment_code[ok2],
                                                "year": comment_code[oky],
                                            }
                                            continue
            except (KeyError, TypeError, AttributeError):
                pass
            self.careful_subject(item, index, sheet, errors)
        return sheet

    def careful_subject(
        self, item: object, index: int, sheet: Sheet, errors: list[dict[str, Any]]
    ) -> None:
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
        required = self.required(item, code, name, score, errors)
        if score:
            t1 = self.score_term(item.get("term1"), required, code, f"Môn {name}, học kì I", errors)
            t2 = self.score_term(
                item.get("term2"), required, code, f"Môn {name}, học kì II", errors
            )
            year = None if t1 is None or t2 is None else (2 * t1 + 4 * t2 + 3) // 6
            sheet.add_score(code, name, t1, t2, year)
            return
        k1 = self.comment_term(item.get("term1"), required, code, f"Môn {name}, học kì I", errors)
        k2 = self.comment_term(item.get("term2"), required, code, f"Môn {name}, học kì II", errors)
        ky: bool | None
        if self.year_is_term2:
            ky = k2
        else:
            ky = None if k1 is None or k2 is None else k1 and k2
        sheet.add_comment(code, name, k1, k2, ky)

    def required_count(self, periods: float) -> int:
        """Regular results a score subject needs per term (REGULATIONS.md §1.3)."""
        for limit, count in self.bands:
            if periods <= limit:
                return count
        return self.count_above

    def required(
        self,
        item: Mapping[str, Any],
        code: str,
        name: str,
        score: bool,
        errors: list[dict[str, Any]],
    ) -> int | None:
        override = item.get("regular_required")
        if override is not None:
            if isinstance(override, int) and not isinstance(override, bool) and override >= 0:
                return override  # type: ignore[no-any-return]
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT,
                    code,
                    f"Môn {name}: regular_required phải là số nguyên không âm.",
                )
            )
            return None
        if not score:
            return self.comment_required
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
        count = self.required_count(periods)
        if periods > 1 and len(self.required_cache) < 1000:
            self.required_cache[periods] = count
        return count

    def score_term(
        self,
        term: object,
        required: int | None,
        code: str,
        where: str,
        errors: list[dict[str, Any]],
    ) -> int | None:
        """Term average in tenths, reporting every problem; ``None`` if it cannot be computed."""
        ok = required is not None
        data: Mapping[str, Any]
        if isinstance(term, Mapping):
            data = term
        else:
            if term is not None:
                errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: dữ liệu sai dạng."))
            data = {}
        regular = data.get("regular")
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
        topic = data.get("topic")
        if topic is not None and self.topic_counts:
            items.append(("điểm chuyên đề học tập", topic))
        for what, value in items:
            if value is None:
                continue
            present += 1
            tenths = parse_value(value, code, f"{where}, {what}", errors)
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
        periodic: list[int] = []
        for key, what in (("midterm", "giữa kì"), ("final", "cuối kì")):
            value = data.get(key)
            if value is None:
                if self.missing_as_zero:
                    periodic.append(0)
                    continue
                errors.append(
                    issue(ErrorCode.MISSING_PERIODIC, code, f"{where}: thiếu điểm đánh giá {what}.")
                )
                ok = False
                continue
            tenths = parse_value(value, code, f"{where}, điểm {what}", errors)
            if tenths is None:
                ok = False
            else:
                periodic.append(tenths)
        if not ok:
            return None
        midterm, final = periodic
        return divide_half_up(sum(values) + 2 * midterm + 3 * final, len(values) + 5)

    def comment_term(
        self,
        term: object,
        required: int | None,
        code: str,
        where: str,
        errors: list[dict[str, Any]],
    ) -> bool | None:
        """Term result of a comment subject (Đạt = True), reporting every problem."""
        ok = required is not None
        data: Mapping[str, Any]
        if isinstance(term, Mapping):
            data = term
        else:
            if term is not None:
                errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: dữ liệu sai dạng."))
            data = {}
        regular = data.get("regular")
        if regular is None:
            regular = []
        elif not isinstance(regular, list):
            errors.append(issue(ErrorCode.BAD_INPUT, code, f"{where}: “regular” phải là một mảng."))
            regular = []
            ok = False
        items = [(f"nhận xét thường xuyên thứ {i}", v) for i, v in enumerate(regular, start=1)]
        topic = data.get("topic")
        if topic is not None and self.topic_counts:
            items.append(("kết quả chuyên đề học tập", topic))
        results: list[bool] = []
        present = 0
        for what, value in items:
            if value is None:
                continue
            present += 1
            result = comment_value(value, code, f"{where}, {what}", errors)
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
            value = data.get(key)
            if value is None:
                if self.missing_as_zero:
                    results.append(False)
                    continue
                errors.append(
                    issue(
                        ErrorCode.MISSING_PERIODIC, code, f"{where}: thiếu kết quả đánh giá {what}."
                    )
                )
                ok = False
                continue
            result = comment_value(value, code, f"{where}, kết quả {what}", errors)
            if result is None:
                ok = False
                continue
            results.append(result)
            if key == "final":
                final_passed = result
        if not ok:
            return None
        return sum(results) * self.ratio_den >= self.ratio_num * len(results) and (
            final_passed or not self.final_must_pass
        )

    # ------------------------------------------------------------------ learning level

    def rank(self, ordered: list[int], comment_fails: int) -> int:
        """Learning level (Điều 9 k2) before the single-subject adjustment.

        ``ordered``: score-subject averages in tenths, ascending; ``comment_fails``: how many
        comment subjects are Chưa đạt.
        """
        n = len(ordered)
        lowest = ordered[0] if n else 100
        k = self.min_subjects
        if comment_fails == 0:
            if lowest >= self.good_all_min and n - bisect_left(ordered, self.good_count_min) >= k:
                return TOT
            if lowest >= self.fair_all_min and n - bisect_left(ordered, self.fair_count_min) >= k:
                return KHA
        if (
            comment_fails <= self.pass_max_fail
            and lowest >= self.pass_floor
            and n - bisect_left(ordered, self.pass_count_min) >= k
        ):
            return DAT
        return CHUA_DAT

    def level(
        self, scores: list[int], comments: list[bool]
    ) -> tuple[int, int, tuple[bool, int] | None, list[int], int]:
        """``(level, level before adjustment, culprit, sorted scores, comment fails)``.

        The adjustment (Điều 9 k3): when the level is two or more below what it would be if one
        single subject were not there (that subject counted as 10,0 / Đạt), it is raised by one
        level. ``culprit`` is ``(is_score_subject, index)`` of that subject, or ``None``.
        Neutralising the lowest score subject dominates neutralising any other score subject
        (levels only improve as the minimum and the counts rise), so it is the one tried.
        """
        ordered = sorted(scores)
        fails = comments.count(False)
        level = self.rank(ordered, fails)
        if level > DAT or not self.adjustment:
            return level, level, None, ordered, fails
        best = level
        culprit: tuple[bool, int] | None = None
        if ordered and ordered[0] < self.good_count_min:
            would_be = self.rank([*ordered[1:], 100], fails)
            if would_be > best:
                best, culprit = would_be, (True, scores.index(ordered[0]))
        if fails and self.adjust_comments:
            would_be = self.rank(ordered, fails - 1)
            if would_be > best:
                best, culprit = would_be, (False, comments.index(False))
        if best - level >= 2:
            return level + 1, level, culprit, ordered, fails
        return level, level, None, ordered, fails

    def learning_level(
        self,
        period: int,
        scores: list[int | None],
        comments: list[bool | None],
        names: list[str],
        comment_names: list[str],
        complete: bool,
        gaps: bool,
        explanation: list[str],
    ) -> int | None:
        """The learning level of one period; appends its sentence to ``explanation``.

        ``gaps``: whether any value of the sheet may be ``None`` (else the lists are not scanned).
        """
        if not complete or (gaps and (None in scores or None in comments)):
            missing = [n for n, v in zip(names, scores, strict=True) if v is None]
            missing += [n for n, v in zip(comment_names, comments, strict=True) if v is None]
            why = f"thiếu kết quả môn {join_vi(missing)}" if missing else "dữ liệu môn học chưa đủ"
            explanation.append(f"Chưa xác định kết quả học tập {PERIOD_LABEL[period]}: {why}.")
            return None
        # No None in scores or comments (checked above).
        level, sentence = self.explained_level(
            period,
            "",
            scores,  # type: ignore[arg-type]
            comments,  # type: ignore[arg-type]
            names,
            comment_names,
        )
        explanation.append(sentence)
        return level

    def explained_level(
        self,
        period: int,
        label: str,
        scores: list[int],
        comments: list[bool],
        names: list[str],
        comment_names: list[str],
    ) -> tuple[int, str]:
        """Level and its sentence; ``period`` indexes the precomputed heads, -1 uses ``label``."""
        level, raw, culprit, ordered, fails = self.level(scores, comments)
        if period >= 0:
            head = self.heads[period][level]
        else:
            head = f"Kết quả học tập {label} {LEVEL_NAMES[level]}"
        if culprit is not None:
            if culprit[0]:
                value = VI_OF[scores[culprit[1]]]
                subject = names[culprit[1]]
            else:
                value = "Chưa đạt"
                subject = comment_names[culprit[1]]
            return level, (
                f"{head}: theo điều kiện chỉ đạt mức {LEVEL_NAMES[raw]}, bị hạ từ 2 mức trở lên "
                f"chỉ do môn {subject} ({value}) nên được điều chỉnh lên mức liền "
                "kề (Điều 9 khoản 3)."
            )
        n = len(ordered)
        if level == TOT:
            reached = n - bisect_left(ordered, self.good_count_min)
            if period >= 0:
                cache = self.good_text[period]
                sentence = cache.get(reached)
                if sentence is None:
                    sentence = self.good_sentence(head, reached)
                    if len(cache) < 64:
                        cache[reached] = sentence
                return level, sentence
            return level, self.good_sentence(head, reached)
        if level == KHA:
            reached = n - bisect_left(ordered, self.fair_count_min)
            met = self.fair_met.get(reached)
            if met is None:
                met = (
                    "mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ "
                    f"{self.fair_all_text} trở lên và {reached} môn từ {self.fair_count_text} "
                    "trở lên; "
                )
                if len(self.fair_met) < 64:
                    self.fair_met[reached] = met
            low = self.good_all_min
            low_text = self.good_all_text
            count_min = self.good_count_min
            count_text = self.good_count_text
        elif level == DAT:
            reached = n - bisect_left(ordered, self.pass_count_min)
            met = (
                f"{fails} môn đánh giá bằng nhận xét Chưa đạt (tối đa {self.pass_max_fail}), "
                f"không môn nào dưới {self.pass_floor_text} và {reached} môn từ "
                f"{self.pass_count_text} trở lên; "
            )
            low = self.fair_all_min
            low_text = self.fair_all_text
            count_min = self.fair_count_min
            count_text = self.fair_count_text
        else:
            met = ""
            low = self.pass_floor
            low_text = self.pass_floor_text
            count_min = self.pass_count_min
            count_text = self.pass_count_text
        reasons: list[str] = []
        if fails and (level > CHUA_DAT or fails > self.pass_max_fail):
            failed = [comment_names[i] for i, ok in enumerate(comments) if not ok]
            if level == CHUA_DAT:
                reasons.append(
                    f"{fails} môn đánh giá bằng nhận xét Chưa đạt ({join_vi(failed)}), tối đa "
                    f"{self.pass_max_fail}"
                )
            else:
                reasons.append(f"môn {join_vi(failed)} Chưa đạt")
        if ordered and ordered[0] < low:
            for i, v in enumerate(scores):
                if v < low:
                    reasons.append(f"môn {names[i]} {VI_OF[v]} < {low_text}")
        reached = n - bisect_left(ordered, count_min)
        if reached < self.min_subjects:
            reasons.append(
                f"chỉ có {reached} môn từ {count_text} trở lên (cần ít nhất {self.min_subjects})"
            )
        return (
            level,
            f"{head}: {met}{'; '.join(reasons)} nên chưa đạt mức {LEVEL_NAMES[level + 1]}.",
        )

    def good_sentence(self, head: str, reached: int) -> str:
        return (
            f"{head}: mọi môn đánh giá bằng nhận xét Đạt, mọi môn tính điểm từ "
            f"{self.good_all_text} trở lên và {reached} môn từ {self.good_count_text} "
            "trở lên."
        )

    # ------------------------------------------------------------------ training, absences

    def training(
        self, raw: object, errors: list[dict[str, Any]], explanation: list[str]
    ) -> int | None:
        if type(raw) is dict:
            try:
                t1 = LEVEL_INPUT[raw["term1"]]
                t2 = LEVEL_INPUT[raw["term2"]]
            except (KeyError, TypeError):
                pass
            else:
                explanation.append(TRAINING_SENTENCE[t1][t2])
                return TRAINING_YEAR[t1][t2]
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
            k1: int | None = LEVEL_INPUT[raw["term1"]]
            k2: int | None = LEVEL_INPUT[raw["term2"]]
        except (KeyError, TypeError):
            k1 = level_value(raw.get("term1"), "Kết quả rèn luyện học kì I", errors)
            k2 = level_value(raw.get("term2"), "Kết quả rèn luyện học kì II", errors)
        if k1 is None or k2 is None:
            explanation.append("Chưa xác định kết quả rèn luyện cả năm: thiếu kết quả học kì.")
            return None
        explanation.append(TRAINING_SENTENCE[k1][k2])
        return TRAINING_YEAR[k1][k2]

    @staticmethod
    def absences(raw: object, errors: list[dict[str, Any]]) -> int | None:
        if type(raw) is int and raw >= 0:
            return raw
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

    def title(
        self, training: int | None, learning: int | None, sheet: Sheet, explanation: list[str]
    ) -> str | None:
        """Học sinh Xuất sắc / Giỏi (Điều 15; TT43 Điều 14: học viên, ≥ 5 subjects)."""
        if training != TOT or learning != TOT:
            key = (training, learning)
            sentence = self.no_title_text.get(key)
            if sentence is None:
                short = []
                if training is not None and training != TOT:
                    short.append(f"rèn luyện cả năm {LEVEL_NAMES[training]}")
                if learning is not None and learning != TOT:
                    short.append(f"học tập cả năm {LEVEL_NAMES[learning]}")
                if short:
                    sentence = (
                        f"Không có danh hiệu: {join_vi(short)} (cần rèn luyện Tốt và học tập Tốt)."
                    )
                else:
                    sentence = "Chưa xét danh hiệu: thiếu kết quả rèn luyện hoặc học tập cả năm."
                self.no_title_text[key] = sentence
            explanation.append(sentence)
            return None
        threshold = self.excellent_min
        excellent = 0
        for v in sheet.sy:
            if v is not None and v >= threshold:
                excellent += 1
        need = self.excellent_need
        learner = self.learner
        if excellent >= need:
            explanation.append(
                f"Danh hiệu {learner} Xuất sắc: rèn luyện Tốt, học tập Tốt và {excellent} môn có "
                f"điểm trung bình cả năm từ {self.excellent_text} trở lên (cần ít nhất {need})."
            )
            return "XUAT_SAC"
        explanation.append(
            f"Danh hiệu {learner} Giỏi: rèn luyện Tốt và học tập Tốt; chỉ {excellent} môn có điểm "
            f"trung bình cả năm từ {self.excellent_text} trở lên (cần {need}) nên chưa đạt "
            f"{learner} Xuất sắc."
        )
        return "GIOI"

    def decision(
        self,
        grade: object,
        training: int | None,
        learning: int | None,
        absences: int | None,
        sheet: Sheet,
        explanation: list[str],
    ) -> tuple[str | None, list[tuple[bool, int]]]:
        """Promotion (Điều 12), summer training (Đ13), re-test (Đ14)."""
        limit = self.absence_limit
        if absences is not None and absences > limit:
            explanation.append(f"Ở lại lớp: nghỉ {absences} buổi, quá {limit} buổi trong năm học.")
            return O_LAI_LOP, []
        if training is None or learning is None or absences is None:
            explanation.append(
                "Chưa xét lên lớp: thiếu kết quả rèn luyện, học tập cả năm hoặc số buổi nghỉ."
            )
            return None, []
        if training >= DAT and learning >= DAT:
            stage = 0
            if grade in self.final_grades:
                stage = 1 if grade == self.final_grades[0] else 2
            key = (stage, training, learning)
            start = self.promoted_text.get(key)
            if start is None:
                done = "Lên lớp"
                if stage:
                    name = "trung học cơ sở" if stage == 1 else "trung học phổ thông"
                    done = f"Lên lớp (hoàn thành chương trình {name})"
                start = (
                    f"{done}: rèn luyện cả năm {LEVEL_NAMES[training]}, học tập cả năm "
                    f"{LEVEL_NAMES[learning]}, nghỉ "
                )
                self.promoted_text[key] = start
            explanation.append(f"{start}{absences} buổi (tối đa {limit}).")
            return LEN_LOP, []
        absent = f"nghỉ {absences} buổi (tối đa {limit})"
        if learning >= DAT:
            explanation.append(
                f"Rèn luyện trong kì nghỉ hè: rèn luyện cả năm Chưa đạt; học tập cả năm "
                f"{LEVEL_NAMES[learning]}, {absent}."
            )
            return REN_LUYEN_HE, []
        below = self.retest_below
        scores = sheet.sy
        comments = sheet.cy
        retest: list[tuple[bool, int]] = []
        for ref in sheet.order():
            if ref[0]:
                value = scores[ref[1]]
                if value is not None and value < below:
                    retest.append(ref)
            elif not comments[ref[1]]:
                retest.append(ref)
        names = join_vi([sheet.name_of(ref) for ref in retest])
        if not retest:
            explanation.append(
                "Ở lại lớp: học tập cả năm Chưa đạt nhưng không có môn nào thuộc diện kiểm tra lại "
                f"(Chưa đạt hoặc dưới {self.retest_text}); cần xem xét thủ công."
            )
            return O_LAI_LOP, []
        if training >= DAT:
            explanation.append(
                f"Kiểm tra lại: học tập cả năm Chưa đạt, rèn luyện cả năm {LEVEL_NAMES[training]}, "
                f"{absent}; kiểm tra lại tất cả các môn Chưa đạt hoặc có điểm trung bình cả năm "
                f"dưới {self.retest_text}: {names}."
            )
            return KIEM_TRA_LAI, retest
        first = (
            "rèn luyện hè trước, nếu được đánh giá lại từ Đạt trở lên thì kiểm tra lại"
            if self.summer_first
            else "rèn luyện hè và kiểm tra lại"
        )
        explanation.append(
            "Rèn luyện trong kì nghỉ hè và kiểm tra lại: rèn luyện và học tập cả năm đều Chưa đạt, "
            f"{absent}; {first} các môn {names}."
        )
        return REN_LUYEN_HE_VA_KIEM_TRA_LAI, retest

    def after_summer(
        self,
        training: object,
        results: object,
        decision: str | None,
        retest: list[tuple[bool, int]],
        sheet: Sheet,
        errors: list[dict[str, Any]],
        warnings: list[dict[str, Any]],
        explanation: list[str],
    ) -> tuple[int | None, int | None, str | None]:
        """(learning after re-test, training after summer, final decision) — Điều 13, 14."""
        raw_summer = training.get("summer") if isinstance(training, Mapping) else None
        given: Mapping[Any, Any]
        if results is None:
            given = {}
        elif isinstance(results, Mapping):
            given = results
        else:
            errors.append(
                issue(
                    ErrorCode.BAD_INPUT, None, "“retest” phải là một đối tượng: mã môn → kết quả."
                )
            )
            given = {}
        wanted = {sheet.code_of(ref) for ref in retest}
        for code in given:
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
                summer = level_value(raw_summer, "Kết quả rèn luyện sau rèn luyện hè", errors)
            if summer is None:
                explanation.append("Chưa có kết quả đánh giá lại rèn luyện sau kì nghỉ hè.")
                if decision == REN_LUYEN_HE or self.summer_first:
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

        scores: list[int] = list(sheet.sy)  # type: ignore[arg-type]  # complete: no None
        comments: list[bool] = list(sheet.cy)  # type: ignore[arg-type]
        done = 0
        for ref in retest:
            code = sheet.code_of(ref)
            value = given.get(code)
            if value is None:
                continue
            where = f"Môn {sheet.name_of(ref)}, kết quả kiểm tra lại"
            index = ref[1]
            if ref[0]:
                tenths = parse_value(value, code, where, errors)
                if tenths is not None:
                    sheet.output[code]["retest"] = tenths / 10
                    scores[index] = tenths
                    done += 1
            else:
                passed = comment_value(value, code, where, errors)
                if passed is not None:
                    sheet.output[code]["retest"] = COMMENT_CODE[passed]
                    comments[index] = passed
                    done += 1
        if done < len(retest):
            explanation.append("Chưa có đủ kết quả kiểm tra lại của các môn phải kiểm tra lại.")
            return None, summer, None
        level, sentence = self.explained_level(
            -1,
            "cả năm sau kiểm tra lại",
            scores,
            comments,
            sheet.score_names,
            sheet.comment_names,
        )
        explanation.append(f"{sentence} (Kết quả kiểm tra lại thay cho kết quả cả năm của môn.)")
        if level < DAT:
            explanation.append("Ở lại lớp: kết quả học tập sau kiểm tra lại Chưa đạt.")
            return level, summer, O_LAI_LOP
        if summer_needed and summer is None:
            explanation.append("Học tập sau kiểm tra lại từ Đạt trở lên; chờ kết quả rèn luyện hè.")
            return level, None, None
        explanation.append("Lên lớp: kết quả học tập sau kiểm tra lại từ Đạt trở lên.")
        return level, summer, LEN_LOP


# ---------------------------------------------------------------------- value helpers


def parse_value(value: object, code: str, where: str, errors: list[dict[str, Any]]) -> int | None:
    """A score in tenths, or ``None`` with the error reported."""
    try:
        return parse_tenths(value)
    except InvalidScore as exc:
        errors.append(issue(exc.code, code, f"{where}: {exc.message}"))
        return None


def comment_value(
    value: object, code: str, where: str, errors: list[dict[str, Any]]
) -> bool | None:
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


def level_value(value: object, what: str, errors: list[dict[str, Any]]) -> int | None:
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


__all__ = ["Engine", "Sheet", "LEVEL_CODES"]
