"""The staff list's columns and rows: what a header names, and one row read into the values
``staff.actions.staff_create`` takes (text as the register's validation reads it).

The sector database's (CSDL ngành) staff export is UNCONFIRMED (WAVE2 §9.1): the aliases below
are the column names seen in school tools and TT 42/2021's staff content; any other layout is
mapped once by hand and the mapping saved (``ImportMapping``). Pure but for the departments."""

from __future__ import annotations

from typing import Any

from hoso.core.text import fold, nfc, split_full_name
from hoso.imports.cells import cell_text, is_number, parse_date_cell
from hoso.imports.headers import FieldSpec
from hoso.organisation.models import Position, Staff
from hoso.organisation.staff.fields import BY_NAME, FIELDS, PERSONAL

# Folded headers of the sector database's export and of hand-made lists, per register field.
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma can bo", "ma cb", "ma gv", "ma giao vien", "so hieu can bo", "ma dinh danh bo"),
    "family_name": ("ho",),
    "middle_name": ("ten dem", "dem"),
    "given_name": ("ten",),
    "gender": ("gioi tinh", "gt", "nam nu"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "ns"),
    "ethnicity": ("dan toc",),
    "religion": ("ton giao",),
    "id_number": (
        "so dinh danh",
        "so dinh danh ca nhan",
        "ma dinh danh ca nhan",
        "so cccd",
        "cccd",
        "so can cuoc",
        "so can cuoc cong dan",
        "so cmnd cccd",
        "cmnd cccd",
    ),
    "hometown": ("que quan",),
    "address": ("cho o hien nay", "noi o hien nay", "dia chi", "noi o", "cho o"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt", "di dong"),
    "email": ("email", "e mail", "thu dien tu"),
    "position": ("chuc vu", "chuc vu hien tai"),
    "department": ("to", "to chuyen mon", "to bo mon", "to cm", "bo phan"),
    "employment": (
        "loai hinh",
        "hinh thuc hop dong",
        "loai hop dong",
        "che do hop dong",
        "trang thai bien che",
    ),
    "job_position": ("vi tri viec lam",),
    "main_subject": ("mon day", "mon giang day", "mon giang day chinh", "mon day chinh"),
    "start_date": ("ngay vao nganh", "ngay tuyen dung"),
    "school_start_date": ("ngay ve truong", "ngay vao truong"),
    "professional_rank": ("hang chuc danh nghe nghiep", "hang", "hang chuc danh", "ngach"),
    "rank_code": ("ma so chuc danh", "ma ngach", "ma hang", "ma chuc danh"),
    "salary_step": ("bac luong", "bac"),
    "salary_coefficient": ("he so luong", "he so"),
    "qualification": (
        "trinh do chuyen mon",
        "trinh do",
        "trinh do dao tao",
        "trinh do chuyen mon nghiep vu",
    ),
    "major": ("chuyen nganh", "chuyen nganh dao tao"),
    "political_theory": ("ly luan chinh tri", "trinh do ly luan chinh tri"),
    "foreign_language": ("ngoai ngu", "trinh do ngoai ngu"),
    "it_skill": ("tin hoc", "trinh do tin hoc"),
    "party_member": ("dang vien", "la dang vien"),
    "party_joined_on": ("ngay vao dang",),
    "standard_rating": ("danh gia chuan nghe nghiep", "ket qua danh gia chuan"),
    "standard_rating_year": ("nam danh gia chuan",),
    "civil_servant_rating": ("xep loai vien chuc", "danh gia xep loai vien chuc"),
    "awards": ("khen thuong",),
    "discipline": ("ky luat",),
    "note": ("ghi chu",),
}

# Fields an import does not give: a person's further positions (kiêm nhiệm) are given on the
# person's page, by whoever the positions rule allows.
SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("sequence", "STT", ("stt", "so tt", "tt")),
    FieldSpec("full_name", "Họ và tên", ("ho va ten", "ho ten", "ho ten can bo", "ten can bo")),
    *(
        FieldSpec(f.name, f.label, ALIASES.get(f.name, ()), f.max_length)
        for f in FIELDS
        if f.name != "note"
    ),
    FieldSpec(
        "username",
        "Tên đăng nhập",
        ("ten dang nhap", "tai khoan"),
        80,
        hint="để trống: hệ thống đề xuất",
    ),
    FieldSpec("note", "Ghi chú", ALIASES["note"], BY_NAME["note"].max_length),
)
REQUIRED_LABELS = ("Mã cán bộ", "Họ và tên (hoặc Họ và Tên)", "Giới tính")

