"""Reads of teaching and homeroom assignments at a date (phân công chuyên môn, ADR 0004).

An assignment row is in force from ``starts_on`` (none: from the beginning) to ``ends_on``
(none: until changed). Every caller asks "who on day D": the grade book and the roles ask for
the actor's year's **reference day** — today inside the year, the last day of a past year (its
final owners, for prints and transcripts), the first day of a year not begun yet. A change dated
in the future therefore takes effect on its day without any job running.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet

from hoso.core import clock
from hoso.core.text import fold
from hoso.organisation.models import (
    HomeroomAssignment,
    Position,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    TeachingAssignment,
    Term,
)

#: History order: rows without a start (from the beginning) first, on every database.
FROM_THE_START = F("starts_on").asc(nulls_first=True)


def reference_day(year: SchoolYear, *, today: date | None = None) -> date:
    """The day whose assignments count for ``year``: today, kept inside the year's dates."""
    today = today or clock.today()
    return min(max(today, year.start_date), year.end_date)


def in_force_sql(alias: str, param: str) -> str:
    """The in-force condition for raw SQL over an assignment table (``%(param)s`` = the day)."""
    return (
        f"({alias}.starts_on IS NULL OR {alias}.starts_on <= %({param})s) "
        f"AND ({alias}.ends_on IS NULL OR {alias}.ends_on >= %({param})s)"
    )


def teaching_on(day: date) -> QuerySet[TeachingAssignment]:
    """Teaching rows in force on ``day`` (filter further by class, term, teacher...)."""
    return TeachingAssignment.objects.in_force(day)


def homerooms_on(day: date) -> QuerySet[HomeroomAssignment]:
    return HomeroomAssignment.objects.in_force(day)


def _year_of(school_class: SchoolClass) -> SchoolYear:
    """The class's year, without caching it on the caller's object when it was not loaded (a
    caller may check that object's year state later)."""
    if SchoolClass.year.is_cached(school_class):
        return school_class.year
    return SchoolYear.objects.only("start_date", "end_date").get(pk=school_class.year_id)


def teacher_of(*, school_class: SchoolClass, subject, term, on: date | None = None) -> Staff | None:
    """The teacher of (class, subject, term) on ``on`` (default: the year's reference day)."""
    day = on or reference_day(_year_of(school_class))
    row = (
        teaching_on(day)
        .filter(school_class=school_class, subject=subject, term=term)
        .select_related("teacher__user")
        .first()
    )
    return row.teacher if row else None


def sheet_teachers(
    *, school_class: SchoolClass, term=None, on: date | None = None
) -> dict[tuple[int, int], Staff]:
    """(subject id, term id) → the teacher of each of the class's sheets on ``on``."""
    day = on or reference_day(_year_of(school_class))
    rows = teaching_on(day).filter(school_class=school_class)
    if term is not None:
        rows = rows.filter(term=term)
    return {(a.subject_id, a.term_id): a.teacher for a in rows.select_related("teacher")}


def homeroom_of(school_class: SchoolClass, *, on: date | None = None) -> HomeroomAssignment | None:
    """The homeroom assignment of the class in force on ``on`` (default: the reference day)."""
    day = on or reference_day(_year_of(school_class))
    return (
        homerooms_on(day).filter(school_class=school_class).select_related("teacher__user").first()
    )


def homeroom_teacher_of(school_class: SchoolClass, *, on: date | None = None) -> Staff | None:
    """Giáo viên chủ nhiệm of the class on ``on`` (default: the year's reference day)."""
    row = homeroom_of(school_class, on=on)
    return row.teacher if row else None


def homeroom_teachers(class_ids: Iterable[int], *, on: date) -> dict[int, Staff]:
    """Class id → its homeroom teacher on ``on``, in one query."""
    ids = list(class_ids)
    if not ids:
        return {}
    return {
        a.school_class_id: a.teacher
        for a in homerooms_on(on).filter(school_class_id__in=ids).select_related("teacher")
    }


def with_homeroom_teachers(classes: Iterable[SchoolClass], *, on: date) -> list[SchoolClass]:
    """The classes with ``homeroom_teacher`` set (Staff or None), for lists and the API."""
    classes = list(classes)
    teachers = homeroom_teachers([c.pk for c in classes], on=on)
    for c in classes:
        c.homeroom_teacher = teachers.get(c.pk)
    return classes


def classes_without_homeroom(classes: QuerySet[SchoolClass], *, on: date) -> QuerySet[SchoolClass]:
    return classes.exclude(pk__in=homerooms_on(on).values("school_class_id"))


# --- history -------------------------------------------------------------------------------


def cell_history(*, school_class: SchoolClass, subject, term) -> list[TeachingAssignment]:
    """Every row of one grade-book column's assignment, oldest first."""
    return list(
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject, term=term)
        .select_related("teacher", "created_by", "ended_by")
        .order_by(FROM_THE_START, "pk")
    )


def homeroom_history(school_class: SchoolClass) -> list[HomeroomAssignment]:
    return list(
        HomeroomAssignment.objects.filter(school_class=school_class)
        .select_related("teacher", "created_by", "ended_by")
        .order_by(FROM_THE_START, "pk")
    )


