"""Reads of completion and graduation: the authority, the grade book's approved results
(read-only, from its models), the year's absences (attendance's one ``totals``), the students
a round reviews, the lists of a round and the primary completion list."""

from __future__ import annotations

from dataclasses import dataclass, field

from hoso.accounts.actor import Actor
from hoso.attendance.selectors import settings_for, totals
from hoso.gradebook.results.absences import absence_limit as ruleset_absence_limit
from hoso.gradebook.results.compute import OVERALL_LABELS
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.graduation import conditions
from hoso.graduation.models import Candidate, GraduationRound, Programme
from hoso.graduation.policies import visible_class_ids
from hoso.organisation.models import Level, SchoolClass, SchoolYear, SuperiorKind
from hoso.students.models import Enrolment

YEAR, FINAL = "year", "final"
LAST_PRIMARY_GRADE, LAST_LOWER_SECONDARY_GRADE = 5, 9


# ------------------------------------------------------------------------ the authority


def authority_title(school) -> str:
    """Who recognises the graduation, from the school's superior body (never "Phòng"): the
    chairman of the commune People's Committee since 1 July 2025 (TT 26/2025), the director
    of the provincial department for a school answering to the Sở."""
    head = "Giám đốc" if school.superior_kind == SuperiorKind.PROVINCE else "Chủ tịch"
    return f"{head} {school.office_name.strip()}"


def programme_of(school) -> str:
    """The GDTX programme for a continuing-education centre, the general one otherwise."""
    levels = set(school.levels or [])
    if school.is_centre or (Level.CONTINUING in levels and Level.LOWER_SECONDARY not in levels):
        return Programme.CONTINUING
    return Programme.GENERAL


def offers_primary(school) -> bool:
    return Level.PRIMARY in set(school.levels or [])


def offers_lower_secondary(school) -> bool:
    return bool({Level.LOWER_SECONDARY, Level.CONTINUING} & set(school.levels or []))


def following_year(year: SchoolYear) -> SchoolYear | None:
    return (
        SchoolYear.objects.filter(school_id=year.school_id, start_date__gt=year.end_date)
        .order_by("start_date")
        .first()
    )


# ------------------------------------------------------------------------ grade book (read-only)


def approved_results(class_ids) -> dict[int, dict[str, dict]]:
    """{student: {"year": data, "final": data}} of the APPROVED year and after-summer results of
    the classes (the grade book's stored output; nothing is computed here)."""
    out: dict[int, dict[str, dict]] = {}
    rows = StudentResult.objects.filter(
        class_result__school_class_id__in=list(class_ids),
        class_result__period__in=(YEAR, FINAL),
        class_result__state=ClassResult.State.APPROVED,
    ).values_list("student_id", "class_result__period", "data")
    for student_id, period, data in rows:
        out.setdefault(student_id, {})[period] = data
    return out


def absence_limit(school_class: SchoolClass) -> int:
    """The class's rule set's limit of missed sessions (TT22/TT43: 45; the grade book's
    reading, 45 when the rule set has none)."""
    limit = ruleset_absence_limit(school_class)
    return 45 if limit is None else int(limit)


def year_absences(year: SchoolYear, student_ids, results: dict) -> dict[int, int | None]:
    """Counted sessions missed over the year: attendance's ``totals`` (main session only per
    the school's settings); a school that types term totals instead: the year result's count."""
    settings = settings_for(year.school_id)
    if settings.source == "typed":
        return {sid: (results.get(sid, {}).get(YEAR) or {}).get("absences") for sid in student_ids}
    found = totals(
        school_id=year.school_id,
        start=year.start_date,
        end=year.end_date,
        student_ids=student_ids,
        settings=settings,
    )
    return {sid: (found[sid].absent if sid in found else 0) for sid in student_ids}


# ------------------------------------------------------------------------ rounds


def final_grade_enrolments(year: SchoolYear, grade: int):
    """Enrolments of the year's last-grade students still on the roll at the year's end
    (transferred out or dropped out: not reviewed)."""
    return (
        Enrolment.objects.filter(
            Enrolment.studying_q(), year=year, school_class__grade__number=grade
        )
        .select_related("student", "school_class", "school_class__grade", "school_class__year")
        .order_by("school_class__name", "student__sort_name", "student__student_code")
    )


def recognised_student_ids(year: SchoolYear) -> set[int]:
    return set(
        Candidate.objects.filter(round__year=year, recognised=True).values_list(
            "student_id", flat=True
        )
    )


