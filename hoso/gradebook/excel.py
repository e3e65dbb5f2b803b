"""Excel round trip of a grade sheet (nhập điểm từ Excel): template, reading, header recognition,
column mapping and row validation.

Pure functions: no database access here (``excel_actions`` does the queries and the writes). The
generic pieces (reading with python-calamine, cell text, header keys and signatures, dates) are the
class-list importer's (``hoso.students.importing``), reused as they are.

The template carries a very hidden sheet ``hoso_meta`` with the sheet identity (class, subject,
term ids), the header row and the column of every field, so an uploaded template is matched back
without asking anything. Files from other systems (CSDL ngành, vnEdu, SMAS) go through a column
mapping that the school saves (``ImportMapping`` kind "grades") and that is reused for files with
the same headers.

Policy — ALL OR NOTHING (as for class lists): every row is checked; any error and nothing is
written. Empty cells leave the stored result unchanged unless the user asks that they clear it.

Cells come from python-calamine: every number is a float (``8.0``), empty cells are ``''`` and date
cells ``{"date": iso}`` once made JSON-ready (notes/STACK-TRIAL.md §4).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.gradebook.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT, Column
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.validation import clean_value
from hoso.students import importing
from hoso.students.importing import (
    HEADER_SEARCH_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    SheetData,
    cell_text,
    column_label,
    header_key,
    header_keys,
    headers_of,
    read_workbook,
    signature,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ImportFileError",
    "SheetData",
    "read_workbook",
    "signature",
]

META_SHEET = "hoso_meta"
META_FORMAT = "hoso.gradebook.excel/1"
HEADER_ROW = 7  # rows 1–5: title block; row 6: what the grey cells mean
FIRST_DATA_ROW = HEADER_ROW + 1
NOTE_HEADER = "Ghi chú"


class ExcelError(StrEnum):
    BAD_FILE = "BAD_FILE"
    WRONG_SHEET = "WRONG_SHEET"  # a template of another class / subject / term
    BAD_MAPPING = "BAD_MAPPING"
    BAD_STATE = "BAD_STATE"
    IMPORT_HAS_ERRORS = "IMPORT_HAS_ERRORS"
    NO_IDENTITY = "NO_IDENTITY"  # results on a row without student code or name
    UNKNOWN_STUDENT = "UNKNOWN_STUDENT"
    STUDENT_MISMATCH = "STUDENT_MISMATCH"  # the code is another student's
    DUPLICATE_ROW = "DUPLICATE_ROW"
    BAD_DATE = "BAD_DATE"
    NO_ROWS = "NO_ROWS"
    CHANGED_SINCE_PREVIEW = "CHANGED_SINCE_PREVIEW"


# --- Targets: what a file column can be mapped to -------------------------------------------------

SEQUENCE, STUDENT_CODE, FULL_NAME, BIRTH_DATE = (
    "sequence",
    "student_code",
    "full_name",
    "birth_date",
)
IDENTITY_LABELS = {
    SEQUENCE: "STT (không ghi)",
    STUDENT_CODE: "Mã học sinh",
    FULL_NAME: "Họ và tên",
    BIRTH_DATE: "Ngày sinh",
}
# Our template's headers, in order, before the result columns.
TEMPLATE_IDENTITY = (
    ("STT", SEQUENCE),
    ("Mã học sinh", STUDENT_CODE),
    ("Họ và tên", FULL_NAME),
    ("Ngày sinh", BIRTH_DATE),
)
_IDENTITY_ALIASES = {
    alias: name
    for name in IDENTITY_LABELS
    for alias in importing.FIELD_BY_NAME[name].aliases + (header_key(IDENTITY_LABELS[name]),)
}

KIND_WORDS = {
    SCORE: "điểm 0–10",
    TEST: "điểm nguyên 0–10",
    COMMENT_RESULT: "Đ/CĐ",
    LEVEL: "T/H/C",
    TEXT: "nhận xét",
}


def target_choices(columns: list[Column]) -> list[tuple[str, str]]:
    """(value, label) of every target, for the mapping page."""
    out = list(IDENTITY_LABELS.items())
    out += [(c.key, f"{c.label} ({KIND_WORDS[c.kind]})") for c in columns]
    return out


def target_label(target: str, columns: list[Column]) -> str:
    if target in IDENTITY_LABELS:
        return IDENTITY_LABELS[target]
    column = next((c for c in columns if c.key == target), None)
    return column.label if column else target


# --- Header recognition ---------------------------------------------------------------------------


def _key(text: Any) -> str:
    """header_key with 'kì' and 'kỳ' made the same word ('Giữa kì' = 'Giữa kỳ')."""
    return " ".join("ky" if w == "ki" else w for w in header_key(text).split())


_REGULAR_NUMBERED = re.compile(
    r"(?:diem )?(?:d?dg ?)?(?:tx|thuong xuyen|ktx|kttx|diem tx) ?(\d{1,2})(?: hk ?\d)?"
)
_REGULAR_ANY = {
    "tx",
    "ddgtx",
    "dgtx",
    "diem tx",
    "thuong xuyen",
    "ddg thuong xuyen",
    "danh gia thuong xuyen",
    "diem mieng",
    "mieng",
    "kt mieng",
    "diem 15 phut",
    "15 phut",
    "kt 15 phut",
    "15p",
    "diem 1 tiet",
    "1 tiet",
    "kt 1 tiet",
}
_REGULAR_OLD_NUMBERED = re.compile(
    r"(?:diem mieng|mieng|kt mieng|diem 15 phut|15 phut|kt 15 phut|15p|m|diem 1 tiet|1 tiet) ?\d{1,2}"
)
_MIDTERM = {
    "gk",
    "ddggk",
    "ddg gk",
    "dggk",
    "giua ky",
    "diem gk",
    "diem giua ky",
    "kt giua ky",
    "ktgk",
    "kiem tra giua ky",
    "danh gia giua ky",
    "ddg giua ky",
}
_FINAL = {
    "ck",
    "ddgck",
    "ddg ck",
    "dgck",
    "cuoi ky",
    "diem ck",
    "diem cuoi ky",
    "kt cuoi ky",
    "ktck",
    "kiem tra cuoi ky",
    "danh gia cuoi ky",
    "ddg cuoi ky",
    "hk",
    "diem hk",
    "diem hoc ky",
    "kt hoc ky",
}


def exact_target(header: str, columns: list[Column]) -> str | None:
    """The target whose label in OUR template is this header ('ĐĐGtx 1', 'Mã học sinh')."""
    key = _key(header)
    for title, name in TEMPLATE_IDENTITY:
        if key == _key(title):
            return name
    for column in columns:
        if key == _key(column.label):
            return column.key
    return None


def _alias_target(key: str, columns: list[Column], taken: set[str]) -> str | None:
    keys = {c.key for c in columns}
    if key in _IDENTITY_ALIASES:
        return _IDENTITY_ALIASES[key]
    secondary = any(k.startswith("TX") for k in keys)
    if not secondary:
        return None  # primary sheets: our labels only (the mapping page does the rest)
    if m := _REGULAR_NUMBERED.fullmatch(key):
        target = f"TX{int(m.group(1))}"
        return target if target in keys else None
    if key in _REGULAR_ANY or _REGULAR_OLD_NUMBERED.fullmatch(key):
        # 'Điểm 15 phút' (often several columns): the next regular column not yet taken.
        return next((c.key for c in columns if c.key.startswith("TX") and c.key not in taken), None)
    if key in _MIDTERM and "GK" in keys:
        return "GK"
    if key in _FINAL and "CK" in keys:
        return "CK"
    return None


def suggest_mapping(headers: list[str], columns: list[Column]) -> dict[int, str]:
    """Headers → targets: our own labels first, then the usual headers of other systems; a target
    goes to its first column only. A suggestion, shown on the mapping page."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = exact_target(header, columns)
        if target and target not in taken:
            out[index] = target
            taken.add(target)
    for index, header in enumerate(headers):
        if index in out or not _key(header):
            continue
        target = _alias_target(_key(header), columns, taken)
        if target and target not in taken:
            out[index] = target
            taken.add(target)
    return out


