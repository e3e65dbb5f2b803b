"""Kết quả học tập và rèn luyện: rule-set cases assembled from the grade book and the homeroom
teacher's inputs, computed per class and period, kept in ``StudentResult`` and frozen once the
principal approves the class result.

Periods: ``term1``, ``term2``, ``year`` (secondary: TT22/TT43) and ``final`` — the results after
the re-test and summer training (kiểm tra lại, rèn luyện hè), opened only when the year is
approved and some students still wait for them. Primary schools (TT27) have ``term1`` and ``year``:
the educational result is an end-of-year assessment, from the end-of-year subject levels and tests
and the homeroom teacher's end-of-year qualities and competencies (phẩm chất, năng lực: kept per
checkpoint in ``HomeroomInput``; the term-1 period shows the end-of-term-1 ones, which the rule set
does not use).

One evaluation per student gives every period: the rule set computes term 1, term 2 and the year
together; the term periods keep their part of the output. Each period row stores the SHA-256 of
the canonical case it depends on (``inputs_hash``), so a recomputation evaluates and writes only
the rows whose inputs changed. Approved periods are skipped (frozen);
``result_refresh_after_correction`` is the one way to change a frozen row (the correction
procedure).

Reads for the pages (``class_results``, ``school_lists``) and the scope checks of the results pages
live here too.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import DateTimeField, Value
from django.db.models.fields.json import KeyTransform

from hoso.accounts.actor import Actor
from hoso.assessment.rules import Capabilities, capabilities_for, evaluate_many, get_ruleset
from hoso.assessment.rules.tt27_2020 import COMPETENCY_NAMES, QUALITY_NAMES
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.gradebook.entry.columns import ruleset_code
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.results.errors import ResultsError
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.organisation.models import SchoolClass, SubjectOffering
from hoso.students.models import Enrolment, Student

TERM1, TERM2, YEAR, FINAL = "term1", "term2", "year", "final"
PERIODS = (TERM1, TERM2, YEAR, FINAL)
PERIOD_LABELS = {
    TERM1: "Học kỳ I",
    TERM2: "Học kỳ II",
    YEAR: "Cả năm",
    FINAL: "Sau kiểm tra lại, rèn luyện hè",
}
_TERM_TEXT = {TERM1: "học kì I", TERM2: "học kì II"}

LEVEL_LABELS = {"T": "Tốt", "K": "Khá", "D": "Đạt", "CD": "Chưa đạt"}
COMMENT_LABELS = {"D": "Đ", "CD": "CĐ"}
DECISION_LABELS = {
    "LEN_LOP": "Lên lớp",
    "KIEM_TRA_LAI": "Kiểm tra lại",
    "REN_LUYEN_HE": "Rèn luyện trong hè",
    "REN_LUYEN_HE_VA_KIEM_TRA_LAI": "Rèn luyện hè và kiểm tra lại",
    "O_LAI_LOP": "Ở lại lớp",
}
PENDING_DECISIONS = frozenset({"KIEM_TRA_LAI", "REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"})
RETEST_DECISIONS = frozenset({"KIEM_TRA_LAI", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"})
SUMMER_DECISIONS = frozenset({"REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"})
OVERALL_LABELS = {
    "HTXS": "Hoàn thành xuất sắc",
    "HTT": "Hoàn thành tốt",
    "HT": "Hoàn thành",
    "CHT": "Chưa hoàn thành",
}
PRIMARY_LEVEL_LABELS = {"T": "Hoàn thành tốt", "H": "Hoàn thành", "C": "Chưa hoàn thành"}
QUALITIES_MISSING = "Chưa nhập phẩm chất, năng lực"

# TT27 qualities (phẩm chất) and competencies (năng lực): the rule set's codes, assessed by the
# homeroom teacher at each checkpoint (Điều 6–7) with the levels Tốt / Đạt / Cần cố gắng.
TRAIT_CHECKPOINTS = ("mid1", "end1", "mid2", "end2")
CHECKPOINT_LABELS = {
    "mid1": "Giữa học kì I",
    "end1": "Cuối học kì I",
    "mid2": "Giữa học kì II",
    "end2": "Cuối năm học",
}
TRAIT_KINDS = ("qualities", "competencies")
TRAIT_CODES = {"qualities": tuple(QUALITY_NAMES), "competencies": tuple(COMPETENCY_NAMES)}
TRAIT_NAMES = {"qualities": dict(QUALITY_NAMES), "competencies": dict(COMPETENCY_NAMES)}
TRAIT_LEVEL_LABELS = {"T": "Tốt", "D": "Đạt", "C": "Cần cố gắng"}
TRAIT_LEVEL_SHORT = {"T": "T", "D": "Đ", "C": "C"}


def periods_for(ruleset: str) -> tuple[str, ...]:
    """The periods a class has (``final`` only appears after the year is approved)."""
    return capabilities_for(ruleset).periods


def period_label(period: str, ruleset: str = "") -> str:
    label = PERIOD_LABELS.get(period, period)
    return capabilities_for(ruleset).period_label(period, label) if ruleset else label


def title_label(code: str | None, ruleset: str = "") -> str:
    if not code:
        return ""
    learner = capabilities_for(ruleset).learner_title
    return {
        "XUAT_SAC": f"{learner} Xuất sắc",
        "GIOI": f"{learner} Giỏi",
        "TIEU_BIEU": f"{learner} Tiêu biểu",
    }.get(code, code)


def class_ruleset(school_class) -> str:
    return ruleset_code(school_class.year, school_class.grade.level, school_class.grade.number)


def class_rules(school_class) -> Capabilities:
    """What the rule set of ``school_class`` offers (periods, homeroom inputs, labels)."""
    return capabilities_for(class_ruleset(school_class))


# ------------------------------------------------------------------------------ loading


@dataclass(frozen=True)
class SubjectSpec:
    id: int
    code: str
    name: str
    assessment: str  # score | comment | both
    periods: int

    @property
    def kind(self) -> str:
        """The rule set's ``assessment`` for secondary subjects."""
        return "comment" if self.assessment == "comment" else "score"

    @property
    def tested(self) -> bool:
        """Primary: has periodic tests (KT columns)."""
        return self.assessment == "both"


