"""Excel import of a class list: reading, header recognition, column mapping, row validation.

Pure functions: no database access here (``import_actions`` does the queries and the writes).

Policy — ALL OR NOTHING: every row is validated; if any row has an error, nothing is written.
The user fixes the file and uploads it again. The uploaded rows and their errors stay on the
``ImportBatch`` so nothing the user sent is lost.

Cells come from python-calamine, which returns every number as a float, ``''`` for empty cells and
date cells as ``date``/``datetime`` (notes/STACK-TRIAL.md §4). Raw cells are stored JSON-ready:
dates become ``{"date": "YYYY-MM-DD"}``; everything else keeps its type.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.text import fold, nfc, split_full_name
from hoso.students.validation import check_personal_id, check_phone, normalise_phone

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 2000
HEADER_SEARCH_ROWS = 10
MAX_SHEET_ROWS = 10000  # last used row; beyond it the file is refused before it is read
MIN_RECOGNISED_HEADERS = 3
TEMPLATE_BLANK_ROWS = 60


class ImportFileError(Exception):
    """The upload is not a spreadsheet we can read (message in Vietnamese)."""


# --- Fields -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


FIELDS: tuple[Field, ...] = (
    Field("sequence", "STT (không ghi)", ("stt", "tt", "so tt", "so thu tu")),
    Field(
        "student_code",
        "Mã học sinh",
        ("ma hoc sinh", "ma hs", "ma so hoc sinh", "ma so hs", "mahs", "ma hoc sinh moet"),
        20,
    ),
    Field(
        "full_name",
        "Họ và tên",
        ("ho va ten", "ho ten", "ho ten hoc sinh", "ho va ten hoc sinh", "ten hoc sinh"),
        200,
    ),
    Field("family_name", "Họ", ("ho", "ho hoc sinh"), 60),
    Field("middle_name", "Tên đệm", ("ten dem", "dem", "ten lot", "chu lot"), 60),
    Field("given_name", "Tên", ("ten",), 40),
    Field(
        "birth_date",
        "Ngày sinh",
        ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ns", "ngay sinh hoc sinh"),
    ),
    Field("gender", "Giới tính", ("gioi tinh", "gt", "phai", "nam nu", "gioi")),
    Field("birth_place", "Nơi sinh", ("noi sinh",), 200),
    Field("ethnicity", "Dân tộc", ("dan toc",), 40),
    Field("nationality", "Quốc tịch", ("quoc tich",), 40),
    Field(
        "personal_id",
        "Mã định danh cá nhân",
        (
            "ma dinh danh",
            "ma dinh danh ca nhan",
            "so dinh danh",
            "so dinh danh ca nhan",
            "dinh danh ca nhan",
            "cccd",
            "so cccd",
            "can cuoc cong dan",
            "so can cuoc cong dan",
            "can cuoc",
            "so can cuoc",
        ),
        12,
    ),
    Field(
        "address",
        "Địa chỉ (nơi ở hiện nay)",
        ("dia chi", "noi o hien nay", "cho o hien nay", "noi o", "cho o", "dia chi noi o"),
        300,
    ),
    Field(
        "has_disability",
        "Khuyết tật",
        (
            "khuyet tat",
            "hoc sinh khuyet tat",
            "hs khuyet tat",
            "la hs khuyet tat",
            "dang khuyet tat",
        ),
        200,
    ),
    Field("father_name", "Họ tên cha", ("ho ten cha", "ho va ten cha", "ten cha", "cha"), 200),
    Field(
        "father_phone",
        "SĐT cha",
        ("sdt cha", "so dien thoai cha", "dien thoai cha", "dt cha", "dtdd cha"),
    ),
    Field("father_occupation", "Nghề nghiệp cha", ("nghe nghiep cha", "nghe cha"), 120),
    Field("mother_name", "Họ tên mẹ", ("ho ten me", "ho va ten me", "ten me", "me"), 200),
    Field(
        "mother_phone",
        "SĐT mẹ",
        ("sdt me", "so dien thoai me", "dien thoai me", "dt me", "dtdd me"),
    ),
    Field("mother_occupation", "Nghề nghiệp mẹ", ("nghe nghiep me", "nghe me"), 120),
    Field(
        "guardian_name",
        "Họ tên người giám hộ",
        ("ho ten nguoi giam ho", "ho va ten nguoi giam ho", "nguoi giam ho", "ten nguoi giam ho"),
        200,
    ),
    Field(
        "guardian_phone",
        "SĐT người giám hộ",
        ("sdt nguoi giam ho", "so dien thoai nguoi giam ho", "dien thoai nguoi giam ho"),
    ),
    Field(
        "guardian_occupation",
        "Nghề nghiệp người giám hộ",
        ("nghe nghiep nguoi giam ho",),
        120,
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
_ALIASES = {alias: f.name for f in FIELDS for alias in f.aliases}
_IDENTITY_FIELDS = (
    "student_code",
    "full_name",
    "family_name",
    "given_name",
    "birth_date",
    "personal_id",
)
# (relation, name field, phone field, occupation field, Vietnamese word)
GUARDIAN_FIELDS = (
    ("father", "father_name", "father_phone", "father_occupation", "cha"),
    ("mother", "mother_name", "mother_phone", "mother_occupation", "mẹ"),
    ("guardian", "guardian_name", "guardian_phone", "guardian_occupation", "người giám hộ"),
)

SOURCES = (
    ("csdl_nganh", "CSDL ngành"),
    ("vnedu", "vnEdu"),
    ("smas", "SMAS"),
    ("khac", "Khác"),
)

# The downloadable template: header text, field, column width, text-formatted.
TEMPLATE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("STT", "sequence", 6, False),
    ("Mã học sinh", "student_code", 16, True),
    ("Họ và tên", "full_name", 28, False),
    ("Ngày sinh", "birth_date", 13, True),
    ("Giới tính", "gender", 10, False),
    ("Nơi sinh", "birth_place", 22, False),
    ("Dân tộc", "ethnicity", 10, False),
    ("Quốc tịch", "nationality", 12, False),
    ("Mã định danh cá nhân", "personal_id", 18, True),
    ("Địa chỉ", "address", 34, False),
    ("Khuyết tật", "has_disability", 11, False),
    ("Họ tên cha", "father_name", 24, False),
    ("SĐT cha", "father_phone", 13, True),
    ("Nghề nghiệp cha", "father_occupation", 16, False),
    ("Họ tên mẹ", "mother_name", 24, False),
    ("SĐT mẹ", "mother_phone", 13, True),
    ("Nghề nghiệp mẹ", "mother_occupation", 16, False),
    ("Họ tên người giám hộ", "guardian_name", 24, False),
    ("SĐT người giám hộ", "guardian_phone", 13, True),
)


# --- Cells --------------------------------------------------------------------------------------


def json_cell(value: Any) -> Any:
    """A calamine cell made JSON-ready (dates as ``{"date": iso}``)."""
    if isinstance(value, datetime):
        return {"date": value.date().isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (time, timedelta)):
        return str(value)
    if value is None:
        return ""
    return value


def cell_text(value: Any) -> str:
    """The text of a stored cell, NFC-normalised; whole floats lose their ``.0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"]).strftime("%d/%m/%Y")
    return nfc(str(value))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def column_label(index: int, headers: list[str]) -> str:
    """'E (Ngày sinh)': the Excel column letter and the header the file gave it."""
    letter = get_column_letter(index + 1)
    header = headers[index] if index < len(headers) else ""
    return f"{letter} ({header})" if header else letter


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class SheetData:
    name: str
    rows: list[dict]  # [{"row": excel row number, "cells": [json cells]}], non-empty rows only
    width: int