def is_our_layout(headers: list[str], columns: list[Column]) -> bool:
    """Every non-empty header is one of our template's (so no question needs asking)."""
    seen: set[str] = set()
    found_column = False
    for header in headers:
        if not _key(header) or _key(header) == _key(NOTE_HEADER):
            continue
        target = exact_target(header, columns)
        if target is None or target in seen:
            return False
        seen.add(target)
        found_column = found_column or target not in IDENTITY_LABELS
    return found_column and (STUDENT_CODE in seen or {FULL_NAME, BIRTH_DATE} <= seen)


def header_candidates(sheets: list[SheetData]) -> list[tuple[SheetData, int, list[str]]]:
    """(sheet, row number, headers) of the first non-empty rows of every sheet."""
    return [
        (sheet, r["row"], headers_of(r, sheet.width))
        for sheet in sheets
        for r in sheet.rows[:HEADER_SEARCH_ROWS]
    ]


def mapping_from_saved(columns_saved: dict[str, str], headers: list[str]) -> dict[int, str]:
    keys = header_keys(headers)
    return {i: columns_saved[k] for i, k in enumerate(keys) if columns_saved.get(k)}


def mapping_to_saved(mapping: dict[int, str], headers: list[str]) -> dict[str, str]:
    return importing.mapping_to_saved(mapping, headers)