@dataclass
class ClassInputs:
    """Everything needed to build the cases of one class (loaded in bulk)."""

    school_class: SchoolClass
    ruleset: str
    version: str
    subjects: list[SubjectSpec]
    students: list[int]
    disabled: set[int]
    # student -> (subject id, term number) -> column -> value
    cells: dict[int, dict[tuple[int, int], dict[str, str]]]
    inputs: dict[int, dict]  # student -> HomeroomInput values

    @property
    def rules(self) -> Capabilities:
        """What the class's rule set offers."""
        return capabilities_for(self.ruleset)


def offerings_by_grade(grade_ids: Iterable[int]) -> dict[int, list[SubjectSpec]]:
    by_grade: dict[int, list[tuple]] = defaultdict(list)
    for o in SubjectOffering.objects.filter(grade_id__in=set(grade_ids)).select_related("subject"):
        s = o.subject
        by_grade[o.grade_id].append(
            (
                (s.order, s.name, s.code),
                SubjectSpec(s.pk, s.code, s.name, s.assessment, o.periods_per_year),
            )
        )
    return {g: [spec for _, spec in sorted(items)] for g, items in by_grade.items()}


_INPUT_FIELDS = (
    "student_id",
    "training_term1",
    "training_term2",
    "training_summer",
    "absences_term1",
    "absences_term2",
    "retest",
    "qualities",
    "competencies",
    "class_recognised",
    "general_comment",
)


def load_inputs(year, classes: list[SchoolClass], *, whole_year: bool = False) -> list[ClassInputs]:
    """Load the grade book and homeroom inputs of ``classes`` in a fixed number of queries.

    ``whole_year`` reads every assessment of the year at once (the school-wide recomputation);
    otherwise only those of the classes' students."""
    if not classes:
        return []
    class_ids = [c.pk for c in classes]
    offerings = offerings_by_grade(c.grade_id for c in classes)
    terms = dict(year.terms.values_list("pk", "number"))
    members: dict[int, list[int]] = defaultdict(list)
    disabled: set[int] = set()
    for class_id, student_id, has_disability in (
        Enrolment.objects.studying()
        .filter(school_class_id__in=class_ids)
        .values_list("school_class_id", "student_id", "student__has_disability")
    ):
        members[class_id].append(student_id)
        if has_disability:
            disabled.add(student_id)
    student_ids = [s for ids in members.values() for s in ids]
    cells: dict[int, dict[tuple[int, int], dict[str, str]]] = defaultdict(dict)
    assessments = Assessment.objects.filter(term_id__in=list(terms)).exclude(value="")
    if not whole_year:
        assessments = assessments.filter(student_id__in=student_ids)
    for student_id, subject_id, term_id, column, value in assessments.values_list(
        "student_id", "subject_id", "term_id", "column", "value"
    ).iterator(chunk_size=20000):
        per_student = cells[student_id]
        key = (subject_id, terms[term_id])
        sheet = per_student.get(key)
        if sheet is None:
            sheet = per_student[key] = {}
        sheet[column] = value
    inputs_qs = HomeroomInput.objects.filter(year=year)
    if not whole_year:
        inputs_qs = inputs_qs.filter(student_id__in=student_ids)
    inputs = {row["student_id"]: row for row in inputs_qs.values(*_INPUT_FIELDS)}
    out = []
    for c in classes:
        code = class_ruleset(c)
        try:
            version = get_ruleset(code).version_label
        except LookupError:
            version = code
        out.append(
            ClassInputs(
                school_class=c,
                ruleset=code,
                version=version,
                subjects=offerings.get(c.grade_id, []),
                students=members.get(c.pk, []),
                disabled=disabled,
                cells=cells,
                inputs=inputs,
            )
        )
    return out


# ------------------------------------------------------------------------------ cases


def _regular(values: dict[str, str]) -> list[str]:
    keys = [k for k in values if k.startswith("TX") and k[2:].isdigit()]
    return [values[k] for k in sorted(keys, key=lambda k: int(k[2:]))]


def _term(values: dict[str, str] | None) -> dict:
    values = values or {}
    return {"regular": _regular(values), "midterm": values.get("GK"), "final": values.get("CK")}


def secondary_case(ci: ClassInputs, student_id: int) -> dict:
    """The rule set's case for one student-year (issue 3's input shape)."""
    cells = ci.cells.get(student_id, {})
    hi = ci.inputs.get(student_id) or {}
    subjects = [
        {
            "code": s.code,
            "name": s.name,
            "assessment": s.kind,
            "periods_per_year": s.periods,
            "term1": _term(cells.get((s.id, 1))),
            "term2": _term(cells.get((s.id, 2))),
        }
        for s in ci.subjects
    ]
    a1, a2 = hi.get("absences_term1"), hi.get("absences_term2")
    case = {
        "ruleset": ci.ruleset,
        "grade": ci.school_class.grade.number,
        "subjects": subjects,
        "training": {
            "term1": hi.get("training_term1") or None,
            "term2": hi.get("training_term2") or None,
            "summer": hi.get("training_summer") or None,
        },
        "absences": None if a1 is None or a2 is None else a1 + a2,
    }
    if hi.get("retest"):
        case["retest"] = dict(hi["retest"])
    if student_id in ci.disabled:
        case["disabled"] = True
    return case