def read_workbook(data: bytes) -> list[SheetData]:
    """Every visible worksheet of an .xlsx/.xls/.ods file, decided by content, not by name."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:
        raise ImportFileError("Tệp không phải bảng tính Excel hợp lệ (.xlsx, .xls hoặc .ods).")
    sheets: list[SheetData] = []
    for index, meta in enumerate(book.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = book.get_sheet_by_index(index)
            end = sheet.end
            if end is not None and end[0] >= MAX_SHEET_ROWS:
                raise ImportFileError(
                    f"Trang tính “{nfc(meta.name)}” có quá nhiều dòng (tối đa {MAX_SHEET_ROWS})."
                )
            rows: list[dict] = []
            width = 0
            # skip_empty_area=False keeps row and column numbers as Excel shows them (iter_rows
            # would drop empty leading columns and shift the letters).
            for number, raw in enumerate(sheet.to_python(skip_empty_area=False), start=1):
                cells = [json_cell(v) for v in raw]
                while cells and cells[-1] in ("", None):
                    cells.pop()
                if not any(cell_text(c) for c in cells):
                    continue
                rows.append({"row": number, "cells": cells})
                width = max(width, len(cells))
                if len(rows) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
                    raise ImportFileError(
                        f"Tệp có quá nhiều dòng (tối đa {MAX_DATA_ROWS} học sinh một lần)."
                    )
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(f"Không đọc được trang tính “{nfc(meta.name)}” của tệp.")
        sheets.append(SheetData(name=nfc(meta.name), rows=rows, width=width))
    if not sheets:
        raise ImportFileError("Tệp không có trang tính nào.")
    return sheets


# --- Headers and mappings -----------------------------------------------------------------------


def header_key(text: Any) -> str:
    """'SĐT cha (*)' → 'sdt cha': folded, punctuation dropped."""
    return re.sub(r"[^a-z0-9]+", " ", fold(cell_text(text))).strip()


def recognise(header: str) -> str | None:
    """The field a header names, by alias; '(dd/mm/yyyy)'-style notes are ignored."""
    found = _ALIASES.get(header_key(header))
    if found:
        return found
    return _ALIASES.get(header_key(re.sub(r"\(.*?\)|\[.*?\]", " ", header)))


def headers_of(row: dict | None, width: int) -> list[str]:
    cells = row["cells"] if row else []
    return [cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]


def header_keys(headers: list[str]) -> list[str]:
    """Keys that name each column in a saved mapping: the folded header, '#2' on a repeat,
    '@H' for a column without a header."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            keys.append("@" + get_column_letter(index + 1))
            continue
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key} #{seen[key]}")
    return keys


