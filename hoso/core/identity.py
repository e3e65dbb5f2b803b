"""Checks of Vietnamese identity data shared by every register (students, staff): the 12-digit
personal ID (mã định danh cá nhân, the number of the CCCD card) and mobile phone numbers.
Pure functions; the codes are plain strings each domain turns into its own error enum."""

from __future__ import annotations

import re
from datetime import date

BAD_PERSONAL_ID = "BAD_PERSONAL_ID"
PERSONAL_ID_MISMATCH = "PERSONAL_ID_MISMATCH"

_TWELVE_DIGITS = re.compile(r"^\d{12}$")

# Fourth digit of the personal ID (Circular 59/2021/TT-BCA): century of birth and gender.
# 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s.
_CENTURY_GENDER = {
    "0": (1900, "M"),
    "1": (1900, "F"),
    "2": (2000, "M"),
    "3": (2000, "F"),
    "4": (2100, "M"),
    "5": (2100, "F"),
}


def personal_id_problems(
    value: str, *, birth_date: date | None = None, gender: str | None = None
) -> list[tuple[str, str]]:
    """Problems with a 12-digit personal ID: format, province code, and agreement with the birth
    year and gender it encodes, as (code, Vietnamese message). Empty is allowed (filled in
    later)."""
    if not value:
        return []
    if not _TWELVE_DIGITS.match(value):
        return [(BAD_PERSONAL_ID, "Mã định danh cá nhân phải gồm đúng 12 chữ số.")]
    problems: list[tuple[str, str]] = []
    province = int(value[:3])
    if not 1 <= province <= 96:
        problems.append(
            (
                BAD_PERSONAL_ID,
                f"Mã định danh cá nhân: mã tỉnh {value[:3]} không hợp lệ (001–096).",
            )
        )
    century_gender = _CENTURY_GENDER.get(value[3])
    if century_gender is None:
        problems.append(
            (
                BAD_PERSONAL_ID,
                "Mã định danh cá nhân: chữ số thứ 4 (thế kỷ, giới tính) không hợp lệ.",
            )
        )
        return problems
    century, id_gender = century_gender
    if birth_date is not None and century + int(value[4:6]) != birth_date.year:
        problems.append(
            (
                PERSONAL_ID_MISMATCH,
                f"Mã định danh cá nhân ghi năm sinh {century + int(value[4:6])}, "
                f"không khớp ngày sinh {birth_date:%d/%m/%Y}.",
            )
        )
    if gender and gender != id_gender:
        problems.append((PERSONAL_ID_MISMATCH, "Mã định danh cá nhân không khớp giới tính."))
    return problems


_PHONE = re.compile(r"^0\d{9}$")


def normalise_phone(value: str) -> str:
    """'+84 912 345 678', '84912345678', '0912.345.678' → '0912345678'."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def check_phone(value: str) -> str | None:
    if value and not _PHONE.match(value):
        return "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0."
    return None