# Values other systems write for the register's choices (folded → code).
POSITION_WORDS = {
    "gv": Position.TEACHER,
    "giao vien": Position.TEACHER,
    "giao vien bo mon": Position.TEACHER,
    "giao vien chu nhiem": Position.TEACHER,
    "ht": Position.PRINCIPAL,
    "pht": Position.VICE_PRINCIPAL,
    "p hieu truong": Position.VICE_PRINCIPAL,
    "tpt doi": Position.DOI_LEADER,
    "tong phu trach": Position.DOI_LEADER,
    "nhan vien van thu": Position.CLERK,
    "ke toan vien": Position.ACCOUNTANT,
    "y te": Position.MEDICAL,
    "nhan vien thu vien": Position.LIBRARIAN,
    "thu vien": Position.LIBRARIAN,
}
EMPLOYMENT_WORDS = {
    "bien che": Staff.Employment.PERMANENT,
    "vien chuc": Staff.Employment.PERMANENT,
    "hop dong": Staff.Employment.CONTRACT,
    "hop dong lao dong": Staff.Employment.CONTRACT,
    "hop dong 68": Staff.Employment.CONTRACT,
    "thinh giang": Staff.Employment.GUEST,
}


def missing_fields(mapped: set[str]) -> list[str]:
    out = []
    if "code" not in mapped:
        out.append("Chưa có cột nào ghép vào “Mã cán bộ”.")
    if "full_name" not in mapped and not {"family_name", "given_name"} <= mapped:
        out.append("Chưa có cột “Họ và tên” (hoặc hai cột “Họ” và “Tên”).")
    if "gender" not in mapped:
        out.append("Chưa có cột nào ghép vào “Giới tính”.")
    return out


def _text(value: Any) -> str:
    return cell_text(value)


def _digits(value: Any, length: int) -> str:
    """A number cell lost its leading zeros (a CCCD, a phone): put them back."""
    text = cell_text(value).replace(" ", "")
    if is_number(value) and text.isdigit() and len(text) < length:
        return text.zfill(length)
    return text


def _choice(value: str, words: dict[str, str]) -> str:
    """The code for another system's word, else the text as written (the register's
    validation then accepts its own labels and refuses the rest)."""
    return words.get(fold(value).replace(".", " ").replace("  ", " "), value)


def read_row(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], list[tuple]]:
    """One row's cells → (register values, username, problems as (field, message)).

    Register values are what ``staff_create`` takes; fields left empty are not given (the
    model's defaults apply: Kinh, viên chức), but for the position: empty is Giáo viên."""
    fields: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if "full_name" in values and not {"family_name", "given_name"} <= values.keys():
        whole = _text(values["full_name"])
        family, middle, given = split_full_name(whole)
        if whole and not family:
            problems.append(("full_name", f"Họ và tên “{whole}” phải có cả họ và tên."))
        fields |= {"family_name": family, "middle_name": middle, "given_name": given}
    for name, value in values.items():
        if name in ("sequence", "full_name", "username") or name not in BY_NAME:
            continue
        kind = BY_NAME[name].kind
        if kind == "date":
            try:
                fields[name] = parse_date_cell(value)
            except Exception as exc:  # CellError: the message names the value
                problems.append((name, str(exc)))
            continue
        if name == "id_number":
            text = _digits(value, 12)
        elif name == "phone":
            text = _digits(value, 10)
        elif name == "salary_coefficient" and is_number(value):
            text = f"{value:.2f}"
        else:
            text = _text(value) if kind != "long_text" else nfc_lines(value)
        if name == "position":
            text = _choice(text, POSITION_WORDS) or Position.TEACHER
        elif name == "employment":
            text = _choice(text, EMPLOYMENT_WORDS)
        if text == "" and name not in ("family_name", "given_name", "gender", "code"):
            continue
        fields[name] = text
    fields.setdefault("position", Position.TEACHER)
    username = _text(values.get("username", "")).lower()
    return fields, {"username": username}, problems


def nfc_lines(value: Any) -> str:
    if isinstance(value, str):
        return "\n".join(nfc(line) for line in value.replace("\r\n", "\n").split("\n")).strip()
    return cell_text(value)


def without_personal(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The values without the personal fields (REG §7), and the personal fields dropped."""
    dropped = sorted(n for n in fields if n in PERSONAL and fields[n] not in (None, ""))
    return {n: v for n, v in fields.items() if n not in PERSONAL}, dropped


def json_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Register values kept on the batch (dates as ISO text, read back by the validation)."""
    return {n: (v.isoformat() if hasattr(v, "isoformat") else v) for n, v in fields.items()}
