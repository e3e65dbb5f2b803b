"""Reading a grade sheet for the grid, the Excel export and the API — a bounded number of
queries whatever the class size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from hoso.assessment.rules import evaluate
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT
from hoso.gradebook.entry.locks import lock_covering, locks_for_sheet
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.entry.sheets import Sheet
from hoso.organisation.models import SchoolClass
from hoso.students.models import Enrolment
from hoso.students.selectors import one_per_student


@dataclass
class Row:
    enrolment: Enrolment
    cells: dict[str, Assessment] = field(default_factory=dict)
    result: object = None  # the term result computed by the rule set (average or Đ/CĐ)
    errors: list[str] = field(default_factory=list)

    @property
    def student(self):
        return self.enrolment.student

    @property
    def active(self) -> bool:
        return self.enrolment.is_studying


@dataclass
class SheetData:
    sheet: Sheet
    rows: list[Row]
    finalised: dict[str, object]  # column key -> SheetColumn
    locked: dict[str, object]  # column key -> BookLock
    test_dates: dict[str, object]
    # (student id, column key) -> the name of the class where a member's cell was entered, for
    # the cells a student brought from the former class (read-only here: a correction changes
    # them, ``actions.assessment_save`` refuses them)
    other_class: dict[tuple[int, str], str] = field(default_factory=dict)


def class_cells(school_class, term, subject=None):
    """The cells of a class's book for a term: those entered in the class, and every cell of the
    students studying in it now — a student who changed class brings the term's cells entered in
    the former class, which keeps only what was entered there (``sheet_data``'s rule). The one
    definition for the grid, the printed and signed books and the teachers' confirmation."""
    members = (
        Enrolment.objects.filter(school_class=school_class)
        .filter(Enrolment.studying_q())
        .values("student_id")
    )
    cells = Assessment.objects.filter(term=term).filter(
        Q(school_class=school_class) | Q(student_id__in=members)
    )
    return cells.filter(subject=subject) if subject is not None else cells


def _secondary_subject_case(sheet: Sheet, cells: dict[str, Assessment]) -> dict:
    values = {k: c.value for k, c in cells.items() if c.value}
    regular = [values[c.key] for c in sheet.columns if c.key.startswith("TX") and c.key in values]
    term = {"regular": regular, "midterm": values.get("GK"), "final": values.get("CK")}
    kind = "comment" if sheet.subject.assessment == "comment" else "score"
    return {"code": sheet.subject.code, "assessment": kind, "term": term}


def term_result(sheet: Sheet, cells: dict[str, Assessment], periods: int) -> tuple[object, list]:
    """The subject's result for the term as the rule set computes it (None when incomplete)."""
    if not sheet.capabilities.subject_term_result:
        return None, []
    subject = _secondary_subject_case(sheet, cells)
    key = f"term{sheet.term.number}"
    other = "term2" if key == "term1" else "term1"
    case = {
        "ruleset": sheet.ruleset,
        "grade": sheet.school_class.grade.number,
        "subjects": [
            {
                "code": subject["code"],
                "assessment": subject["assessment"],
                "periods_per_year": periods,
                key: subject["term"],
                other: None,
            }
        ],
    }
    out = evaluate(case)
    value = out.get("subjects", {}).get(subject["code"], {}).get(key)
    label = "học kì I:" if key == "term1" else "học kì II:"
    errors = [
        e["message"]
        for e in out.get("errors", [])
        if e.get("subject") == subject["code"] and label in e["message"]
    ]
    return value, errors


def row_result(sheet: Sheet, cells: dict[str, Assessment]) -> tuple[object, list[str]]:
    """A row's result (the grid's result column, the API's ``result``): the rule set's term result
    of the student's cells, ``(None, [])`` for a row with no cell. The one definition: the grid
    and the API only format it (``entry.views.display_result``, ``api.gradebook._result``)."""
    if not cells:
        return None, []
    return term_result(sheet, cells, sheet.periods_per_year)


def student_row_result(sheet: Sheet, student) -> tuple[object, list[str]]:
    """``row_result`` of one student, read afresh (after a cell was saved)."""
    cells = {
        c.column: c
        for c in Assessment.objects.filter(student=student, subject=sheet.subject, term=sheet.term)
    }
    return row_result(sheet, cells)


def sheet_stamp(sheet: Sheet) -> str:
    """What the sheet's cells are now, in a few characters: it changes with every save, clear
    or column finalised/opened, wherever it came from (the grid, an Excel import, the API, a
    correction). An open grid asks for it when its tab comes back into view."""
    students = Enrolment.objects.filter(school_class=sheet.school_class).values("student_id")
    cells = Assessment.objects.filter(
        subject=sheet.subject, term=sheet.term, student_id__in=students
    ).aggregate(n=Count("pk"), versions=Sum("version"), last=Max("updated_at"))
    columns = SheetColumn.objects.filter(
        school_class=sheet.school_class, subject=sheet.subject, term=sheet.term
    ).aggregate(n=Count("pk"), finalised=Count("finalised_at"), last=Max("finalised_at"))
    last = cells["last"].isoformat() if cells["last"] else ""
    column_last = columns["last"].isoformat() if columns["last"] else ""
    return (
        f"{cells['n']}.{cells['versions'] or 0}.{last}"
        f"|{columns['n']}.{columns['finalised']}.{column_last}"
    )


def sheet_data(sheet: Sheet) -> SheetData:
    enrolments = one_per_student(  # who left the class stays, read-only and struck through
        Enrolment.objects.filter(school_class=sheet.school_class)
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    )
    rows = {e.student_id: Row(e) for e in enrolments}
    other_class: dict[tuple[int, str], int] = {}
    for cell in Assessment.objects.filter(
        subject=sheet.subject, term=sheet.term, student_id__in=list(rows)
    ):
        row = rows[cell.student_id]
        if row.active or cell.school_class_id == sheet.school_class.pk:
            # A student who changed class: the old class keeps what was entered there; the new
            # class carries the whole term (the cells are the student's, one per column).
            row.cells[cell.column] = cell
            if cell.school_class_id != sheet.school_class.pk:
                other_class[(cell.student_id, cell.column)] = cell.school_class_id
    columns = {
        c.column: c
        for c in SheetColumn.objects.filter(
            school_class=sheet.school_class, subject=sheet.subject, term=sheet.term
        )
    }
    locks = locks_for_sheet(sheet.school_class, sheet.subject, sheet.term)
    locked = {}
    for column in sheet.columns:
        lock = lock_covering(locks, column)
        if lock is not None:
            locked[column.key] = lock
    for row in rows.values():
        row.result, row.errors = row_result(sheet, row.cells)
    return SheetData(
        sheet=sheet,
        rows=list(rows.values()),
        finalised={k: c for k, c in columns.items() if c.finalised_at},
        locked=locked,
        test_dates={k: c.test_date for k, c in columns.items() if c.test_date},
        other_class=class_names(other_class),
    )


def class_names(by_cell: dict[tuple[int, str], int]) -> dict[tuple[int, str], str]:
    """(student, column) → class id, as names: the former classes of cells brought along."""
    if not by_cell:
        return {}
    names = dict(SchoolClass.objects.filter(pk__in=set(by_cell.values())).values_list("pk", "name"))
    return {key: names.get(class_id, "") for key, class_id in by_cell.items()}


KIND_HINTS = {
    SCORE: "Điểm 0–10, một chữ số thập phân",
    TEST: "Điểm nguyên 0–10",
    COMMENT_RESULT: "Đ (Đạt) hoặc CĐ (Chưa đạt)",
    LEVEL: "T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành)",
    TEXT: "Nhận xét",
}