def checkpoint_traits(hi: dict, kind: str, checkpoint: str) -> dict[str, str]:
    """The levels entered for one kind (``qualities`` / ``competencies``) at a checkpoint."""
    stored = (hi.get(kind) or {}).get(checkpoint) or {}
    return {code: stored[code] for code in TRAIT_CODES[kind] if stored.get(code)}


def traits_complete(hi: dict, checkpoint: str) -> bool:
    """Every quality and competency has a level at the checkpoint."""
    return all(
        len(checkpoint_traits(hi, kind, checkpoint)) == len(TRAIT_CODES[kind])
        for kind in TRAIT_KINDS
    )


def _case_traits(hi: dict, kind: str, checkpoint: str) -> dict | None:
    """The rule set's input: None when nothing was entered (one "missing" error), otherwise every
    code, ``None`` for those not entered yet (one precise error each)."""
    entered = checkpoint_traits(hi, kind, checkpoint)
    if not entered:
        return None
    return {code: entered.get(code) for code in TRAIT_CODES[kind]}


def primary_case(ci: ClassInputs, student_id: int) -> dict:
    """TT27: end-of-year level (MUC_end2) and test (KT_end2) per subject, the end-of-year
    qualities and competencies and the class's recognition (for Học sinh Tiêu biểu)."""
    cells = ci.cells.get(student_id, {})
    hi = ci.inputs.get(student_id) or {}
    subjects = []
    for s in ci.subjects:
        values = cells.get((s.id, 2), {})
        item = {"code": s.code, "name": s.name, "level": values.get("MUC_end2")}
        if s.tested:
            item["tested"] = True
            item["final_test"] = values.get("KT_end2")
            # The other periodic tests are checked by the rule set (grades 4–5: mid-term tests
            # in Tiếng Việt and Toán) but do not enter the year result.
            term1 = cells.get((s.id, 1), {})
            for key, value in (
                ("midterm1_test", term1.get("KT_mid1")),
                ("term1_test", term1.get("KT_end1")),
                ("midterm2_test", values.get("KT_mid2")),
            ):
                if value not in (None, ""):
                    item[key] = value
        subjects.append(item)
    return {
        "ruleset": ci.ruleset,
        "grade": ci.school_class.grade.number,
        "subjects": subjects,
        "qualities": _case_traits(hi, "qualities", "end2"),
        "competencies": _case_traits(hi, "competencies", "end2"),
        "class_recognised": bool(hi.get("class_recognised")),
    }