def teacher_history(
    staff: Staff, year: SchoolYear
) -> tuple[list[TeachingAssignment], list[HomeroomAssignment]]:
    """A person's teaching and homeroom rows of the year, with who changed them."""
    teaching = list(
        TeachingAssignment.objects.filter(teacher=staff, school_class__year=year)
        .select_related("school_class__grade", "subject", "term", "created_by", "ended_by")
        .order_by(
            "term__number",
            "school_class__grade__number",
            "school_class__name",
            FROM_THE_START,
        )
    )
    homerooms = list(
        HomeroomAssignment.objects.filter(teacher=staff, school_class__year=year)
        .select_related("school_class", "created_by", "ended_by")
        .order_by(FROM_THE_START, "pk")
    )
    return teaching, homerooms


# --- the editor's table ------------------------------------------------------------------------

#: Teaching weeks in a school year of the general education programme (CT GDPT 2018: 35 weeks);
#: a subject's periods per week are its periods per year / 35, and each term takes half.
WEEKS_PER_YEAR = 35


@dataclass
class Cell:
    """One (class, subject) of the table for the terms shown."""

    school_class: SchoolClass
    subject: Subject
    terms: list[Term]
    current: dict[int, TeachingAssignment | None]  # term id -> row in force on the day
    planned: list[TeachingAssignment]  # rows starting after the day (future changes)
    rows: int  # rows in the history of these terms

    @property
    def teacher(self) -> Staff | None:
        """The teacher of every term shown (None when nobody, or different teachers)."""
        teachers = {r.teacher_id if r else None for r in self.current.values()}
        if len(teachers) != 1:
            return None
        row = next(iter(self.current.values()))
        return row.teacher if row else None

    @property
    def split(self) -> list[tuple[Term, Staff | None]]:
        """(term, teacher) when the terms shown have different teachers."""
        teachers = {r.teacher_id if r else None for r in self.current.values()}
        if len(teachers) <= 1:
            return []
        return [(t, self.current[t.pk].teacher if self.current[t.pk] else None) for t in self.terms]

    @property
    def expected(self) -> str:
        return ",".join(
            str(self.current[t.pk].pk) if self.current[t.pk] else "" for t in self.terms
        )

    @property
    def key(self) -> str:
        return f"{self.school_class.pk}-{self.subject.pk}"


@dataclass
class Row:
    school_class: SchoolClass
    homeroom: HomeroomAssignment | None
    homeroom_planned: list[HomeroomAssignment]
    homeroom_rows: int
    cells: list[Cell | None]  # per subject column; None: not taught in this grade


@dataclass
class Load:
    teacher: Staff
    cells: int = 0
    weekly: Decimal = Decimal(0)  # periods a week in the terms shown (the first of them)
    yearly: Decimal = Decimal(0)  # periods in the year, both terms
    homerooms: list[str] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)

    @property
    def weekly_text(self) -> str:
        return f"{self.weekly.quantize(Decimal('0.1'), ROUND_HALF_UP)}".replace(".", ",")

    @property
    def yearly_text(self) -> str:
        return f"{self.yearly.quantize(Decimal('1'), ROUND_HALF_UP)}"


@dataclass
class Table:
    year: SchoolYear
    terms: list[Term]  # the terms shown (one, or both)
    all_terms: list[Term]
    day: date
    subjects: list[Subject]
    rows: list[Row]
    teachers: list[Staff]
    load: list[Load]
    matching: dict[int, set[int]]  # subject id -> teachers who teach it (main subject, or do)

    def options(self, subject: Subject) -> tuple[list[Staff], list[Staff]]:
        """The subject's teachers first, then the others."""
        first = self.matching.get(subject.pk, set())
        return (
            [t for t in self.teachers if t.pk in first],
            [t for t in self.teachers if t.pk not in first],
        )

    @property
    def empty_cells(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c is not None and c.teacher is None)


TEACHING_POSITIONS = {
    Position.TEACHER,
    Position.PRINCIPAL,
    Position.VICE_PRINCIPAL,
    Position.DOI_LEADER,
    Position.ADMINISTRATOR,
}


def _teaches(main: str, name: str) -> bool:
    """A folded main subject ("toan") matches a folded subject name ("toan")."""
    return bool(main) and (main == name or main in name or name in main)


def assignable_teachers(year: SchoolYear) -> list[Staff]:
    """The school's active staff who may teach (teachers, leaders, the Đội leader, the
    administrator — often the IT teacher — and anyone assigned this year), by name."""
    staff = (
        Staff.objects.filter(school_id=year.school_id, is_active=True)
        .select_related("department")
        .order_by("sort_name")
    )
    assigned = TeachingAssignment.objects.filter(school_class__year=year).values("teacher_id")
    homeroom = HomeroomAssignment.objects.filter(school_class__year=year).values("teacher_id")
    return list(
        staff.filter(
            Q(position__in=TEACHING_POSITIONS)
            | Q(extra_positions__position=Position.TEACHER)
            | Q(pk__in=assigned)
            | Q(pk__in=homeroom)
        ).distinct()
    )


