"""The rows of a grade sheet file checked against the book: which student each row is, which
cells change, and why a change is refused — errors and warnings by Excel row and column. Pure:
the importer passes the class's students, the stored results and what the person may not change.

Cells come from the bounded reader: every number is a float (``8.0``), empty cells are ``''``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEXT, Column
from hoso.gradebook.entry.validation import clean_value
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.excel.errors import ExcelError
from hoso.gradebook.excel.recognition import BIRTH_DATE, FULL_NAME, STUDENT_CODE
from hoso.imports.cells import CellError, cell_text, column_label, parse_date_cell
from hoso.imports.headers import header_key
from hoso.imports.importer import Report, batch_error, sort_entries

# --- Values ---------------------------------------------------------------------------------------

_EXTRA_LEVELS = {
    "hoan thanh tot": "T",
    "hoan thanh": "H",
    "chua hoan thanh": "C",
}
COMMENT_SHOWN = {"D": "Đ", "CD": "CĐ"}


def raw_for_clean(column: Column, cell: Any) -> object:
    """What ``validation.clean_value`` receives for one file cell.

    A number cell is read as Excel shows it (15 significant digits), so 8.0 → '8' → stored
    '8.0', 7.25 stays 7.25 (too many decimals) and 8.299999999999999 (a formula) is 8.3."""
    if isinstance(cell, float):
        return f"{cell:.15g}"
    text = cell_text(cell)
    if column.kind == LEVEL:
        return _EXTRA_LEVELS.get(header_key(text), text)
    return text


def shown(column: Column, value: str, text: str) -> str:
    """A stored result as people read it: 8,5 · Đ · CĐ · T · the comment."""
    if column.kind == TEXT:
        return text
    if column.kind == SCORE:
        return value.replace(".", ",")
    if column.kind == COMMENT_RESULT:
        return COMMENT_SHOWN.get(value, value)
    return value


# --- Row validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentRef:
    id: int
    code: str
    name: str
    birth_date: date | None
    active: bool
    status: str = ""  # 'Chuyển đi', ... when not active


@dataclass(frozen=True)
class StoredCell:
    value: str = ""
    text: str = ""
    version: int = 0


@dataclass
class SheetEvaluation:
    changes: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    unchanged: int = 0
    students: int = 0  # rows matched to a student


def _name_key(name: str) -> str:
    return nfc(name).casefold()


class _Rows:
    def __init__(
        self,
        *,
        headers: list[str],
        mapping: dict[int, str],
        columns: list[Column],
        students: list[StudentRef],
        stored: dict[tuple[int, str], StoredCell],
        blocked: dict[str, tuple[str, str]],
        clear_empty: bool,
        class_name: str,
    ):
        self.headers = headers
        self.mapping = mapping
        self.index_of = {t: i for i, t in sorted(mapping.items(), reverse=True)}
        self.columns = {c.key: c for c in columns}
        self.order = {c.key: n for n, c in enumerate(columns)}
        self.stored = stored
        self.blocked = blocked
        self.clear_empty = clear_empty
        self.class_name = class_name
        self.by_code: dict[str, StudentRef] = {}
        self.by_name: dict[tuple[str, date | None], list[StudentRef]] = {}
        for s in students:  # active enrolments win over ended ones
            if s.code and (s.code not in self.by_code or s.active):
                self.by_code[s.code] = s
            self.by_name.setdefault((_name_key(s.name), s.birth_date), []).append(s)
        self.report = Report(headers, mapping)
        self.result = SheetEvaluation(errors=self.report.errors, warnings=self.report.warnings)

    def error(self, row: int | None, target: str, code: str, message: str) -> None:
        self.report.error(row, target, message, code)

    def warn(self, row: int | None, target: str, code: str, message: str) -> None:
        self.report.warn(row, target, message, code)

    def run(self, raw_rows: list[dict], header_row: int) -> SheetEvaluation:
        first_row_of: dict[int, int] = {}
        result_targets = [t for t in self.mapping.values() if t in self.columns]
        for raw in raw_rows:
            number = raw["row"]
            if number <= header_row:
                continue
            cells = raw["cells"]
            values = {
                target: (cells[index] if index < len(cells) else "")
                for index, target in self.mapping.items()
            }
            filled = [t for t in result_targets if cell_text(values[t])]
            identity = [t for t in (STUDENT_CODE, FULL_NAME, BIRTH_DATE) if t in values]
            if not filled and not any(cell_text(values[t]) for t in identity):
                continue  # empty row, or only STT
            student = self.match(number, values, has_results=bool(filled))
            if student is None:
                continue
            if student.id in first_row_of:
                self.error(
                    number,
                    STUDENT_CODE if STUDENT_CODE in values else FULL_NAME,
                    ExcelError.DUPLICATE_ROW,
                    f"Học sinh {student.name} đã có ở dòng {first_row_of[student.id]}.",
                )
                continue
            first_row_of[student.id] = number
            self.result.students += 1
            for target in result_targets:
                self.cell(number, student, target, values[target])
        self.result.errors[:] = sort_entries(self.result.errors)
        self.result.warnings[:] = sort_entries(self.result.warnings)
        self.result.changes.sort(key=lambda c: (c["row"], self.order[c["column"]]))
        return self.result

    def match(self, number: int, values: dict, *, has_results: bool) -> StudentRef | None:
        code = cell_text(values.get(STUDENT_CODE, ""))
        name = cell_text(values.get(FULL_NAME, ""))
        birth = None
        birth_text = cell_text(values.get(BIRTH_DATE, ""))
        birth_error = ""
        try:
            birth = parse_date_cell(values.get(BIRTH_DATE, ""))
        except CellError as exc:
            birth_error = f"Ngày sinh {exc}"
        student = self.by_code.get(code) if code else None
        if student is not None:
            if name and _name_key(name) != _name_key(student.name):
                self.error(
                    number,
                    FULL_NAME,
                    ExcelError.STUDENT_MISMATCH,
                    f"Mã học sinh “{code}” là của {student.name}, "
                    f"nhưng dòng này ghi họ tên “{name}”.",
                )
                return None
            if birth and student.birth_date and birth != student.birth_date:
                self.warn(
                    number,
                    BIRTH_DATE,
                    ExcelError.STUDENT_MISMATCH,
                    f"Ngày sinh trong tệp ({birth:%d/%m/%Y}) khác hồ sơ của {student.name} "
                    f"({student.birth_date:%d/%m/%Y}); đã nhận theo mã học sinh.",
                )
            return student
        if name and birth:
            found = self.by_name.get((_name_key(name), birth), [])
            if len(found) == 1:
                if code:
                    self.warn(
                        number,
                        STUDENT_CODE,
                        ExcelError.STUDENT_MISMATCH,
                        f"Mã học sinh “{code}” không có trong lớp {self.class_name}; đã nhận ra "
                        f"{found[0].name} (mã {found[0].code}) theo họ tên và ngày sinh.",
                    )
                return found[0]
            if len(found) > 1:
                self.error(
                    number,
                    FULL_NAME,
                    ExcelError.UNKNOWN_STUDENT,
                    f"Có {len(found)} học sinh tên “{name}” sinh ngày {birth:%d/%m/%Y} "
                    "trong lớp: cần mã học sinh để phân biệt.",
                )
                return None
        if not has_results:
            self.warn(
                number,
                STUDENT_CODE if STUDENT_CODE in values else FULL_NAME,
                ExcelError.UNKNOWN_STUDENT,
                "Dòng không khớp học sinh nào của lớp và không có kết quả: bỏ qua.",
            )
            return None
        if birth_error and not code:
            self.error(number, BIRTH_DATE, ExcelError.BAD_DATE, birth_error)
            return None
        if not code and not name:
            self.error(
                number,
                STUDENT_CODE if STUDENT_CODE in self.index_of else FULL_NAME,
                ExcelError.NO_IDENTITY,
                "Dòng có kết quả nhưng không có mã học sinh hay họ tên.",
            )
            return None
        who = []
        if code:
            who.append(f"mã “{code}”")
        if name:
            who.append(f"tên “{name}”")
        if birth_text and (birth or not code):
            who.append(f"sinh ngày {birth:%d/%m/%Y}" if birth else f"ngày sinh “{birth_text}”")
        self.error(
            number,
            STUDENT_CODE if code else FULL_NAME,
            ExcelError.UNKNOWN_STUDENT,
            f"Không có học sinh {', '.join(who)} trong lớp {self.class_name}.",
        )
        return None

    def cell(self, number: int, student: StudentRef, key: str, raw: Any) -> None:
        column = self.columns[key]
        if not cell_text(raw):
            if not self.clear_empty:
                return  # an empty cell keeps what is stored
            value, text = "", ""
        else:
            try:
                value, text = clean_value(column, raw_for_clean(column, raw))
            except DomainError as exc:
                self.error(number, key, exc.code, exc.message)
                return
        old = self.stored.get((student.id, key), StoredCell())
        if (value, text) == (old.value, old.text):
            self.result.unchanged += 1
            return
        if key in self.blocked:
            code, message = self.blocked[key]
            self.error(number, key, code, message)
            return
        if not student.active:
            self.error(
                number,
                key,
                GradebookError.NOT_ENROLLED,
                f"{student.name} không còn học lớp {self.class_name}"
                f"{' (' + student.status + ')' if student.status else ''}: không nhập kết quả.",
            )
            return
        index = self.index_of[key]
        self.result.changes.append(
            {
                "row": number,
                "cell": column_label(index, self.headers),
                "letter": get_column_letter(index + 1),
                "student": student.id,
                "student_name": student.name,
                "student_code": student.code,
                "column": key,
                "label": column.label,
                "old": old.text if column.kind == TEXT else old.value,
                "new": text if column.kind == TEXT else value,
                "old_shown": shown(column, old.value, old.text),
                "new_shown": shown(column, value, text),
                "cleared": not value and not text,
                "version": old.version,
            }
        )


def evaluate_rows(
    raw_rows: list[dict],
    *,
    header_row: int,
    headers: list[str],
    mapping: dict[int, str],
    columns: list[Column],
    students: list[StudentRef],
    stored: dict[tuple[int, str], StoredCell],
    blocked: dict[str, tuple[str, str]],
    clear_empty: bool = False,
    class_name: str = "",
) -> SheetEvaluation:
    """Check every data row below ``header_row`` against the sheet.

    ``students``: the class's enrolments; ``stored``: the results now in the book by (student id,
    column key); ``blocked``: columns the person may not change now, with the (code, message) why
    (finalised, locked, not assigned…) — an unchanged value there is fine, a change is an error.
    Errors carry the Excel row and the column as 'F (ĐĐGgk)'."""
    result = _Rows(
        headers=headers,
        mapping=mapping,
        columns=columns,
        students=students,
        stored=stored,
        blocked=blocked,
        clear_empty=clear_empty,
        class_name=class_name,
    ).run(raw_rows, header_row)
    if not result.students and not result.errors:
        result.errors.append(
            batch_error("Tệp không có dòng nào khớp với học sinh của lớp.", code=ExcelError.NO_ROWS)
        )
    return result