def canonical_hash(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def period_hashes(ci: ClassInputs, student_id: int, case: dict) -> dict[str, str]:
    """The hash of what each period depends on (term periods ignore the other term)."""
    hi = ci.inputs.get(student_id) or {}
    hashes = {YEAR: canonical_hash([ci.version, YEAR, case])}
    hashes[FINAL] = canonical_hash([ci.version, FINAL, case])
    if ci.rules.by_checkpoints:
        cells = ci.cells.get(student_id, {})
        term = [
            [
                s.code,
                s.name,
                s.tested,
                cells.get((s.id, 1), {}).get("MUC_end1"),
                cells.get((s.id, 1), {}).get("KT_end1"),
            ]
            for s in ci.subjects
        ]
        traits = [checkpoint_traits(hi, kind, "end1") for kind in TRAIT_KINDS]
        hashes[TERM1] = canonical_hash([ci.version, TERM1, term, hi.get("absences_term1"), traits])
        return hashes
    for period in (TERM1, TERM2):
        part = [
            [s["code"], s["name"], s["assessment"], s["periods_per_year"], s[period]]
            for s in case["subjects"]
        ]
        hashes[period] = canonical_hash(
            [
                ci.version,
                period,
                case["grade"],
                part,
                hi.get(f"training_{period}") or None,
                hi.get(f"absences_{period}"),
            ]
        )
    return hashes


# ------------------------------------------------------------------------------ period data


def _error(code: str, message: str, subject: str | None = None) -> dict:
    return {"code": code, "subject": subject, "message": message}


def _mentions(message: str, label: str) -> bool:
    return f"{label}:" in message or f"{label}," in message


def _secondary_term_data(out: dict, ci: ClassInputs, student_id: int, period: str) -> dict:
    label = _TERM_TEXT[period]
    other = _TERM_TEXT[TERM2 if period == TERM1 else TERM1]
    hi = ci.inputs.get(student_id) or {}
    errors = [
        e
        for e in out.get("errors", [])
        if e.get("subject")
        and not _mentions(e["message"], other)
        and "kiểm tra lại" not in e["message"]
    ]
    training = hi.get(f"training_{period}") or None
    absences = hi.get(f"absences_{period}")
    if training is None:
        errors.append(_error("MISSING_INPUT", f"Chưa có kết quả rèn luyện {label}."))
    elif training not in LEVEL_LABELS:
        errors.append(
            _error("UNKNOWN_LEVEL", f"Kết quả rèn luyện {label} “{training}” không hợp lệ.")
        )
    if absences is None:
        errors.append(_error("MISSING_INPUT", f"Chưa có số buổi nghỉ học {label}."))
    explanation = [
        s
        for s in out.get("explanation", [])
        if f"học tập {label} " in s or f"học tập {label}:" in s
    ]
    if training in LEVEL_LABELS:
        explanation.append(f"Kết quả rèn luyện {label}: {LEVEL_LABELS[training]}.")
    if absences is not None:
        explanation.append(f"Số buổi nghỉ học {label}: {absences}.")
    return {
        "period": period,
        "ruleset_version": out.get("ruleset_version"),
        "subjects": {
            code: {period: values.get(period)} for code, values in out.get("subjects", {}).items()
        },
        "learning": {period: (out.get("learning") or {}).get(period)},
        "training": {period: training},
        "absences": absences,
        "title": None,
        "decision": None,
        "errors": errors,
        "warnings": [],
        "explanation": explanation,
    }


def _secondary_year_data(out: dict, ci: ClassInputs, student_id: int, period: str) -> dict:
    hi = ci.inputs.get(student_id) or {}
    data = dict(out)
    data["period"] = period
    data["training_terms"] = {
        TERM1: hi.get("training_term1") or None,
        TERM2: hi.get("training_term2") or None,
    }
    a1, a2 = hi.get("absences_term1"), hi.get("absences_term2")
    data["absences"] = None if a1 is None or a2 is None else a1 + a2
    if period == FINAL:
        errors = list(out.get("errors", []))
        if out.get("final_decision") is None and not errors:
            errors.append(
                _error(
                    "MISSING_INPUT",
                    "Chưa có đủ kết quả kiểm tra lại hoặc rèn luyện trong hè để xét lên lớp.",
                )
            )
        data["errors"] = errors
    return data


def _primary_subjects(ci: ClassInputs, student_id: int, term_number: int) -> dict:
    cells = ci.cells.get(student_id, {})
    end = "end1" if term_number == 1 else "end2"
    out = {}
    for s in ci.subjects:
        values = cells.get((s.id, term_number), {})
        item = {"level": values.get(f"MUC_{end}")}
        if s.tested:
            item["test"] = values.get(f"KT_{end}")
        out[s.code] = item
    return out


def _traits_data(hi: dict, checkpoint: str) -> dict:
    return {
        "qualities": checkpoint_traits(hi, "qualities", checkpoint),
        "competencies": checkpoint_traits(hi, "competencies", checkpoint),
        "qualities_missing": not traits_complete(hi, checkpoint),
    }


def _primary_term_data(ci: ClassInputs, student_id: int) -> dict:
    subjects = _primary_subjects(ci, student_id, 1)
    hi = ci.inputs.get(student_id) or {}
    errors = []
    for s in ci.subjects:
        item = subjects[s.code]
        if not item.get("level"):
            errors.append(
                _error(
                    "MISSING_PERIODIC",
                    f"Môn {s.name}: chưa có mức đánh giá cuối học kì I.",
                    s.code,
                )
            )
        if s.tested and not item.get("test"):
            errors.append(
                _error(
                    "MISSING_PERIODIC",
                    f"Môn {s.name}: thiếu điểm bài kiểm tra định kì cuối học kì I.",
                    s.code,
                )
            )
    absences = hi.get("absences_term1")
    if absences is None:
        errors.append(_error("MISSING_INPUT", "Chưa có số buổi nghỉ học kì I."))
    traits = _traits_data(hi, "end1")
    warnings = []
    if traits["qualities_missing"]:
        # The rule set decides nothing at the end of term 1: a reminder, not a blocking error.
        warnings.append(
            _error("MISSING_INPUT", "Chưa nhập đủ đánh giá phẩm chất, năng lực cuối học kì I.")
        )
    try:
        version = get_ruleset(ci.ruleset).version_label
    except LookupError:
        version = ci.ruleset
    return {
        "period": TERM1,
        "ruleset_version": version,
        "subjects": subjects,
        "overall": None,
        "title": None,
        "absences": absences,
        **traits,
        "errors": errors,
        "warnings": warnings,
        "explanation": [
            "Cuối học kì I ghi mức đạt được của từng môn học và hoạt động giáo dục, từng phẩm chất "
            "và năng lực; kết quả giáo dục (Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành, Chưa "
            "hoàn thành) được đánh giá cuối năm học (Thông tư 27/2020)."
        ],
    }


_TRAITS_ABSENT = {
    "qualities": "Chưa nhập đánh giá phẩm chất cuối năm học (giáo viên chủ nhiệm nhập).",
    "competencies": "Chưa nhập đánh giá năng lực cuối năm học (giáo viên chủ nhiệm nhập).",
}


def _readable(error: dict) -> dict:
    """The rule set names an absent input by its key ("(qualities)"): say it for people."""
    for kind, message in _TRAITS_ABSENT.items():
        if error.get("subject") is None and f"({kind})" in error.get("message", ""):
            return {**error, "message": message}
    return error


def _primary_year_data(out: dict, ci: ClassInputs, student_id: int) -> dict:
    hi = ci.inputs.get(student_id) or {}
    data = dict(out)
    data["period"] = YEAR
    data["subjects"] = _primary_subjects(ci, student_id, 2)
    a1, a2 = hi.get("absences_term1"), hi.get("absences_term2")
    data["absences"] = None if a1 is None or a2 is None else a1 + a2
    data.update(_traits_data(hi, "end2"))
    data["class_recognised"] = bool(hi.get("class_recognised"))
    data["errors"] = [_readable(e) for e in out.get("errors", [])]
    return data


def period_data(out: dict | None, ci: ClassInputs, student_id: int, period: str) -> dict:
    if ci.rules.by_checkpoints:
        return (
            _primary_term_data(ci, student_id)
            if period == TERM1
            else _primary_year_data(out or {}, ci, student_id)
        )
    if period in (TERM1, TERM2):
        return _secondary_term_data(out or {}, ci, student_id, period)
    return _secondary_year_data(out or {}, ci, student_id, period)


# ------------------------------------------------------------------------------ computing


@dataclass
class RecomputeSummary:
    students: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    frozen: int = 0  # rows left as they were because their period is approved
    unconfirmed: list[str] = field(default_factory=list)  # "6A1 term1"

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


def _ensure_class_results(classes: list[SchoolClass]) -> dict[tuple[int, str], ClassResult]:
    wanted = []
    for c in classes:
        for period in periods_for(class_ruleset(c)):
            wanted.append((c.pk, period))
    existing = {
        (cr.school_class_id, cr.period): cr
        for cr in ClassResult.objects.filter(school_class__in=[c.pk for c in classes])
    }
    missing = [
        ClassResult(school_class_id=c, period=p) for c, p in wanted if (c, p) not in existing
    ]
    if missing:
        ClassResult.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            (cr.school_class_id, cr.period): cr
            for cr in ClassResult.objects.filter(school_class__in=[c.pk for c in classes])
        }
    return existing


