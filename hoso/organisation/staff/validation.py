"""Reading and checking staff-register values, field by field, with every problem at once.

Values may come typed (a form: ``date``, ``Decimal``, ``bool``) or as text (an importer's cell:
"04/05/1985", "4,68", "Nữ", "x"); both give the same stored value. Nothing is cut: a text
longer than its column is refused with a message naming the length."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hoso.core import clock
from hoso.core.identity import check_phone, normalise_phone, personal_id_problems
from hoso.core.text import fold, invisible_character_problem, nfc
from hoso.organisation.models import Department, Staff
from hoso.organisation.staff.errors import FieldProblem, StaffError
from hoso.organisation.staff.fields import BY_NAME, FIELDS, RegisterField, stored_value

_CODE = re.compile(r"^[0-9A-Za-z._/-]+$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_NAME = re.compile(r"^(\d{4})-(\d{4})$")
_TRUE = {"1", "x", "co", "true", "yes", "dang vien", "la dang vien"}
_FALSE = {"", "0", "khong", "false", "no"}
MIN_AGE = 18  # a member of staff is an adult when starting in the sector
MAX_AHEAD_DAYS = 366  # a start date further ahead is a typing slip (2062 for 2026)


class _Bad(Exception):
    def __init__(self, code: StaffError, message: str):
        self.code, self.message = code, message


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(str(value))
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad(
            StaffError.BAD_DATE, "Ngày không hợp lệ (ghi dạng ngày/tháng/năm, ví dụ 05/09/2026)."
        )


def parse_date_field(name: str, value: Any) -> date | None:
    """A date given as a date or as text, or a one-problem list naming ``name``."""
    try:
        return _parse_date(value)
    except _Bad as bad:
        from hoso.organisation.staff.errors import StaffInvalid

        raise StaffInvalid([FieldProblem(name, bad.code, bad.message)])


def _parse_choice(field: RegisterField, value: Any) -> str:
    text = nfc(str(value)) if value is not None else ""
    if not text:
        return ""
    for code, label in field.choices:
        if text == code or fold(text) == fold(label):
            return code
    allowed = ", ".join(label for _code, label in field.choices)
    raise _Bad(StaffError.BAD_VALUE, f"{field.label} phải là một trong: {allowed}.")


def _parse_bool(field: RegisterField, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(str(value)) if value is not None else ""
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _Bad(StaffError.BAD_VALUE, f"{field.label}: ghi “Có” hoặc để trống.")


def _parse_int(field: RegisterField, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _Bad(StaffError.BAD_VALUE, f"{field.label} phải là số nguyên.")
    if not 1 <= number <= 20:
        raise _Bad(StaffError.BAD_VALUE, f"{field.label} phải từ 1 đến 20.")
    return number


def _parse_decimal(field: RegisterField, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _Bad(StaffError.BAD_VALUE, f"{field.label} phải là số, ví dụ 4,68.")
    if not number.is_finite() or number <= 0 or number >= 100 or number != round(number, 2):
        raise _Bad(
            StaffError.BAD_VALUE, f"{field.label} phải là số dương, tối đa hai chữ số thập phân."
        )
    return number


def _parse_text(field: RegisterField, value: Any) -> str:
    text = nfc(value) if field.kind != "long_text" else _nfc_lines(value)
    problem = invisible_character_problem(text, label=field.label)
    if problem:
        raise _Bad(StaffError.INVISIBLE_CHARACTER, problem)
    limit = field.max_length
    if limit and len(text) > limit:
        raise _Bad(
            StaffError.TOO_LONG,
            f"{field.label} dài {len(text)} ký tự, tối đa {limit}: hãy rút gọn.",
        )
    return text


def _nfc_lines(value: Any) -> str:
    """Long texts keep their line breaks (one award a line); each line is normalised."""
    if value is None:
        return ""
    lines = [nfc(line) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def _parse(field: RegisterField, value: Any, *, school) -> Any:
    kind = field.kind
    if kind == "date":
        return _parse_date(value)
    if kind == "choice":
        return _parse_choice(field, value)
    if kind == "bool":
        return _parse_bool(field, value)
    if kind == "int":
        return _parse_int(field, value)
    if kind == "decimal":
        return _parse_decimal(field, value)
    if kind == "department":
        return _parse_department(value, school=school)
    if kind == "phone":
        phone = normalise_phone(nfc(value))
        problem = check_phone(phone)
        if problem:
            raise _Bad(StaffError.BAD_PHONE, problem)
        return phone
    if kind == "email":
        text = _parse_text(field, value).lower()
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise _Bad(StaffError.BAD_EMAIL, "Địa chỉ thư điện tử không hợp lệ.")
        return text
    if kind == "id_number":
        return re.sub(r"\s", "", nfc(value))
    return _parse_text(field, value)


def _parse_department(value: Any, *, school) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, Department):
        value = value.pk
    departments = Department.objects.filter(school=school)
    if isinstance(value, int) or str(value).isdigit():
        found = departments.filter(pk=int(value)).values_list("pk", flat=True).first()
    else:
        wanted = fold(str(value))
        found = next((d.pk for d in departments if fold(d.name) == wanted), None)
    if found is None:
        raise _Bad(StaffError.BAD_VALUE, f"Không có tổ “{nfc(str(value))}” trong trường.")
    return found


def clean_fields(
    raw: Mapping[str, Any], *, school, current: Staff | None = None
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Parse and check ``raw`` (field name → value). ``current``: the record being changed (the
    fields not in ``raw`` keep its values for the checks across fields); None for a new one.

    Returns the stored values of the fields given and every problem found."""
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for name, value in raw.items():
        field = BY_NAME.get(name)
        if field is None:
            problems.append(
                FieldProblem(name, StaffError.UNKNOWN_FIELD, f"Sổ cán bộ không có cột “{name}”.")
            )
            continue
        try:
            clean[name] = _parse(field, value, school=school)
        except _Bad as bad:
            problems.append(FieldProblem(name, bad.code, bad.message))
    bad_fields = {p.field for p in problems}
    merged = _merged(clean, current)
    for field in FIELDS:
        if field.name in bad_fields or not field.required:
            continue
        if (current is None or field.name in clean) and merged.get(field.name) in (None, ""):
            if field.name == "employment" and current is None and field.name not in raw:
                continue  # the model's default (viên chức) applies
            problems.append(
                FieldProblem(field.name, StaffError.REQUIRED, f"{field.label} không được để trống.")
            )
    problems += _across(merged, clean, school=school, current=current, skip=bad_fields)
    return clean, problems