def year_rounds(year: SchoolYear) -> list[GraduationRound]:
    return list(GraduationRound.objects.filter(year=year).order_by("number"))


@dataclass
class RoundLists:
    round: GraduationRound
    eligible: list[Candidate] = field(default_factory=list)  # danh sách 1
    not_eligible: list[Candidate] = field(default_factory=list)  # danh sách 2


def round_lists(actor: Actor | None, rnd: GraduationRound) -> RoundLists:
    """List 1 (eligible) and list 2 (not eligible) of a round, limited to the actor's classes
    (``actor=None``: all, for the council's documents)."""
    rows = list(
        Candidate.objects.filter(round=rnd)
        .select_related("student", "school_class")
        .order_by("school_class__name", "student__sort_name", "student__student_code")
    )
    if actor is not None:
        allowed = visible_class_ids(actor, {c.school_class_id for c in rows})
        rows = [c for c in rows if c.school_class_id in allowed]
    out = RoundLists(rnd)
    for c in rows:
        (out.eligible if c.eligible else out.not_eligible).append(c)
    return out


def council(rnd: GraduationRound):
    return rnd.members.select_related("staff").order_by("pk")


# ------------------------------------------------------------------------ primary completion


@dataclass
class CompletionRow:
    student: object
    school_class: SchoolClass
    completed: bool
    result: str  # the year's educational result, e.g. "Hoàn thành tốt"
    reason: str  # for a student not (yet) completing


@dataclass
class CompletionList:
    year: SchoolYear
    completed: list[CompletionRow] = field(default_factory=list)
    not_completed: list[CompletionRow] = field(default_factory=list)


def primary_completion(actor: Actor | None, year: SchoolYear) -> CompletionList:
    """Danh sách học sinh hoàn thành chương trình tiểu học: the grade-5 students of the year by
    the grade book's approved year result (TT27: "Hoàn thành chương trình tiểu học"); the others
    apart, each with the reason."""
    enrolments = list(final_grade_enrolments(year, LAST_PRIMARY_GRADE))
    classes = {e.school_class_id for e in enrolments}
    if actor is not None:
        classes = visible_class_ids(actor, classes)
    enrolments = [e for e in enrolments if e.school_class_id in classes]
    results = approved_results(classes)
    out = CompletionList(year)
    for e in enrolments:
        data = results.get(e.student_id, {}).get(YEAR)
        if data is None:
            row = CompletionRow(
                e.student,
                e.school_class,
                False,
                "",
                "Kết quả cả năm của lớp chưa được hiệu trưởng phê duyệt.",
            )
        else:
            overall = OVERALL_LABELS.get(data.get("overall") or "", "")
            if data.get("completed") is True:
                row = CompletionRow(e.student, e.school_class, True, overall, "")
            elif data.get("completed") is False:
                row = CompletionRow(
                    e.student,
                    e.school_class,
                    False,
                    overall,
                    "Chưa hoàn thành chương trình lớp 5 (đánh giá bổ sung, hiệu trưởng quyết định).",
                )
            else:
                row = CompletionRow(
                    e.student, e.school_class, False, "", "Chưa đủ kết quả đánh giá cuối năm."
                )
        (out.completed if row.completed else out.not_completed).append(row)
    return out


CONDITION_LABELS = conditions.CONDITION_LABELS


# ------------------------------------------------------------------------ diploma-issue book


def diploma_book(year: SchoolYear):
    from hoso.graduation.models import DiplomaBook

    return DiplomaBook.objects.filter(year=year).select_related("school", "year").first()


def book_entries(book) -> list:
    if book is None:
        return []
    return list(
        book.entries.select_related("student", "round", "created_by").order_by("entry_number")
    )


def student_classes(year: SchoolYear, student_ids) -> dict[int, str]:
    """The class each student was in at the end of ``year`` (its open enrolment)."""
    return dict(
        Enrolment.objects.filter(
            year=year, student_id__in=list(student_ids), end_date__isnull=True
        ).values_list("student_id", "school_class__name")
    )


def recognised_without_entry(year: SchoolYear) -> list[Candidate]:
    """Students recognised in the year's rounds who have no (live) line in the year's book."""
    from hoso.graduation.models import DiplomaEntry

    entered = set(
        DiplomaEntry.objects.filter(book__year=year, voided=False).values_list(
            "student_id", flat=True
        )
    )
    return [
        c
        for c in Candidate.objects.filter(round__year=year, recognised=True)
        .select_related("student", "school_class")
        .order_by("school_class__name", "student__sort_name")
        if c.student_id not in entered
    ]