def mapping_problems(mapping: dict[int, str], headers: list[str], columns: list[Column]) -> list:
    """Why a mapping cannot be used, in Vietnamese; [] when it can."""
    problems: list[str] = []
    valid = set(IDENTITY_LABELS) | {c.key for c in columns}
    columns_of: dict[str, list[int]] = {}
    for index, target in sorted(mapping.items()):
        if target not in valid:
            problems.append(
                f"Cột {column_label(index, headers)} được ghép vào “{target}”, "
                "không có trong sổ điểm này."
            )
            continue
        columns_of.setdefault(target, []).append(index)
    for target, indexes in columns_of.items():
        if len(indexes) > 1:
            letters = ", ".join(column_label(i, headers) for i in indexes)
            problems.append(
                f"“{target_label(target, columns)}” được ghép với nhiều cột: {letters}."
            )
    targets = set(columns_of)
    if STUDENT_CODE not in targets and not {FULL_NAME, BIRTH_DATE} <= targets:
        problems.append(
            "Chưa có cột để nhận ra học sinh: ghép “Mã học sinh”, "
            "hoặc cả “Họ và tên” và “Ngày sinh”."
        )
    if not targets - set(IDENTITY_LABELS):
        problems.append("Chưa có cột kết quả nào được ghép vào sổ điểm.")
    return problems


# --- The metadata sheet ---------------------------------------------------------------------------


