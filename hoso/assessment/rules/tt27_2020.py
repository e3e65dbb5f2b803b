"""Thông tư 27/2020/TT-BGDĐT — assessment of primary pupils (REGULATIONS.md §2).

End-of-year educational result (Điều 9 k2): Hoàn thành xuất sắc (HTXS) / Hoàn thành tốt (HTT) /
Hoàn thành (HT) / Chưa hoàn thành (CHT) from the subject levels T/H/C, the 5 qualities and 10
competencies T/D/C, and the end-of-year periodic tests (integers 0–10, thresholds 9 / 7 / 5).
Titles (Điều 13): Xuất sắc = HTXS; Tiêu biểu = HTT *and* recognised by the class (a flag, never
automatic). Completion (Điều 11): HTXS, HTT or HT; otherwise supplementary assessment and the
principal's decision. No absence limit in TT27.

Subject codes are labels: the rule set checks kinds, counts and values, never names. A subject is
"tested" when it carries ``final_test`` or ``"tested": true``.

UNCONFIRMED (defaults chosen, each a parameter): the HT row wording (subjects HTT or HT, qualities and
competencies Tốt or Đạt, tests ≥ 5); the number of tested subjects per grade, counting Khoa học
(``tested_subjects_by_grade`` = 2, 2, 4, 6, 6 — a shortfall is a warning, not an error); the
quality/competency levels T/Đ/C.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Case, Result, join_vi
from .capabilities import (
    BY_CHECKPOINTS,
    CHECKPOINTS,
    COMMENT_RESULT,
    LEVEL,
    SCORE,
    TERM1,
    TEST,
    TEXT,
    YEAR,
    Capabilities,
    ColumnSpec,
    term_checkpoints,
)
from .errors import ErrorCode, InvalidScore, issue
from .scores import parse_tenths

CODE = "TT27_2020"
VERSION = "1.0"

# Subject levels and quality/competency levels, ranked.
C, H, T = 0, 1, 2
SUBJECT_LEVEL = {"T": T, "H": H, "C": C, "HTT": T, "HT": H, "CHT": C}
SUBJECT_NAMES = ("Chưa hoàn thành", "Hoàn thành", "Hoàn thành tốt")
TRAIT_LEVEL = {"T": T, "D": H, "Đ": H, "C": C}
TRAIT_NAMES = ("Cần cố gắng", "Đạt", "Tốt")

HTXS, HTT, HT, CHT = "HTXS", "HTT", "HT", "CHT"
OVERALL_NAMES = {
    HTXS: "Hoàn thành xuất sắc",
    HTT: "Hoàn thành tốt",
    HT: "Hoàn thành",
    CHT: "Chưa hoàn thành",
}

QUALITY_NAMES = {
    "yeu_nuoc": "yêu nước",
    "nhan_ai": "nhân ái",
    "cham_chi": "chăm chỉ",
    "trung_thuc": "trung thực",
    "trach_nhiem": "trách nhiệm",
}
COMPETENCY_NAMES = {
    "tu_chu_tu_hoc": "tự chủ và tự học",
    "giao_tiep_hop_tac": "giao tiếp và hợp tác",
    "giai_quyet_van_de_sang_tao": "giải quyết vấn đề và sáng tạo",
    "ngon_ngu": "ngôn ngữ",
    "tinh_toan": "tính toán",
    "khoa_hoc": "khoa học",
    "cong_nghe": "công nghệ",
    "tin_hoc": "tin học",
    "tham_mi": "thẩm mĩ",
    "the_chat": "thể chất",
}
#: What the pages, the API and the prints ask of TT27 (see :mod:`.capabilities`).
CAPABILITIES = Capabilities(
    circular="Thông tư số 27/2020/TT-BGDĐT",
    evaluation=BY_CHECKPOINTS,
    periods=(TERM1, YEAR),
    learner="học sinh",
    period_labels={TERM1: "Cuối học kỳ I", YEAR: "Cuối năm học"},
    subject_term_result=False,
    extra_regular_columns=False,
    term_training=False,
    retest=False,
    trait_checkpoints=CHECKPOINTS,
    subject_levels={"T": "Hoàn thành tốt", "H": "Hoàn thành", "C": "Chưa hoàn thành"},
    promotion_label="Hoàn thành chương trình lớp học",
    repeat_label="Chưa hoàn thành — đánh giá bổ sung",
    # every subject ends with a level (Hoàn thành tốt / Hoàn thành / Chưa hoàn thành), never an
    # average, whether it has tests or not
    subject_result_captions={SCORE: "mức đạt được", COMMENT_RESULT: "mức đạt được"},
    term_result_headings={SCORE: "Mức đạt được", COMMENT_RESULT: "Mức đạt được"},
)
_OTHER_TESTS = (
    ("midterm1_test", "giữa học kì I"),
    ("term1_test", "cuối học kì I"),
    ("midterm2_test", "giữa học kì II"),
)


@dataclass(frozen=True, slots=True)
class PrimaryParams:
    """Every number of the primary rules (test scores are whole points here, not tenths)."""

    excellent_test_min: int = 9
    good_test_min: int = 7
    pass_test_min: int = 5
    quality_count: int = 5
    competency_count: int = 10
    #: UNCONFIRMED: tested subjects in grades 1..5 (TV, Toán; + NN1, Tin học và Công nghệ;
    #: + LS&ĐL, Khoa học).
    tested_subjects_by_grade: tuple[int, ...] = (2, 2, 4, 6, 6)
    final_grade: int = 5
    #: Điều 7: in grades 4 and 5, Tiếng Việt and Toán also have mid-term tests (giữa HK I, giữa
    #: HK II). They do not enter the year result; a missing one is a warning.
    midterm_test_grades: tuple[int, ...] = (4, 5)
    midterm_test_subjects: tuple[str, ...] = ("TV", "TIENG_VIET", "TOAN")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.type == "int" and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise ValueError(f"{f.name} must be a non-negative integer")
        if not all(isinstance(n, int) and n >= 0 for n in self.tested_subjects_by_grade):
            raise ValueError("tested_subjects_by_grade must be non-negative integers")
        if not all(isinstance(n, int) and n >= 0 for n in self.midterm_test_grades):
            raise ValueError("midterm_test_grades must be non-negative integers")
        if not all(isinstance(c, str) for c in self.midterm_test_subjects):
            raise ValueError("midterm_test_subjects must be subject codes")


class PrimaryRuleSet:
    """TT27/2020 end-of-year evaluation of one primary pupil."""

    case_keys = ("ruleset", "grade", "subjects", "qualities", "competencies", "class_recognised")

    def __init__(
        self,
        *,
        code: str = CODE,
        version: str = VERSION,
        params: PrimaryParams | None = None,
        default_params: PrimaryParams | None = None,
    ) -> None:
        self.code = code
        self.version = version
        self.level = ("primary",)
        self.title = "Thông tư 27/2020/TT-BGDĐT — đánh giá học sinh tiểu học"
        self.circular = CAPABILITIES.circular
        self.params = params or PrimaryParams()
        self.capabilities = dataclasses.replace(
            CAPABILITIES, meanings=primary_meanings(self.params)
        )
        self._default_params = default_params or self.params
        custom = "" if self.params == self._default_params else "+params"
        self._version_label = f"{code}@{version}{custom}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.version_label}>"

    @property
    def version_label(self) -> str:
        return self._version_label

    def with_params(self, **overrides: Any) -> PrimaryRuleSet:
        return PrimaryRuleSet(
            code=self.code,
            version=self.version,
            params=dataclasses.replace(self.params, **overrides),
            default_params=self._default_params,
        )

    def sheet_columns(
        self,
        *,
        assessment: str,
        term_number: int,
        periods_per_year: int = 0,
        midterm_test: bool = False,
        last_regular: int = 0,
        extra_regular: int = 0,
        max_regular: int = 0,
    ) -> list[ColumnSpec]:
        """A term's columns, per checkpoint (mid-term, end): the level ``MUC_<cp>`` (T/H/C), the
        periodic test ``KT_<cp>`` (whole points; at the end of the term for tested subjects —
        assessment ``both`` — and at mid-term when the offering has a mid-term test, Điều 7) and
        the comment ``NX_<cp>``. No regular columns: the other arguments do not apply."""
        mid, end = term_checkpoints(term_number)
        tested = assessment == "both"
        cols: list[ColumnSpec] = []
        for cp, name in ((mid, "Giữa kỳ"), (end, "Cuối kỳ" if term_number == 1 else "Cuối năm")):
            cols.append(ColumnSpec(f"MUC_{cp}", f"Mức {name}", LEVEL, True, cp, False))
            if tested and (cp == end or midterm_test):
                cols.append(ColumnSpec(f"KT_{cp}", f"Điểm KT {name}", TEST, True, cp, True))
            cols.append(ColumnSpec(f"NX_{cp}", f"Nhận xét {name}", TEXT, False, cp, False))
        return cols

    def evaluate(self, case: Case) -> Result:
        p = self.params
        errors: list[dict] = []
        warnings: list[dict] = []
        explanation: list[str] = []

        subjects = self._subjects(case.get("subjects"), case.get("grade"), errors, warnings)
        qualities = self._traits(
            case.get("qualities"), "qualities", "phẩm chất", p.quality_count, QUALITY_NAMES, errors
        )
        competencies = self._traits(
            case.get("competencies"),
            "competencies",
            "năng lực",
            p.competency_count,
            COMPETENCY_NAMES,
            errors,
        )
        overall = None
        if subjects is None or qualities is None or competencies is None:
            explanation.append(
                "Chưa xác định kết quả giáo dục cuối năm: thiếu hoặc sai dữ liệu đầu vào."
            )
        else:
            overall = self._overall(subjects, qualities + competencies, explanation)

        title = None
        recognised = case.get("class_recognised") is True
        if overall == HTXS:
            title = "XUAT_SAC"
            explanation.append("Khen thưởng Học sinh Xuất sắc: kết quả Hoàn thành xuất sắc.")
        elif overall == HTT and recognised:
            title = "TIEU_BIEU"
            explanation.append(
                "Khen thưởng Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện: kết quả "
                "Hoàn thành tốt và được tập thể lớp công nhận."
            )
        elif overall == HTT:
            explanation.append(
                "Không có danh hiệu: Hoàn thành tốt nhưng chưa được tập thể lớp công nhận là tiêu "
                "biểu (class_recognised)."
            )
        elif overall is not None:
            explanation.append(
                f"Không có danh hiệu: kết quả {OVERALL_NAMES[overall]} (cần Hoàn thành xuất sắc, "
                "hoặc Hoàn thành tốt và được tập thể lớp công nhận)."
            )

        completed = None if overall is None else overall != CHT
        note = None
        if completed:
            grade = case.get("grade")
            if grade == p.final_grade:
                note = "Hoàn thành chương trình tiểu học"
                explanation.append("Hoàn thành chương trình tiểu học (ghi vào học bạ).")
            else:
                explanation.append("Hoàn thành chương trình lớp học, được lên lớp.")
        elif completed is False:
            explanation.append(
                "Chưa hoàn thành chương trình lớp học: giáo viên lập kế hoạch hỗ trợ và đánh giá bổ "
                "sung; nếu vẫn chưa hoàn thành, Hiệu trưởng xem xét, quyết định lên lớp hoặc chưa "
                "lên lớp (Điều 11)."
            )
        return {
            "ruleset_version": self.version_label,
            "overall": overall,
            "title": title,
            "completed": completed,
            "supplementary_assessment": completed is False,
            "transcript_note": note,
            "errors": errors,
            "warnings": warnings,
            "explanation": explanation,
        }

    # ------------------------------------------------------------------ inputs

    def _subjects(
        self, raw: object, grade: object, errors: list[dict], warnings: list[dict]
    ) -> list[tuple[str, int, int | None]] | None:
        """[(name, level, final test or None)], or None if anything is missing or invalid."""
        if not isinstance(raw, list) or not raw:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if not raw else ErrorCode.BAD_INPUT,
                    None,
                    "Thiếu danh sách môn học và hoạt động giáo dục (subjects phải là mảng).",
                )
            )
            return None
        ok = True
        result: list[tuple[str, int, int | None]] = []
        seen: set[str] = set()
        tested = 0
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping) or not isinstance(item.get("code"), str):
                errors.append(
                    issue(
                        ErrorCode.BAD_INPUT, None, f"Môn học thứ {index + 1} thiếu mã môn (code)."
                    )
                )
                ok = False
                continue
            code = item["code"]
            name = item.get("name") if isinstance(item.get("name"), str) else code
            if code in seen:
                errors.append(issue(ErrorCode.BAD_INPUT, code, f"Môn {code} xuất hiện hai lần."))
                ok = False
                continue
            seen.add(code)
            level_raw = item.get("level")
            level = None
            if level_raw is None:
                errors.append(
                    issue(
                        ErrorCode.MISSING_PERIODIC,
                        code,
                        f"Môn {name}: chưa có mức đánh giá định kì cuối năm học.",
                    )
                )
            else:
                try:
                    level = SUBJECT_LEVEL[level_raw]
                except (KeyError, TypeError):
                    errors.append(
                        issue(
                            ErrorCode.UNKNOWN_LEVEL,
                            code,
                            f"Môn {name}: mức “{level_raw}” không phải là T, H hoặc C.",
                        )
                    )
            test_raw = item.get("final_test")
            test = None
            is_tested = test_raw is not None or item.get("tested") is True
            if is_tested:
                tested += 1
                if test_raw is None:
                    errors.append(
                        issue(
                            ErrorCode.MISSING_PERIODIC,
                            code,
                            f"Môn {name}: thiếu điểm bài kiểm tra định kì cuối năm học.",
                        )
                    )
                else:
                    test = self._test(test_raw, code, f"Môn {name}, bài kiểm tra cuối năm", errors)
                if test is None:
                    ok = False
            for key, when in _OTHER_TESTS:
                if item.get(key) is not None:
                    self._test(item[key], code, f"Môn {name}, bài kiểm tra {when}", errors)
                elif (
                    key != "term1_test"
                    and is_tested
                    and grade in self.params.midterm_test_grades
                    and code in self.params.midterm_test_subjects
                ):
                    warnings.append(
                        issue(
                            ErrorCode.MISSING_PERIODIC,
                            code,
                            f"Môn {name} (lớp {grade}): chưa có điểm bài kiểm tra định kì {when}.",
                        )
                    )
            if level is None:
                ok = False
                continue
            result.append((name, level, test))
        by_grade = self.params.tested_subjects_by_grade
        if isinstance(grade, int) and 1 <= grade <= len(by_grade) and tested < by_grade[grade - 1]:
            warnings.append(
                issue(
                    ErrorCode.MANUAL_REVIEW,
                    None,
                    f"Lớp {grade} thường có {by_grade[grade - 1]} môn kiểm tra định kì cuối năm, "
                    f"hồ sơ chỉ có {tested}; kiểm tra lại dữ liệu (miễn học?).",
                )
            )
        return result if ok else None

    @staticmethod
    def _test(value: object, code: str, where: str, errors: list[dict]) -> int | None:
        try:
            return parse_tenths(value, integer_only=True) // 10
        except InvalidScore as exc:
            errors.append(issue(exc.code, code, f"{where}: {exc.message}"))
            return None

    @staticmethod
    def _traits(
        raw: object,
        key: str,
        what: str,
        count: int,
        names: dict[str, str],
        errors: list[dict],
    ) -> list[tuple[str, int]] | None:
        if not isinstance(raw, Mapping):
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT if raw is None else ErrorCode.BAD_INPUT,
                    None,
                    f"Thiếu kết quả đánh giá các {what} ({key}).",
                )
            )
            return None
        ok = True
        result = []
        for name, value in raw.items():
            label = names.get(name, name)
            if value is None:
                errors.append(
                    issue(
                        ErrorCode.MISSING_INPUT, name, f"{what.capitalize()} {label}: chưa có mức."
                    )
                )
                ok = False
                continue
            try:
                result.append((label, TRAIT_LEVEL[value]))
            except (KeyError, TypeError):
                errors.append(
                    issue(
                        ErrorCode.UNKNOWN_LEVEL,
                        name,
                        f"{what.capitalize()} {label}: mức “{value}” không phải là T, D hoặc C.",
                    )
                )
                ok = False
        if len(raw) < count:
            errors.append(
                issue(
                    ErrorCode.MISSING_INPUT,
                    None,
                    f"Có {len(raw)} {what}, cần đánh giá đủ {count} {what}.",
                )
            )
            ok = False
        return result if ok else None

    # ------------------------------------------------------------------ result

    def _overall(
        self,
        subjects: list[tuple[str, int, int | None]],
        traits: list[tuple[str, int]],
        explanation: list[str],
    ) -> str:
        p = self.params
        subject_min = min(level for _, level, _ in subjects)
        trait_min = min((level for _, level in traits), default=T)
        tests = [(name, test) for name, _, test in subjects if test is not None]
        test_min = min((test for _, test in tests), default=10)
        if subject_min == T and trait_min == T and test_min >= p.excellent_test_min:
            overall = HTXS
        elif subject_min == T and trait_min == T and test_min >= p.good_test_min:
            overall = HTT
        elif subject_min >= H and trait_min >= H and test_min >= p.pass_test_min:
            overall = HT
        else:
            overall = CHT
        # Why not the next level up.
        if overall == HTXS:
            explanation.append(
                "Hoàn thành xuất sắc: mọi môn học và hoạt động giáo dục Hoàn thành tốt, mọi phẩm "
                f"chất và năng lực Tốt, mọi bài kiểm tra định kì cuối năm từ {p.excellent_test_min} "
                "điểm trở lên."
            )
            return overall
        if overall == HTT:
            subject_floor, trait_floor, test_floor = T, T, p.excellent_test_min
        elif overall == HT:
            subject_floor, trait_floor, test_floor = T, T, p.good_test_min
        else:
            subject_floor, trait_floor, test_floor = H, H, p.pass_test_min
        reasons = [
            f"môn {name} {SUBJECT_NAMES[level]}"
            for name, level, _ in subjects
            if level < subject_floor
        ]
        reasons += [f"{name} {TRAIT_NAMES[level]}" for name, level in traits if level < trait_floor]
        reasons += [
            f"bài kiểm tra cuối năm môn {name} {test} điểm < {test_floor}"
            for name, test in tests
            if test < test_floor
        ]
        upper = {HTT: HTXS, HT: HTT, CHT: HT}[overall]
        explanation.append(
            f"{OVERALL_NAMES[overall]}: {join_vi(reasons)} nên chưa đạt mức {OVERALL_NAMES[upper]}."
        )
        return overall


def primary_meanings(p: PrimaryParams) -> dict[str, dict[str, str]]:
    """What each result means, in words a parent reads (Điều 6, 7 and 14 of the circular),
    with this rule set's numbers."""
    return {
        "overall": {
            HTXS: (
                "Mọi môn học và hoạt động giáo dục Hoàn thành tốt, mọi phẩm chất và năng lực Tốt, "
                f"mọi bài kiểm tra định kì cuối năm từ {p.excellent_test_min} điểm trở lên."
            ),
            HTT: (
                "Mọi môn học và hoạt động giáo dục Hoàn thành tốt, mọi phẩm chất và năng lực Tốt, "
                f"mọi bài kiểm tra định kì cuối năm từ {p.good_test_min} điểm trở lên."
            ),
            HT: (
                "Mọi môn học và hoạt động giáo dục từ Hoàn thành trở lên, mọi phẩm chất và năng "
                f"lực từ Đạt trở lên, mọi bài kiểm tra định kì cuối năm từ {p.pass_test_min} điểm "
                "trở lên."
            ),
            CHT: "Chưa đạt các điều kiện của mức Hoàn thành.",
        },
        "subject": {
            "T": "Thực hiện tốt các yêu cầu học tập và thường xuyên có biểu hiện cụ thể về các "
            "thành phần năng lực của môn học.",
            "H": "Thực hiện được các yêu cầu học tập và có biểu hiện cụ thể về các thành phần năng "
            "lực của môn học.",
            "C": "Chưa thực hiện được một số yêu cầu học tập hoặc chưa có biểu hiện cụ thể về các "
            "thành phần năng lực của môn học.",
        },
        "title": {
            "XUAT_SAC": "Kết quả giáo dục cuối năm Hoàn thành xuất sắc.",
            "TIEU_BIEU": "Kết quả giáo dục cuối năm Hoàn thành tốt và được tập thể lớp công nhận "
            "tiêu biểu trong học tập và rèn luyện.",
        },
    }


RULESET = PrimaryRuleSet()