def signature(headers: list[str]) -> str:
    """sha256 of the folded header list (trailing empty headers ignored)."""
    keys = [header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def suggest_mapping(headers: list[str]) -> dict[int, str]:
    """Recognised headers → fields; a field goes to its first column only."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = recognise(header)
        if name and name not in taken:
            out[index] = name
            taken.add(name)
    return out


def header_candidates(sheet: SheetData) -> list[tuple[int, list[str]]]:
    """(row number, headers) of the first non-empty rows, where a header row may be."""
    return [(r["row"], headers_of(r, sheet.width)) for r in sheet.rows[:HEADER_SEARCH_ROWS]]


def detect_header(sheet: SheetData) -> tuple[int, list[str]] | None:
    """The first row with at least three recognised headers."""
    for number, headers in header_candidates(sheet):
        if len(suggest_mapping(headers)) >= MIN_RECOGNISED_HEADERS:
            return number, headers
    return None


def mapping_from_saved(columns: dict[str, str], headers: list[str]) -> dict[int, str]:
    keys = header_keys(headers)
    return {i: columns[k] for i, k in enumerate(keys) if columns.get(k) in FIELD_BY_NAME}


def mapping_to_saved(mapping: dict[int, str], headers: list[str]) -> dict[str, str]:
    keys = header_keys(headers)
    return {keys[i]: f for i, f in sorted(mapping.items()) if i < len(keys) and f}


def mapping_problems(mapping: dict[int, str], headers: list[str]) -> list[str]:
    """Why a mapping cannot be used, in Vietnamese; [] when it is complete."""
    problems: list[str] = []
    columns_of: dict[str, list[int]] = {}
    for index, name in sorted(mapping.items()):
        if name not in FIELD_BY_NAME:
            problems.append(f"Trường không hợp lệ ở cột {column_label(index, headers)}.")
            continue
        columns_of.setdefault(name, []).append(index)
    for name, indexes in columns_of.items():
        if len(indexes) > 1:
            letters = ", ".join(column_label(i, headers) for i in indexes)
            problems.append(
                f"Trường “{FIELD_BY_NAME[name].label}” được ghép với nhiều cột: {letters}."
            )
    fields = set(columns_of)
    for name in ("student_code", "birth_date", "gender"):
        if name not in fields:
            problems.append(f"Chưa có cột nào ghép vào “{FIELD_BY_NAME[name].label}”.")
    if "full_name" not in fields and not {"family_name", "given_name"} <= fields:
        problems.append("Chưa có cột “Họ và tên” (hoặc hai cột “Họ” và “Tên”).")
    return problems


# --- Row validation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeContext:
    """What the birth-date check needs: the school year's first calendar year and the grade."""

    year_start: int
    grade: int
    year_name: str = ""
    adults_allowed: bool = False  # continuing education (GDTX): no upper age limit

    @property
    def expected_birth_year(self) -> int:
        return self.year_start - 5 - self.grade


BIRTH_YEAR_TOLERANCE = 3


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> set[int]:
        return {e["row"] for e in self.errors if e.get("row")}


class _CellError(Exception):
    pass


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(
    r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date_cell(value: Any) -> date | None:
    """A date from a date cell, 'dd/mm/yyyy', 'd/m/yyyy', 'yyyy-mm-dd' or an Excel serial number."""
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    if is_number(value):
        if not 1 <= value < 2958466:
            raise _CellError(f"“{cell_text(value)}” không phải là ngày.")
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = cell_text(value)
    if not text:
        return None
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise _CellError(f"“{text}” không đúng dạng ngày/tháng/năm (ví dụ 05/09/2015).")
    try:
        return date(year, month, day)
    except ValueError:
        raise _CellError(f"“{text}” không có trong lịch.")


_GENDERS = {
    "nam": "M",
    "m": "M",
    "male": "M",
    "trai": "M",
    "nu": "F",
    "f": "F",
    "female": "F",
    "gai": "F",
}
_NO = {"", "khong", "k", "0", "no", "false", "-"}
_YES = {"x", "co", "c", "1", "yes", "true", "v", "kt", "khuyet tat"}
_VIETNAM = {"viet nam", "vn", "vietnam"}


class _RowParser:
    def __init__(self, headers: list[str], mapping: dict[int, str], grade: GradeContext):
        self.headers = headers
        self.mapping = mapping
        self.column_of = {name: index for index, name in sorted(mapping.items(), reverse=True)}
        self.grade = grade
        self.use_split_name = {"family_name", "given_name"} <= set(mapping.values())
        self.result = ParseResult()

    def label(self, name: str) -> str:
        index = self.column_of.get(name)
        return column_label(index, self.headers) if index is not None else ""

    def error(self, row: int, name: str, message: str) -> None:
        self.result.errors.append(
            {"row": row, "column": self.label(name), "field": name, "message": message}
        )

    def warn(self, row: int, name: str, message: str) -> None:
        self.result.warnings.append(
            {"row": row, "column": self.label(name), "field": name, "message": message}
        )

    def parse(self, raw_rows: list[dict], header_row: int) -> ParseResult:
        first_row_of_code: dict[str, int] = {}
        first_row_of_pid: dict[str, int] = {}
        for raw in raw_rows:
            if raw["row"] <= header_row:
                continue
            cells = raw["cells"]
            values = {
                name: (cells[index] if index < len(cells) else "")
                for index, name in self.mapping.items()
            }
            if not any(cell_text(v) for n, v in values.items() if n != "sequence"):
                continue  # empty row, or only STT filled
            if not any(cell_text(values.get(n, "")) for n in _IDENTITY_FIELDS):
                self.warn(
                    raw["row"],
                    "",
                    "Dòng không có mã học sinh, họ tên hay ngày sinh nên được bỏ qua.",
                )
                continue
            row = self.parse_row(raw["row"], values)
            code = row["profile"]["student_code"]
            if code:
                if code in first_row_of_code:
                    self.error(
                        row["row"],
                        "student_code",
                        f"Mã học sinh “{code}” trùng với dòng {first_row_of_code[code]}.",
                    )
                else:
                    first_row_of_code[code] = row["row"]
            pid = row["profile"]["personal_id"]
            if pid:
                if pid in first_row_of_pid:
                    self.error(
                        row["row"],
                        "personal_id",
                        f"Mã định danh cá nhân “{pid}” trùng với dòng {first_row_of_pid[pid]}.",
                    )
                else:
                    first_row_of_pid[pid] = row["row"]
            self.result.rows.append(row)
        return self.result

    def text(self, number: int, values: dict, name: str) -> str:
        value = cell_text(values.get(name, ""))
        limit = FIELD_BY_NAME[name].max_length
        if limit and len(value) > limit:
            self.error(number, name, f"Quá dài: tối đa {limit} ký tự (đang có {len(value)}).")
        return value

    def parse_row(self, number: int, values: dict) -> dict:
        display: dict[str, str] = {n: cell_text(v) for n, v in values.items() if n != "sequence"}
        profile: dict[str, Any] = {}

        # Student code: text; a number cell loses its '.0'.
        code = self.text(number, values, "student_code")
        if not code:
            self.error(number, "student_code", "Mã học sinh không được để trống.")
        profile["student_code"] = code

        # Name: one 'Họ và tên' column, or separate family / middle / given columns.
        if self.use_split_name:
            family = self.text(number, values, "family_name")
            middle = self.text(number, values, "middle_name") if "middle_name" in values else ""
            given = self.text(number, values, "given_name")
            if not family:
                self.error(number, "family_name", "Họ không được để trống.")
            if not given:
                self.error(number, "given_name", "Tên không được để trống.")
        else:
            whole = self.text(number, values, "full_name")
            family, middle, given = split_full_name(whole)
            if not whole:
                self.error(number, "full_name", "Họ và tên không được để trống.")
            elif not family:
                self.error(number, "full_name", f"Họ và tên “{whole}” phải có cả họ và tên.")
            for part, limit, label in (
                (family, 60, "Họ"),
                (middle, 60, "Tên đệm"),
                (given, 40, "Tên"),
            ):
                if len(part) > limit:
                    self.error(number, "full_name", f"{label} quá dài: tối đa {limit} ký tự.")
        profile.update(family_name=family, middle_name=middle, given_name=given)
        display["full_name"] = " ".join(p for p in (family, middle, given) if p)

        # Birth date.
        birth = None
        try:
            birth = parse_date_cell(values.get("birth_date", ""))
        except _CellError as exc:
            self.error(number, "birth_date", f"Ngày sinh {exc}")
        else:
            if birth is None:
                self.error(number, "birth_date", "Ngày sinh không được để trống.")
            else:
                display["birth_date"] = birth.strftime("%d/%m/%Y")
                self.check_birth_year(number, birth)
        profile["birth_date"] = birth.isoformat() if birth else None

        # Gender.
        gender_text = cell_text(values.get("gender", ""))
        gender = _GENDERS.get(header_key(gender_text))
        if not gender_text:
            self.error(number, "gender", "Giới tính không được để trống.")
        elif gender is None:
            self.error(
                number, "gender", f"Giới tính phải là Nam hoặc Nữ (đang ghi “{gender_text}”)."
            )
        else:
            display["gender"] = "Nam" if gender == "M" else "Nữ"
        profile["gender"] = gender or ""

        # Personal ID: Excel drops the leading zeros of a number cell; put them back.
        pid_value = values.get("personal_id", "")
        pid = re.sub(r"\s+", "", cell_text(pid_value))
        if is_number(pid_value) and pid.isdigit() and len(pid) < 12:
            padded = pid.zfill(12)
            self.warn(
                number,
                "personal_id",
                f"Ô ghi dạng số nên Excel đã bỏ số 0 đầu; đã khôi phục thành {padded}.",
            )
            pid = padded
        if pid:
            for _code, message in check_personal_id(pid, birth_date=birth, gender=gender):
                self.error(number, "personal_id", message)
            display["personal_id"] = pid
        profile["personal_id"] = pid

        profile["birth_place"] = self.text(number, values, "birth_place")
        profile["ethnicity"] = self.text(number, values, "ethnicity") or "Kinh"
        nationality = self.text(number, values, "nationality")
        if not nationality or header_key(nationality) in _VIETNAM:
            nationality = "Việt Nam"
        profile["nationality"] = nationality
        profile["address"] = self.text(number, values, "address")

        disability = self.text(number, values, "has_disability")
        key = header_key(disability)
        if key in _NO:
            profile["has_disability"], profile["disability_note"] = False, ""
        elif key in _YES:
            profile["has_disability"], profile["disability_note"] = True, ""
        else:  # the kind of disability was written: keep it as the note
            profile["has_disability"], profile["disability_note"] = True, disability

        for name in ("birth_place", "ethnicity", "nationality", "address"):
            if name in values:
                display[name] = profile[name]
        if "has_disability" in values:
            note = profile["disability_note"]
            display["has_disability"] = (
                ("Có — " + note if note else "Có") if profile["has_disability"] else ""
            )

        guardians = []
        for relation, name_f, phone_f, job_f, word in GUARDIAN_FIELDS:
            name = self.text(number, values, name_f)
            phone = self.phone(number, values, phone_f, display)
            job = self.text(number, values, job_f)
            if not name:
                if phone:
                    self.error(number, phone_f, f"Có số điện thoại nhưng thiếu họ tên {word}.")
                elif job:
                    self.error(number, job_f, f"Có nghề nghiệp nhưng thiếu họ tên {word}.")
                continue
            guardians.append(
                {"full_name": name, "relation": relation, "phone": phone, "occupation": job}
            )
        return {"row": number, "display": display, "profile": profile, "guardians": guardians}

    def phone(self, number: int, values: dict, name: str, display: dict) -> str:
        value = values.get(name, "")
        text = cell_text(value)
        if not text:
            return ""
        if is_number(value) and text.isdigit() and len(text) == 9:
            text = "0" + text  # Excel dropped the leading zero of a number cell
            self.warn(number, name, f"Ô ghi dạng số nên Excel đã bỏ số 0 đầu; đã khôi phục {text}.")
        phone = normalise_phone(text)
        problem = check_phone(phone)
        if problem:
            self.error(number, name, f"{problem} (đang ghi “{cell_text(value)}”)")
        display[name] = phone
        return phone

    def check_birth_year(self, number: int, birth: date) -> None:
        grade = self.grade
        expected = grade.expected_birth_year
        too_young = birth.year > expected + BIRTH_YEAR_TOLERANCE
        too_old = birth.year < expected - BIRTH_YEAR_TOLERANCE and not grade.adults_allowed
        if too_young or too_old:
            self.error(
                number,
                "birth_date",
                f"Ngày sinh không phù hợp với khối lớp {grade.grade}: học sinh khối "
                f"{grade.grade} năm học {grade.year_name or grade.year_start} thường sinh năm "
                f"{expected} (chấp nhận {expected - BIRTH_YEAR_TOLERANCE}–"
                f"{expected + BIRTH_YEAR_TOLERANCE}).",
            )


def parse_rows(
    raw_rows: list[dict],
    *,
    header_row: int,
    headers: list[str],
    mapping: dict[int, str],
    grade: GradeContext,
) -> ParseResult:
    """Validate every data row below ``header_row``. Errors carry the Excel row number and the
    column as 'E (Ngày sinh)'. Rows with every mapped cell empty (or only STT) are skipped."""
    result = _RowParser(headers, mapping, grade).parse(raw_rows, header_row)
    if not result.rows and not result.errors:
        result.errors.append(
            {"row": None, "column": "", "field": "", "message": "Tệp không có dòng học sinh nào."}
        )
    return result


def conflicts_with_existing(
    rows: list[dict],
    *,
    headers: list[str],
    mapping: dict[int, str],
    codes: dict[str, str],
    personal_ids: dict[str, str],
) -> list[dict]:
    """Errors for rows whose student code or personal ID already belongs to a student of the
    school (``codes``/``personal_ids`` map the value to that student's name). Existing students
    are changed through their profile, never by import."""
    parser = _RowParser(headers, mapping, GradeContext(0, 0))
    for row in rows:
        code = row["profile"]["student_code"]
        if code in codes:
            parser.error(row["row"], "student_code", f"Mã học sinh đã có: {codes[code]}.")
        pid = row["profile"]["personal_id"]
        if pid and pid in personal_ids:
            parser.error(
                row["row"],
                "personal_id",
                f"Mã định danh cá nhân đã có ở học sinh {personal_ids[pid]}.",
            )
    return parser.result.errors


def sort_errors(errors: list[dict]) -> list[dict]:
    return sorted(errors, key=lambda e: (e.get("row") or 0, e.get("column") or ""))


# --- The template -------------------------------------------------------------------------------

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP DANH SÁCH HỌC SINH",
    "",
    "1. Nhập mỗi học sinh trên một dòng của trang “Danh sách lớp”, bắt đầu từ dòng 3. "
    "Không đổi tên, không xóa và không đổi thứ tự các cột tiêu đề ở dòng 2.",
    "2. Bắt buộc: Mã học sinh, Họ và tên, Ngày sinh, Giới tính. Các cột khác có thể để trống.",
    "3. Ngày sinh ghi dạng ngày/tháng/năm, ví dụ 05/09/2015.",
    "4. Giới tính chọn Nam hoặc Nữ.",
    "5. Mã định danh cá nhân gồm 12 chữ số; số điện thoại gồm 10 chữ số, bắt đầu bằng 0. "
    "Các cột này đã để dạng chữ để giữ số 0 ở đầu.",
    "6. Khuyết tật: ghi x nếu học sinh khuyết tật (hoặc ghi dạng khuyết tật), để trống nếu không.",
    "7. Dân tộc để trống sẽ ghi là Kinh; Quốc tịch để trống sẽ ghi là Việt Nam.",
    "8. Mẫu này chỉ để thêm học sinh MỚI. Dòng có Mã học sinh đã có trong trường bị báo lỗi; "
    "muốn sửa thông tin học sinh đã có, hãy sửa trong hồ sơ học sinh.",
    "9. Nhập theo nguyên tắc TẤT CẢ HOẶC KHÔNG: nếu còn một dòng lỗi thì chưa dòng nào được ghi. "
    "Hệ thống báo lỗi theo dòng và cột; sửa tệp rồi tải lên lại.",
    "10. Tệp xuất từ CSDL ngành, vnEdu, SMAS cũng tải lên được: hệ thống sẽ hỏi ghép cột "
    "và lưu cách ghép để dùng lại lần sau.",
)


def build_template(*, class_name: str, year_name: str, school_name: str, grade: int) -> bytes:
    """The downloadable .xlsx for adding new students to one class."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _SHEET_NAME_BAD.sub("-", f"Danh sách lớp {nfc(class_name)}")[:31]
    last = get_column_letter(len(TEMPLATE_COLUMNS))
    sheet["A1"] = nfc(
        f"DANH SÁCH HỌC SINH LỚP {class_name} (KHỐI {grade}) — NĂM HỌC {year_name} — {school_name}"
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(f"A1:{last}1")
    required = {"student_code", "full_name", "birth_date", "gender"}
    header_fill = PatternFill("solid", fgColor="DDE6F3")
    required_fill = PatternFill("solid", fgColor="F9D9A6")
    first_data, last_data = 3, 2 + TEMPLATE_BLANK_ROWS
    for index, (title, name, width, as_text) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=2, column=index, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = required_fill if name in required else header_fill
        sheet.column_dimensions[letter].width = width
        if as_text:
            for row in range(first_data, last_data + 1):
                sheet.cell(row=row, column=index).number_format = "@"
    for row in range(first_data, last_data + 1):
        sheet.cell(row=row, column=1, value=row - first_data + 1)
    sheet.freeze_panes = "C3"
    column = {name: get_column_letter(i) for i, (_, name, _, _) in enumerate(TEMPLATE_COLUMNS, 1)}

    def cells(name: str) -> str:
        return f"{column[name]}{first_data}:{column[name]}{last_data}"

    gender = DataValidation(
        type="list",
        formula1='"Nam,Nữ"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giới tính",
        error="Chọn Nam hoặc Nữ.",
    )
    gender.add(cells("gender"))
    birth = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Ngày sinh",
        prompt="Ghi dạng ngày/tháng/năm, ví dụ 05/09/2015.",
    )
    birth.add(cells("birth_date"))
    pid = DataValidation(
        type="textLength",
        operator="equal",
        formula1="12",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        promptTitle="Mã định danh cá nhân",
        prompt="12 chữ số, giữ cả số 0 ở đầu.",
        errorTitle="Mã định danh cá nhân",
        error="Mã định danh cá nhân phải gồm đúng 12 chữ số.",
    )
    pid.add(cells("personal_id"))
    disability = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Khuyết tật",
        prompt="Ghi x (hoặc dạng khuyết tật) nếu có; để trống nếu không.",
    )
    disability.add(cells("has_disability"))
    for validation in (gender, birth, pid, disability):
        sheet.add_data_validation(validation)

    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 120
    for number, line in enumerate(INSTRUCTIONS, start=1):
        cell = guide.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=13)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
