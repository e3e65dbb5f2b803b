"""Which column of a grade sheet file is which: our template's headers exactly, and the usual
headers of other systems (SMAS, vnEdu, CSDL ngành) as suggestions. Pure, no database."""

from __future__ import annotations

import re
from typing import Any

from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT, Column
from hoso.imports.headers import FieldSpec, header_key
from hoso.imports.headers import mapping_problems as generic_mapping_problems
from hoso.students.importing.rows import FIELD_BY_NAME

NOTE_HEADER = "Ghi chú"

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
    for alias in FIELD_BY_NAME[name].aliases + (header_key(IDENTITY_LABELS[name]),)
}

KIND_WORDS = {
    SCORE: "điểm 0–10",
    TEST: "điểm nguyên 0–10",
    COMMENT_RESULT: "Đ/CĐ",
    LEVEL: "T/H/C",
    TEXT: "nhận xét",
}


def field_specs(columns: list[Column]) -> list[FieldSpec]:
    """Every target of a sheet: the student's identity, then the sheet's columns."""
    out = [FieldSpec(name, label) for name, label in IDENTITY_LABELS.items()]
    out += [FieldSpec(c.key, c.label, hint=KIND_WORDS[c.kind]) for c in columns]
    return out


# --- Header recognition ---------------------------------------------------------------------------


def sheet_key(text: Any) -> str:
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
    key = sheet_key(header)
    for title, name in TEMPLATE_IDENTITY:
        if key == sheet_key(title):
            return name
    for column in columns:
        if key == sheet_key(column.label):
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
        if index in out or not sheet_key(header):
            continue
        target = _alias_target(sheet_key(header), columns, taken)
        if target and target not in taken:
            out[index] = target
            taken.add(target)
    return out


def is_our_layout(headers: list[str], columns: list[Column]) -> bool:
    """Every non-empty header is one of our template's (so no question needs asking)."""
    seen: set[str] = set()
    found_column = False
    for header in headers:
        if not sheet_key(header) or sheet_key(header) == sheet_key(NOTE_HEADER):
            continue
        target = exact_target(header, columns)
        if target is None or target in seen:
            return False
        seen.add(target)
        found_column = found_column or target not in IDENTITY_LABELS
    return found_column and (STUDENT_CODE in seen or {FULL_NAME, BIRTH_DATE} <= seen)


def mapping_problems(mapping: dict[int, str], headers: list[str], columns: list[Column]) -> list:
    """Why a mapping cannot be used, in Vietnamese; [] when it can."""
    problems = generic_mapping_problems(
        mapping,
        headers,
        field_specs(columns),
        invalid="Cột {column} được ghép vào “{target}”, không có trong sổ điểm này.",
        repeated="“{field}” được ghép với nhiều cột: {columns}.",
    )
    targets = set(mapping.values())
    if STUDENT_CODE not in targets and not {FULL_NAME, BIRTH_DATE} <= targets:
        problems.append(
            "Chưa có cột để nhận ra học sinh: ghép “Mã học sinh”, "
            "hoặc cả “Họ và tên” và “Ngày sinh”."
        )
    if not targets - set(IDENTITY_LABELS):
        problems.append("Chưa có cột kết quả nào được ghép vào sổ điểm.")
    return problems