def _pending_students(year_cr: ClassResult) -> set[int]:
    """Students of an approved year result who wait for a re-test or summer training."""
    return {
        student_id
        for student_id, decision in StudentResult.objects.filter(class_result=year_cr).values_list(
            "student_id", "data__decision"
        )
        if decision in PENDING_DECISIONS
    }


def _pending_by_class(inputs: list[ClassInputs], crs: dict) -> dict[int, set[int]]:
    """Class id → students waiting for the after-summer results, for approved secondary years."""
    pending: dict[int, set[int]] = {}
    for ci in inputs:
        year_cr = crs.get((ci.school_class.pk, YEAR))
        if (
            ci.rules.by_checkpoints
            or year_cr is None
            or year_cr.state != ClassResult.State.APPROVED
        ):
            continue
        waiting = _pending_students(year_cr)
        if waiting or (ci.school_class.pk, FINAL) in crs:
            pending[ci.school_class.pk] = waiting
    return pending


@dataclass
class _Plan:
    todo: list[tuple[ClassInputs, int, str, ClassResult, int | None]]
    stale: dict[int, list[int]]  # class_result id -> row pks to delete
    frozen: int


def _plan(
    inputs: list[ClassInputs],
    hashes: dict[tuple[int, int], dict[str, str]],
    crs: dict[tuple[int, str], ClassResult],
    pending: dict[int, set[int]],
    existing: dict[tuple[int, int], tuple[int, str]],
    unfreeze: frozenset[int] | None,
) -> _Plan:
    """Which rows to (re)compute and which to delete; approved periods are left alone."""
    plan = _Plan([], defaultdict(list), 0)
    for ci in inputs:
        cid = ci.school_class.pk
        class_periods = list(periods_for(ci.ruleset))
        if cid in pending:
            class_periods.append(FINAL)
        active = set(ci.students)
        for period in class_periods:
            cr = crs.get((cid, period))
            if cr is None:
                continue
            frozen = cr.state == ClassResult.State.APPROVED
            members = pending[cid] & active if period == FINAL else active
            if unfreeze is not None:
                members = members & unfreeze
            for sid in ci.students:
                if sid not in members:
                    continue
                row = existing.get((cr.pk, sid))
                if frozen and (unfreeze is None or sid not in unfreeze):
                    plan.frozen += row is not None
                    continue
                digest = hashes[(cid, sid)][period]
                if row is not None and row[1] == digest:
                    continue
                plan.todo.append((ci, sid, period, cr, row[0] if row else None))
            if not frozen and unfreeze is None:
                for (cr_id, sid), row in existing.items():
                    if cr_id == cr.pk and sid not in members:
                        plan.stale[cr.pk].append(row[0])
    return plan


def _existing_rows(crs: Iterable[ClassResult]) -> dict[tuple[int, int], tuple[int, str]]:
    return {
        (cr_id, sid): (pk, digest)
        for pk, cr_id, sid, digest in StudentResult.objects.filter(
            class_result_id__in=[cr.pk for cr in crs]
        ).values_list("pk", "class_result_id", "student_id", "inputs_hash")
    }


def _all_class_results_exist(inputs: list[ClassInputs], crs: dict, pending: dict) -> bool:
    for ci in inputs:
        for period in periods_for(ci.ruleset):
            if (ci.school_class.pk, period) not in crs:
                return False
        if ci.school_class.pk in pending and (ci.school_class.pk, FINAL) not in crs:
            return False
    return True


def _cases_and_hashes(
    inputs: list[ClassInputs],
) -> tuple[dict[tuple[int, int], dict], dict[tuple[int, int], dict[str, str]]]:
    """Each student's rule-set case and the hash of its inputs per period."""
    cases: dict[tuple[int, int], dict] = {}
    hashes: dict[tuple[int, int], dict[str, str]] = {}
    for ci in inputs:
        for sid in ci.students:
            case = primary_case(ci, sid) if ci.rules.by_checkpoints else secondary_case(ci, sid)
            cases[(ci.school_class.pk, sid)] = case
            hashes[(ci.school_class.pk, sid)] = period_hashes(ci, sid, case)
    return cases, hashes