def subject_teachers(
    year: SchoolYear, subjects: list[Subject], teachers: list[Staff], *, rows=None
) -> dict[int, set[int]]:
    """Subject id → the teachers who teach it: by their main subject, or because they teach it
    this year (``rows``: the year's teaching rows when already loaded)."""
    if rows is None:
        rows = TeachingAssignment.objects.filter(
            school_class__year=year, subject__in=subjects
        ).only("subject_id", "teacher_id")
    mains = {t.pk: fold(t.main_subject) for t in teachers}
    out: dict[int, set[int]] = {}
    for s in subjects:
        name = fold(s.name)
        out[s.pk] = {pk for pk, main in mains.items() if _teaches(main, name)}
    for r in rows:
        if r.subject_id in out:
            out[r.subject_id].add(r.teacher_id)
    return out


def assignment_table(
    year: SchoolYear, *, terms: list[Term], day: date, grade: int | None = None
) -> Table:
    """The assignment table of ``year`` for ``terms`` as it stands on ``day``, with every
    teacher's load, in a fixed number of queries whatever the school's size."""
    all_terms = list(Term.objects.filter(year=year).order_by("number"))
    all_classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("grade")
        .order_by("grade__number", "name")
    )
    classes = [c for c in all_classes if grade is None or c.grade.number == grade]
    shown_grades = {c.grade_id for c in classes}
    offerings = list(
        SubjectOffering.objects.filter(
            grade_id__in={c.grade_id for c in all_classes}, subject__school_id=year.school_id
        )
        .select_related("subject")
        .order_by("subject__order", "subject__name")
    )
    periods = {(o.subject_id, o.grade_id): o.periods_per_year for o in offerings}
    subjects = list(
        {o.subject_id: o.subject for o in offerings if o.grade_id in shown_grades}.values()
    )
    rows_all = list(
        TeachingAssignment.objects.filter(school_class__year=year)
        .select_related("teacher", "subject")
        .order_by(FROM_THE_START, "pk")
    )
    homerooms_all = list(
        HomeroomAssignment.objects.filter(school_class__year=year)
        .select_related("teacher")
        .order_by(FROM_THE_START, "pk")
    )
    teachers = assignable_teachers(year)
    matching = subject_teachers(year, subjects, teachers, rows=rows_all)

    shown = {t.pk for t in terms}
    by_cell: dict[tuple[int, int, int], list[TeachingAssignment]] = defaultdict(list)
    for r in rows_all:
        by_cell[(r.school_class_id, r.subject_id, r.term_id)].append(r)
    by_class_hr: dict[int, list[HomeroomAssignment]] = defaultdict(list)
    for h in homerooms_all:
        by_class_hr[h.school_class_id].append(h)

    loads = {t.pk: Load(t) for t in teachers}
    class_grade = {c.pk: c.grade_id for c in all_classes}
    for r in rows_all:
        if not r.is_in_force(day) or r.teacher_id not in loads:
            continue
        load = loads[r.teacher_id]
        per_year = periods.get((r.subject_id, class_grade.get(r.school_class_id)), 0)
        load.yearly += Decimal(per_year) / 2
        load.subjects.add(r.subject.name)
        if r.term_id == terms[0].pk:
            load.cells += 1
            load.weekly += Decimal(per_year) / WEEKS_PER_YEAR
    names = {c.pk: c.name for c in all_classes}
    for h in homerooms_all:
        if h.is_in_force(day) and h.teacher_id in loads:
            loads[h.teacher_id].homerooms.append(names.get(h.school_class_id, ""))

    table_rows = []
    for c in classes:
        cells: list[Cell | None] = []
        for subject in subjects:
            if (subject.pk, c.grade_id) not in periods:
                cells.append(None)
                continue
            history = [r for t in terms for r in by_cell.get((c.pk, subject.pk, t.pk), [])]
            cells.append(
                Cell(
                    school_class=c,
                    subject=subject,
                    terms=terms,
                    current={
                        t.pk: next(
                            (
                                r
                                for r in by_cell.get((c.pk, subject.pk, t.pk), [])
                                if r.is_in_force(day)
                            ),
                            None,
                        )
                        for t in terms
                    },
                    planned=[
                        r
                        for r in history
                        if r.starts_on and r.starts_on > day and r.term_id in shown
                    ],
                    rows=len(history),
                )
            )
        hrs = by_class_hr.get(c.pk, [])
        table_rows.append(
            Row(
                school_class=c,
                homeroom=next((h for h in hrs if h.is_in_force(day)), None),
                homeroom_planned=[h for h in hrs if h.starts_on and h.starts_on > day],
                homeroom_rows=len(hrs),
                cells=cells,
            )
        )
    load = sorted(
        (x for x in loads.values() if x.cells or x.yearly or x.homerooms),
        key=lambda x: x.teacher.sort_name,
    )
    return Table(
        year=year,
        terms=terms,
        all_terms=all_terms,
        day=day,
        subjects=subjects,
        rows=table_rows,
        teachers=teachers,
        load=load,
        matching=matching,
    )