def read_meta(data: bytes) -> dict | None:
    """The template's identity from its hidden sheet, or None (another file, or damaged)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if META_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(META_SHEET).to_python()
        meta = json.loads(rows[0][0])
    except Exception:
        return None
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT:
        return None
    return meta


def meta_matches(meta: dict, *, class_id: int, subject_id: int, term_id: int) -> bool:
    return (meta.get("class"), meta.get("subject"), meta.get("term")) == (
        class_id,
        subject_id,
        term_id,
    )


def layout_from_meta(
    meta: dict, sheets: list[SheetData]
) -> tuple[SheetData, int, list[str], dict[int, str]] | None:
    """(sheet, header row, headers, mapping) of an uploaded template, if its headers are still
    where the template put them (else None: the file is read like any other)."""
    sheet = next((s for s in sheets if s.name == nfc(meta.get("sheet", ""))), None)
    if sheet is None:
        sheet = sheets[0] if len(sheets) and sheets[0].rows else None
    if sheet is None:
        return None
    header_row = meta.get("header_row")
    row = next((r for r in sheet.rows if r["row"] == header_row), None)
    if row is None:
        return None
    expected = meta.get("headers") or []
    headers = headers_of(row, max(sheet.width, len(expected)))
    if [_key(h) for h in headers[: len(expected)]] != [_key(h) for h in expected]:
        return None
    try:
        mapping = {int(k): str(v) for k, v in (meta.get("mapping") or {}).items()}
    except (TypeError, ValueError):
        return None
    return sheet, header_row, headers, mapping


# --- Values ---------------------------------------------------------------------------------------

_EXTRA_LEVELS = {
    "hoan thanh tot": "T",
    "hoan thanh": "H",
    "chua hoan thanh": "C",
}
_COMMENT_SHOWN = {"D": "Đ", "CD": "CĐ"}


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
        return _COMMENT_SHOWN.get(value, value)
    return value


def template_value(column: Column, value: str, text: str) -> Any:
    """A stored result as the template writes it (numbers as numbers)."""
    if column.kind == TEXT:
        return text or None
    if not value:
        return None
    if column.kind == SCORE:
        return float(value)
    if column.kind == TEST:
        return int(value)
    return _COMMENT_SHOWN.get(value, value)


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
class Evaluation:
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
        self.result = Evaluation()

    def _entry(self, row: int | None, target: str, code: str, message: str) -> dict:
        index = self.index_of.get(target)
        return {
            "row": row,
            "column": column_label(index, self.headers) if index is not None else "",
            "index": index if index is not None else -1,
            "field": target,
            "code": str(code),
            "message": message,
        }

    def error(self, row: int | None, target: str, code: str, message: str) -> None:
        self.result.errors.append(self._entry(row, target, code, message))

    def warn(self, row: int | None, target: str, code: str, message: str) -> None:
        self.result.warnings.append(self._entry(row, target, code, message))

    def run(self, raw_rows: list[dict], header_row: int) -> Evaluation:
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
        self.result.errors.sort(key=lambda e: (e["row"] or 0, e["index"]))
        self.result.warnings.sort(key=lambda e: (e["row"] or 0, e["index"]))
        self.result.changes.sort(key=lambda c: (c["row"], self.order[c["column"]]))
        return self.result

    def match(self, number: int, values: dict, *, has_results: bool) -> StudentRef | None:
        code = cell_text(values.get(STUDENT_CODE, ""))
        name = cell_text(values.get(FULL_NAME, ""))
        birth = None
        birth_text = cell_text(values.get(BIRTH_DATE, ""))
        birth_error = ""
        try:
            birth = importing.parse_date_cell(values.get(BIRTH_DATE, ""))
        except importing._CellError as exc:
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
) -> Evaluation:
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
            {
                "row": None,
                "column": "",
                "index": -1,
                "field": "",
                "code": ExcelError.NO_ROWS,
                "message": "Tệp không có dòng nào khớp với học sinh của lớp.",
            }
        )
    return result


def error_sentence(error: dict) -> str:
    """'Dòng 7, cột F (ĐĐGgk): Điểm 11 nằm ngoài thang điểm 0–10.'"""
    where = []
    if error.get("row"):
        where.append(f"Dòng {error['row']}")
    if error.get("column"):
        where.append(f"cột {error['column']}")
    return f"{', '.join(where)}: {error['message']}" if where else error["message"]


# --- The template ---------------------------------------------------------------------------------


@dataclass
class TemplateRow:
    code: str
    name: str
    birth_date: date | None
    values: dict[str, tuple[str, str]]  # column key -> (value, text)
    active: bool = True
    note: str = ""


@dataclass
class TemplateSpec:
    school_name: str
    class_name: str
    subject_name: str
    term_name: str
    year_name: str
    teacher_name: str
    ruleset_title: str
    columns: list[Column]
    rows: list[TemplateRow]
    readonly: dict[str, str]  # column key -> why it cannot be changed ('đã chốt', 'sổ đã khóa')
    meta: dict  # class, subject, term ids (and names, for messages)


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_WIDTHS = {SCORE: 9, TEST: 9, COMMENT_RESULT: 9, LEVEL: 9, TEXT: 40}

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP KẾT QUẢ ĐÁNH GIÁ TỪ EXCEL",
    "",
    "1. Trang đầu là sổ điểm của lớp, môn và học kỳ ghi ở tiêu đề, đã điền sẵn kết quả đang có "
    "trong hệ thống. Chỉ nhập vào các ô kết quả nền trắng; các ô nền xám chỉ để xem.",
    "2. Không đổi tên trang, không thêm, xóa hay đổi thứ tự cột và dòng; không sửa mã học sinh, "
    "họ tên, ngày sinh. Hệ thống nhận ra học sinh theo mã học sinh.",
    "3. Điểm số: từ 0 đến 10, tối đa một chữ số thập phân (ví dụ 8 hoặc 8,5). "
    "Điểm bài kiểm tra định kỳ ở tiểu học: số nguyên từ 0 đến 10.",
    "4. Môn đánh giá bằng nhận xét: chọn Đ (Đạt) hoặc CĐ (Chưa đạt). "
    "Mức đạt được ở tiểu học: T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành).",
    "5. Ô để trống: giữ nguyên kết quả đã có trong hệ thống. Muốn xóa kết quả đã nhập, khi tải "
    "lên hãy chọn “Ô trống trong tệp sẽ xóa kết quả đã nhập”.",
    "6. Cột đã chốt hoặc sổ đã khóa (nền xám) không sửa được bằng tệp này: muốn sửa phải làm "
    "đơn đề nghị sửa điểm.",
    "7. Nhập theo nguyên tắc TẤT CẢ HOẶC KHÔNG: sau khi tải lên, hệ thống cho xem trước những ô "
    "thay đổi. Nếu còn một lỗi thì chưa ô nào được ghi; hệ thống báo lỗi theo dòng và cột, "
    "bạn sửa tệp rồi tải lên lại.",
    "8. Mỗi thay đổi được ghi vào nhật ký như khi nhập trên màn hình sổ điểm.",
    "9. Tệp xuất từ CSDL ngành, vnEdu, SMAS cũng tải lên được: hệ thống sẽ hỏi ghép cột một lần "
    "và lưu cách ghép để dùng lại cho các lần sau.",
)


def template_filename(class_name: str, subject_code: str, term_number: int) -> str:
    from hoso.core.text import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{subject_code} {class_name}")).strip("-")
    return f"so-diem-{slug}-hk{term_number}.xlsx"


def build_template(spec: TemplateSpec) -> bytes:
    """The .xlsx of one sheet, filled with the stored results (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _SHEET_NAME_BAD.sub("-", nfc(f"{spec.subject_name} - {spec.class_name}"))[:31]
    identity = list(TEMPLATE_IDENTITY)
    width = len(identity) + len(spec.columns) + 1
    last_letter = get_column_letter(width)
    grey = PatternFill("solid", fgColor="E3E5E8")
    header_fill = PatternFill("solid", fgColor="DDE6F3")
    thin = Side(style="thin", color="9AA3AE")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)

    title = (
        nfc(spec.school_name),
        nfc(f"BẢNG KẾT QUẢ ĐÁNH GIÁ — MÔN {spec.subject_name.upper()} — LỚP {spec.class_name}"),
        nfc(f"{spec.term_name} · Năm học {spec.year_name}"),
        nfc(f"Giáo viên bộ môn: {spec.teacher_name or '(chưa phân công)'}"),
        nfc(f"Quy định đánh giá: {spec.ruleset_title}"),
    )
    for number, line in enumerate(title, start=1):
        cell = sheet.cell(row=number, column=1, value=line)
        cell.font = Font(bold=number <= 2, size=13 if number == 2 else 11)
        sheet.merge_cells(f"A{number}:{last_letter}{number}")
    if spec.readonly:
        legend = "Ô nền xám chỉ để xem: " + "; ".join(
            f"{c.label} — {spec.readonly[c.key]}" for c in spec.columns if c.key in spec.readonly
        )
    else:
        legend = "Nhập kết quả vào các ô nền trắng; ô nền xám chỉ để xem."
    sheet.cell(row=HEADER_ROW - 1, column=1, value=nfc(legend)).font = Font(italic=True)
    sheet.merge_cells(f"A{HEADER_ROW - 1}:{last_letter}{HEADER_ROW - 1}")

    headers = [t for t, _ in identity] + [c.label for c in spec.columns] + [NOTE_HEADER]
    mapping = {i: name for i, (_, name) in enumerate(identity)}
    for offset, column in enumerate(spec.columns):
        mapping[len(identity) + offset] = column.key
    from hoso.gradebook.selectors import KIND_HINTS

    for index, text in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = header_fill
        target = mapping.get(index - 1)
        if target in spec.readonly:
            cell.fill = grey
        column = next((c for c in spec.columns if c.key == target), None)
        if column is not None:
            hint = KIND_HINTS[column.kind]
            if target in spec.readonly:
                hint += f". Chỉ xem: {spec.readonly[target]}."
            cell.comment = Comment(nfc(hint), "HoSo")
    for letter, w in zip("ABCD", (6, 14, 26, 12), strict=True):
        sheet.column_dimensions[letter].width = w
    for offset, column in enumerate(spec.columns):
        sheet.column_dimensions[get_column_letter(len(identity) + offset + 1)].width = _WIDTHS[
            column.kind
        ]
    sheet.column_dimensions[last_letter].width = 22

    last_row = FIRST_DATA_ROW + max(len(spec.rows), 1) - 1
    for n, row in enumerate(spec.rows):
        r = FIRST_DATA_ROW + n
        sheet.cell(row=r, column=1, value=n + 1)
        code = sheet.cell(row=r, column=2, value=row.code)
        code.number_format = "@"
        sheet.cell(row=r, column=3, value=nfc(row.name))
        birth = sheet.cell(row=r, column=4, value=row.birth_date)
        birth.number_format = "DD/MM/YYYY"
        for offset, column in enumerate(spec.columns):
            value, text = row.values.get(column.key, ("", ""))
            cell = sheet.cell(
                row=r,
                column=len(identity) + offset + 1,
                value=template_value(column, value, text),
            )
            if column.kind == SCORE:
                cell.number_format = "0.0"
            elif column.kind == TEST:
                cell.number_format = "0"
            elif column.kind == TEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(horizontal="center")
            if column.key in spec.readonly or not row.active:
                cell.fill = grey
            else:
                cell.protection = unlocked
        sheet.cell(row=r, column=width, value=row.note or None)
        for c in range(1, width + 1):
            sheet.cell(row=r, column=c).border = border
            if not row.active:
                sheet.cell(row=r, column=c).fill = grey

    for offset, column in enumerate(spec.columns):
        letter = get_column_letter(len(identity) + offset + 1)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
        validation = _validation(column, DataValidation)
        if validation is not None:
            validation.add(cells)
            sheet.add_data_validation(validation)

    sheet.freeze_panes = f"E{FIRST_DATA_ROW}"
    sheet.protection.sheet = True  # no password: it only shows what is read-only
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 120
    lines = list(INSTRUCTIONS) + ["", "CÁC CỘT CỦA SỔ ĐIỂM NÀY"]
    for column in spec.columns:
        line = f"• {column.label}: {KIND_HINTS[column.kind]}"
        if not column.required and column.kind != TEXT:
            line += " (không bắt buộc)"
        if column.key in spec.readonly:
            line += f" — chỉ xem: {spec.readonly[column.key]}"
        lines.append(line)
    for number, line in enumerate(lines, start=1):
        cell = guide.cell(row=number, column=1, value=nfc(line) or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1 or line.isupper():
            cell.font = Font(bold=True, size=13 if number == 1 else 11)

    meta_sheet = book.create_sheet(META_SHEET)
    meta = {
        **spec.meta,
        "format": META_FORMAT,
        "sheet": sheet.title,
        "header_row": HEADER_ROW,
        "headers": headers,
        "mapping": {str(k): v for k, v in mapping.items()},
    }
    meta_sheet["A1"] = json.dumps(meta, ensure_ascii=False)
    meta_sheet.sheet_state = "veryHidden"
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validation(column: Column, DataValidation):  # noqa: N803 - the openpyxl class
    common = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True}
    if column.kind == SCORE:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="10",
            promptTitle=column.label,
            prompt="Điểm từ 0 đến 10, tối đa một chữ số thập phân.",
            errorTitle=column.label,
            error="Điểm phải từ 0 đến 10 (tối đa một chữ số thập phân).",
            **common,
        )
    if column.kind == TEST:
        return DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="10",
            promptTitle=column.label,
            prompt="Điểm nguyên từ 0 đến 10.",
            errorTitle=column.label,
            error="Điểm bài kiểm tra phải là số nguyên từ 0 đến 10.",
            **common,
        )
    if column.kind == COMMENT_RESULT:
        return DataValidation(
            type="list",
            formula1='"Đ,CĐ"',
            promptTitle=column.label,
            prompt="Đ (Đạt) hoặc CĐ (Chưa đạt).",
            errorTitle=column.label,
            error="Chọn Đ (Đạt) hoặc CĐ (Chưa đạt).",
            **common,
        )
    if column.kind == LEVEL:
        return DataValidation(
            type="list",
            formula1='"T,H,C"',
            promptTitle=column.label,
            prompt="T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành).",
            errorTitle=column.label,
            error="Chọn T, H hoặc C.",
            **common,
        )
    return None