def results_outdated(school_class) -> bool:
    """Whether the stored results of a class lag behind their inputs (grades, the homeroom
    teacher's inputs, the class list) — the read-only first pass of the recompute, for the
    pages that show results (they never recompute on GET; saved grades recompute in the
    background, ``results/subscribers.py``). A year whose results are closed is never outdated."""
    if not school_class.year.writable_for("results"):
        return False
    inputs = load_inputs(school_class.year, [school_class])
    _, hashes = _cases_and_hashes(inputs)
    crs = {
        (cr.school_class_id, cr.period): cr
        for cr in ClassResult.objects.filter(school_class=school_class)
    }
    pending = _pending_by_class(inputs, crs)
    if not _all_class_results_exist(inputs, crs, pending):
        return True
    plan = _plan(inputs, hashes, crs, pending, _existing_rows(crs.values()), None)
    return bool(plan.todo or plan.stale)


def _recompute(
    classes: list[SchoolClass],
    *,
    actor=None,
    school_id: int | None = None,
    trigger: str = "",
    whole_year: bool = False,
    unfreeze_students: frozenset[int] | None = None,
) -> RecomputeSummary:
    """Bring the StudentResult rows of ``classes`` up to date with their inputs.

    A first pass reads without locking: when every row's hash matches, nothing is written (a page
    view of an unchanged class costs a few reads). Otherwise the class results are locked
    (``SELECT … FOR UPDATE``) and the plan is made again under the lock."""
    summary = RecomputeSummary()
    if not classes:
        return summary
    year = classes[0].year
    inputs = load_inputs(year, classes, whole_year=whole_year)
    cases, hashes = _cases_and_hashes(inputs)
    summary.students = sum(len(ci.students) for ci in inputs)
    class_ids = [c.pk for c in classes]

    crs = {
        (cr.school_class_id, cr.period): cr
        for cr in ClassResult.objects.filter(school_class_id__in=class_ids)
    }
    pending = _pending_by_class(inputs, crs)
    if _all_class_results_exist(inputs, crs, pending):
        plan = _plan(inputs, hashes, crs, pending, _existing_rows(crs.values()), unfreeze_students)
        if not plan.todo and not plan.stale:
            summary.frozen = plan.frozen
            return summary

    now = clock.now()
    with transaction.atomic():
        _ensure_class_results(classes)
        crs = {
            (cr.school_class_id, cr.period): cr
            for cr in ClassResult.objects.select_for_update()
            .filter(school_class_id__in=class_ids)
            .order_by("pk")
        }
        pending = _pending_by_class(inputs, crs)
        missing_final = [
            ClassResult(school_class_id=cid, period=FINAL)
            for cid in pending
            if (cid, FINAL) not in crs
        ]
        if missing_final:
            ClassResult.objects.bulk_create(missing_final, ignore_conflicts=True)
            for cr in ClassResult.objects.select_for_update().filter(
                school_class_id__in=[c.school_class_id for c in missing_final], period=FINAL
            ):
                crs[(cr.school_class_id, FINAL)] = cr
        plan = _plan(inputs, hashes, crs, pending, _existing_rows(crs.values()), unfreeze_students)
        summary.frozen = plan.frozen
        keys = list(dict.fromkeys((ci.school_class.pk, sid) for ci, sid, *_ in plan.todo))
        outputs = dict(zip(keys, evaluate_many([cases[k] for k in keys]), strict=True))
        creates, updates = [], []
        touched: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)

        def counts(cid: int, period: str) -> dict[str, int]:
            return touched[cid].setdefault(period, {"created": 0, "updated": 0, "removed": 0})

        # An expression among the values keeps Django on PostgreSQL from its UNNEST form of
        # bulk_create, whose array quoting in psycopg costs seconds for a school's JSON results.
        stamp = Value(now, output_field=DateTimeField())
        for ci, sid, period, cr, pk in plan.todo:
            key = (ci.school_class.pk, sid)
            data = period_data(outputs[key], ci, sid, period)
            row = StudentResult(
                class_result_id=cr.pk,
                student_id=sid,
                data=data,
                inputs_hash=hashes[key][period],
                ruleset_version=(data.get("ruleset_version") or ci.version)[:40],
                computed_at=now,
            )
            if pk is None:
                row.computed_at = stamp
                creates.append(row)
                counts(ci.school_class.pk, period)["created"] += 1
            else:
                row.computed_at = stamp
                updates.append(pk)
                creates.append(row)
                counts(ci.school_class.pk, period)["updated"] += 1
        # A changed row is replaced (delete + insert): far cheaper than bulk_update's CASE
        # statements when a whole school changes (a new rule-set version). Nothing refers to it.
        for start in range(0, len(updates), 900):
            StudentResult.objects.filter(pk__in=updates[start : start + 900]).delete()
        if creates:
            StudentResult.objects.bulk_create(creates, batch_size=500)
        by_id = {cr.pk: cr for cr in crs.values()}
        for cr_id, pks in plan.stale.items():
            StudentResult.objects.filter(pk__in=pks).delete()
            cr = by_id[cr_id]
            counts(cr.school_class_id, cr.period)["removed"] += len(pks)
        summary.created = len(creates) - len(updates)
        summary.updated = len(updates)
        summary.removed = sum(len(p) for p in plan.stale.values())
        named = {c.pk: c for c in classes}
        for cid, periods in touched.items():
            unconfirmed = []
            for period in periods:
                cr = crs[(cid, period)]
                if cr.state == ClassResult.State.CONFIRMED:
                    cr.state = ClassResult.State.DRAFT
                    cr.confirmed_by, cr.confirmed_at = None, None
                    cr.save(update_fields=["state", "confirmed_by", "confirmed_at"])
                    unconfirmed.append(period)
                    summary.unconfirmed.append(f"{named[cid].name} {period}")
            after = {"periods": periods, "unconfirmed": unconfirmed, "trigger": trigger}
            if unfreeze_students is not None:
                ids = sorted(unfreeze_students)
                after |= {"student": ids[0]} if len(ids) == 1 else {"students": ids}
            audit_record(
                event_type="results.corrected" if unfreeze_students else "results.recomputed",
                actor=getattr(actor, "user", actor) if actor is not None else None,
                school_id=school_id or named[cid].grade.school_id,
                target=named[cid],
                target_repr=f"Kết quả lớp {named[cid].name}",
                after=after,
            )
    return summary