def _merged(clean: dict[str, Any], current: Staff | None) -> dict[str, Any]:
    base = {f.name: stored_value(current, f.name) for f in FIELDS} if current else {}
    return base | clean


def _across(
    merged: dict[str, Any], clean: dict[str, Any], *, school, current, skip: set[str]
) -> list[FieldProblem]:
    """Checks across fields and against the database, only where a value given takes part."""
    out: list[FieldProblem] = []
    today = clock.today()

    def add(name: str, code: StaffError, message: str) -> None:
        if name not in skip:
            out.append(FieldProblem(name, code, message))

    code = merged.get("code") or ""
    if "code" in clean and code:
        if not _CODE.match(code):
            add("code", StaffError.BAD_CODE, "Mã cán bộ chỉ gồm chữ không dấu, số và . _ / -.")
        else:
            others = Staff.objects.filter(school=school, code=code)
            if current is not None:
                others = others.exclude(pk=current.pk)
            if others.exists():
                add("code", StaffError.DUPLICATE_CODE, f"Mã cán bộ {code} đã có trong trường.")
    birth = merged.get("birth_date")
    id_number = merged.get("id_number") or ""
    if id_number and ({"id_number", "birth_date", "gender"} & clean.keys()):
        for problem_code, message in personal_id_problems(
            id_number, birth_date=birth, gender=merged.get("gender") or None
        ):
            add("id_number", StaffError(f"staff_{problem_code.lower()}"), message)
        others = Staff.objects.filter(school=school, id_number=id_number)
        if current is not None:
            others = others.exclude(pk=current.pk)
        if "id_number" in clean and others.exists():
            add(
                "id_number",
                StaffError.DUPLICATE_PERSONAL_ID,
                "Số định danh cá nhân này đã có ở một cán bộ khác của trường.",
            )
    if birth and "birth_date" in clean:
        if birth > _years_before(today, MIN_AGE):
            add("birth_date", StaffError.BAD_DATE, f"Cán bộ phải đủ {MIN_AGE} tuổi.")
        elif birth.year < today.year - 100:
            add("birth_date", StaffError.BAD_DATE, "Năm sinh không hợp lệ.")
    order = [
        ("birth_date", "start_date", "Ngày vào ngành phải sau ngày sinh ít nhất {age} năm."),
        ("start_date", "school_start_date", "Ngày về trường không được trước ngày vào ngành."),
        ("birth_date", "party_joined_on", "Ngày vào Đảng phải sau ngày sinh ít nhất {age} năm."),
    ]
    for earlier, later, message in order:
        first, second = merged.get(earlier), merged.get(later)
        if not (first and second) or not ({earlier, later} & clean.keys()):
            continue
        gap = MIN_AGE if earlier == "birth_date" else 0
        if second < _years_after(first, gap):
            add(later, StaffError.BAD_DATE, message.format(age=gap))
    horizon = date.fromordinal(today.toordinal() + MAX_AHEAD_DAYS)
    for name in ("start_date", "school_start_date"):
        if name in clean and clean[name] and clean[name] > horizon:
            add(
                name,
                StaffError.BAD_DATE,
                f"{BY_NAME[name].label} xa quá một năm tới: kiểm tra lại năm.",
            )
    if "party_joined_on" in clean and clean["party_joined_on"] and clean["party_joined_on"] > today:
        add("party_joined_on", StaffError.BAD_DATE, "Ngày vào Đảng không được sau hôm nay.")
    if (
        merged.get("party_joined_on")
        and not merged.get("party_member")
        and {"party_joined_on", "party_member"} & clean.keys()
    ):
        add("party_joined_on", StaffError.BAD_VALUE, "Chỉ ghi ngày vào Đảng khi là đảng viên.")
    rating_year = merged.get("standard_rating_year") or ""
    if "standard_rating_year" in clean and rating_year:
        match = _YEAR_NAME.match(rating_year)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            add(
                "standard_rating_year",
                StaffError.BAD_VALUE,
                "Năm đánh giá chuẩn ghi theo năm học, ví dụ 2025-2026.",
            )
    if (
        {"standard_rating", "standard_rating_year"} & clean.keys()
        and rating_year
        and not merged.get("standard_rating")
    ):
        add("standard_rating", StaffError.REQUIRED, "Ghi kết quả đánh giá chuẩn của năm đã ghi.")
    return out


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