def recompute_class(school_class, *, actor=None, trigger: str = "") -> RecomputeSummary:
    """Recompute one class (the request path: a page view, a homeroom save, a confirmation).
    Reads first without a write transaction when nothing changed."""
    return _recompute([school_class], actor=actor, trigger=trigger)


def recompute_classes(classes: list[SchoolClass], *, trigger: str = "") -> RecomputeSummary:
    """Recompute several classes of one school year at once (the background follow-ups)."""
    return _recompute(classes, trigger=trigger)


def recompute_school(year, *, actor=None, trigger: str = "school") -> int:
    """Recompute every class of a school year (bulk reads, one evaluation per changed student,
    bulk writes). Returns the number of students. Approved periods are left as they are."""
    classes = list(SchoolClass.objects.filter(year=year).select_related("grade", "year"))
    summary = _recompute(
        classes, actor=actor, school_id=year.school_id, trigger=trigger, whole_year=True
    )
    return summary.students


def result_refresh_after_correction(
    *, actor: Actor, school_class, student=None, students=(), reason: str = ""
) -> RecomputeSummary:
    """For the correction procedure (sửa điểm): recompute the rows of the corrected student(s)
    even in approved periods, in one pass, audited as ``results.corrected``. The corrections
    action calls this in its own transaction after applying an approved correction."""
    ids = frozenset([*(s.pk for s in students), *([student.pk] if student is not None else [])])
    return _recompute(
        [school_class],
        actor=actor,
        school_id=actor.school_id,
        trigger=f"correction: {reason}"[:200],
        unfreeze_students=ids,
    )


# ------------------------------------------------------------------------------ policies


def is_homeroom_of(actor: Actor, school_class) -> bool:
    return school_class.pk in actor.homeroom_class_ids


# ------------------------------------------------------------------------------ reads


@dataclass
class ResultRow:
    student: Student
    data: dict
    computed_at: object = None

    @property
    def errors(self) -> list[dict]:
        return self.data.get("errors", [])

    @property
    def warnings(self) -> list[dict]:
        return self.data.get("warnings", [])

    @property
    def explanation(self) -> list[str]:
        return self.data.get("explanation", [])


def format_value(value) -> str:
    """8.1 → "8,1"; "D" → "Đ"; None → ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.1f}".replace(".", ",")
    return COMMENT_LABELS.get(value, str(value))


def subject_cell(data: dict, code: str, period: str, by_checkpoints: bool) -> str:
    item = (data.get("subjects") or {}).get(code) or {}
    if by_checkpoints:
        level, test = item.get("level"), item.get("test")
        return " · ".join(str(x) for x in (level, test) if x)
    key = period if period in (TERM1, TERM2) else YEAR
    text = format_value(item.get(key))
    if period in (YEAR, FINAL) and item.get("retest") is not None:
        text += f" (KTL {format_value(item['retest'])})"
    return text


def subject_level(data: dict, code: str, period: str, assessment: str, by_checkpoints: bool) -> str:
    """The comment-bank level of a student's result in one subject: score ≥ 8 → T, ≥ 6,5 → K,
    ≥ 5 → D, else CD; comment subjects D/CD; evaluated by checkpoints (primary) T/H/C. "" when
    not computed."""
    item = (data.get("subjects") or {}).get(code) or {}
    if by_checkpoints:
        return item.get("level") or ""
    value = item.get(period if period in (TERM1, TERM2) else YEAR)
    if value is None:
        return ""
    if assessment == "comment":
        return value if value in ("D", "CD") else ""
    if value >= 8:
        return "T"
    if value >= 6.5:
        return "K"
    if value >= 5:
        return "D"
    return "CD"


@dataclass
class ClassResults:
    school_class: SchoolClass
    ruleset: str
    period: str
    periods: list[str]
    class_result: ClassResult | None
    subjects: list[SubjectSpec]
    rows: list[ResultRow]

    @property
    def rules(self) -> Capabilities:
        """What the class's rule set offers (the page asks it, never the code)."""
        return capabilities_for(self.ruleset)

    @property
    def blocking(self) -> list[ResultRow]:
        return [r for r in self.rows if r.errors]

    @property
    def state(self) -> str:
        return self.class_result.state if self.class_result else ClassResult.State.DRAFT

    def lists(self) -> dict[str, list[ResultRow]]:
        return build_lists(self.rows, self.period, self.rules.by_checkpoints)


# The keys of a student's result that build_lists and ClassListEntry.blocking_count read.
LIST_KEYS = ("title", "completed", "decision", "final_decision", "errors")


def build_lists(
    rows: list[ResultRow], period: str, by_checkpoints: bool
) -> dict[str, list[ResultRow]]:
    """The principal's lists: promotion, re-test, summer training, repeat, titles."""
    lists: dict[str, list[ResultRow]] = {
        "promotion": [],
        "retest": [],
        "summer": [],
        "repeat": [],
        "titles": [],
        "pending": [],
    }
    if period not in (YEAR, FINAL):
        return lists
    for row in rows:
        d = row.data
        if d.get("title"):
            lists["titles"].append(row)
        if by_checkpoints:
            if d.get("completed") is True:
                lists["promotion"].append(row)
            elif d.get("completed") is False:
                lists["repeat"].append(row)
            continue
        decision = d.get("decision")
        final = d.get("final_decision")
        if period == FINAL:
            if final == "LEN_LOP":
                lists["promotion"].append(row)
            elif final == "O_LAI_LOP":
                lists["repeat"].append(row)
            else:
                lists["pending"].append(row)
            continue
        if decision == "LEN_LOP":
            lists["promotion"].append(row)
        elif decision == "O_LAI_LOP":
            lists["repeat"].append(row)
        if decision in RETEST_DECISIONS:
            lists["retest"].append(row)
        if decision in SUMMER_DECISIONS:
            lists["summer"].append(row)
    return lists


def available_periods(school_class, ruleset: str | None = None) -> list[str]:
    ruleset = ruleset or class_ruleset(school_class)
    periods = list(periods_for(ruleset))
    if ClassResult.objects.filter(school_class=school_class, period=FINAL).exists():
        periods.append(FINAL)
    return periods


def period_in_progress(school_class, periods: list[str], *, today=None, terms=None) -> str:
    """The period the results page opens on when none is picked, by the school's calendar:
    term I until term I's end (and before the year), then term II until its end, then the year.
    A rule set without a term II result (primary) goes from term I to the year. ``terms``: the
    year's terms, when the caller has read them."""
    today = today or clock.today()
    if terms is None:
        ends = dict(school_class.year.terms.values_list("number", "end_date"))
    else:
        ends = {t.number: t.end_date for t in terms}
    if TERM1 in periods and (1 not in ends or today <= ends[1]):
        wanted = TERM1
    elif TERM2 in periods and (2 not in ends or today <= ends[2]):
        wanted = TERM2
    else:
        wanted = YEAR
    return wanted if wanted in periods else periods[0]


def class_results(school_class, period: str, *, periods: list[str] | None = None) -> ClassResults:
    """The stored results of one class and period, students in class-list order (``periods``:
    ``available_periods`` of the class, when the caller has them)."""
    ruleset = class_ruleset(school_class)
    periods = available_periods(school_class, ruleset) if periods is None else periods
    if period not in periods:
        from hoso.core.errors import DomainError

        raise DomainError(ResultsError.UNKNOWN_PERIOD, "Không có kết quả cho giai đoạn này.")
    cr = (
        ClassResult.objects.filter(school_class=school_class, period=period)
        .select_related("confirmed_by", "approved_by")
        .first()
    )
    rows: list[ResultRow] = []
    if cr is not None:
        for sr in (
            StudentResult.objects.filter(class_result=cr)
            .select_related("student")
            .order_by("student__sort_name", "student__student_code")
        ):
            rows.append(ResultRow(sr.student, sr.data, sr.computed_at))
    subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    return ClassResults(
        school_class=school_class,
        ruleset=ruleset,
        period=period,
        periods=periods,
        class_result=cr,
        subjects=subjects,
        rows=rows,
    )


@dataclass
class ClassListEntry:
    school_class: SchoolClass
    class_result: ClassResult | None
    rows: list[ResultRow]
    lists: dict[str, list[ResultRow]]
    ruleset: str

    @property
    def rules(self) -> Capabilities:
        return capabilities_for(self.ruleset)

    @property
    def blocking_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


def school_lists(year, period: str, *, keys: Iterable[str] | None = None) -> list[ClassListEntry]:
    """Per class of the year: the period's state and lists (a fixed number of queries).

    ``keys``: only these top-level keys of each student's result are read (by the database, so
    the whole result, explanations and all, is neither sent nor parsed: ≈ 3/4 of the time of
    the school's lists page); the rows' ``data`` then holds just those keys that have a value,
    and ``errors`` only its first error (whether a row blocks: the errors are ≈ 3/4 of a
    result's size). Give at least :data:`LIST_KEYS` (the lists and the blocking count read
    them). ``None``: the whole result."""
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("grade", "year")
        .order_by("grade__number", "name")
    )
    crs = {
        cr.school_class_id: cr
        for cr in ClassResult.objects.filter(
            school_class__in=[c.pk for c in classes], period=period
        ).select_related("confirmed_by", "approved_by")
    }
    rows_by_cr: dict[int, list[ResultRow]] = defaultdict(list)
    results = (
        StudentResult.objects.filter(class_result_id__in=[cr.pk for cr in crs.values()])
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    )
    if keys is None:
        for sr in results:
            rows_by_cr[sr.class_result_id].append(ResultRow(sr.student, sr.data, sr.computed_at))
    else:
        names = {f"data_key_{i}": key for i, key in enumerate(dict.fromkeys(keys))}
        results = results.defer("data").annotate(
            **{
                name: KeyTransform(0, KeyTransform(key, "data"))
                if key == "errors"  # the first only: ≈ 3/4 of a result's size, counted here
                else KeyTransform(key, "data")
                for name, key in names.items()
            }
        )
        for sr in results:
            data = {key: v for name, key in names.items() if (v := getattr(sr, name)) is not None}
            if "errors" in data:
                data["errors"] = [data["errors"]]
            rows_by_cr[sr.class_result_id].append(ResultRow(sr.student, data, sr.computed_at))
    out = []
    for c in classes:
        code = class_ruleset(c)
        if period not in periods_for(code) and period != FINAL:
            continue
        cr = crs.get(c.pk)
        if period == FINAL and cr is None:
            continue
        rows = rows_by_cr.get(cr.pk, []) if cr else []
        out.append(
            ClassListEntry(
                c, cr, rows, build_lists(rows, period, capabilities_for(code).by_checkpoints), code
            )
        )
    return out
