"""The class list's fields and rows (danh sách lớp): what each column may be, and how one row
becomes a student profile with its guardians. Pure: no database (``importer`` asks it).

Cells come from the bounded reader (``hoso.imports.reading``): numbers are floats, empty cells
``''``, dates ``{"date": iso}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.core.text import invisible_character_problem, split_full_name
from hoso.imports.cells import CellError, cell_text, is_number, parse_date_cell
from hoso.imports.headers import FieldSpec, alias_table, header_key, recognise, suggest_by_aliases
from hoso.imports.importer import Report
from hoso.students.errors import StudentError
from hoso.students.validation import check_personal_id, check_phone, normalise_phone

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("sequence", "STT (không ghi)", ("stt", "tt", "so tt", "so thu tu")),
    FieldSpec(
        "student_code",
        "Mã học sinh",
        ("ma hoc sinh", "ma hs", "ma so hoc sinh", "ma so hs", "mahs", "ma hoc sinh moet"),
        20,
    ),
    FieldSpec(
        "full_name",
        "Họ và tên",
        ("ho va ten", "ho ten", "ho ten hoc sinh", "ho va ten hoc sinh", "ten hoc sinh"),
        200,
    ),
    FieldSpec("family_name", "Họ", ("ho", "ho hoc sinh"), 60),
    FieldSpec("middle_name", "Tên đệm", ("ten dem", "dem", "ten lot", "chu lot"), 60),
    FieldSpec("given_name", "Tên", ("ten",), 40),
    FieldSpec(
        "birth_date",
        "Ngày sinh",
        ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ns", "ngay sinh hoc sinh"),
    ),
    FieldSpec("gender", "Giới tính", ("gioi tinh", "gt", "phai", "nam nu", "gioi")),
    FieldSpec("birth_place", "Nơi sinh", ("noi sinh",), 200),
    FieldSpec("ethnicity", "Dân tộc", ("dan toc",), 40),
    FieldSpec("nationality", "Quốc tịch", ("quoc tich",), 40),
    FieldSpec(
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
    FieldSpec(
        "address",
        "Địa chỉ (nơi ở hiện nay)",
        ("dia chi", "noi o hien nay", "cho o hien nay", "noi o", "cho o", "dia chi noi o"),
        300,
    ),
    FieldSpec(
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
    FieldSpec("father_name", "Họ tên cha", ("ho ten cha", "ho va ten cha", "ten cha", "cha"), 200),
    FieldSpec(
        "father_phone",
        "SĐT cha",
        ("sdt cha", "so dien thoai cha", "dien thoai cha", "dt cha", "dtdd cha"),
    ),
    FieldSpec("father_occupation", "Nghề nghiệp cha", ("nghe nghiep cha", "nghe cha"), 120),
    FieldSpec("mother_name", "Họ tên mẹ", ("ho ten me", "ho va ten me", "ten me", "me"), 200),
    FieldSpec(
        "mother_phone",
        "SĐT mẹ",
        ("sdt me", "so dien thoai me", "dien thoai me", "dt me", "dtdd me"),
    ),
    FieldSpec("mother_occupation", "Nghề nghiệp mẹ", ("nghe nghiep me", "nghe me"), 120),
    FieldSpec(
        "guardian_name",
        "Họ tên người giám hộ",
        ("ho ten nguoi giam ho", "ho va ten nguoi giam ho", "nguoi giam ho", "ten nguoi giam ho"),
        200,
    ),
    FieldSpec(
        "guardian_phone",
        "SĐT người giám hộ",
        ("sdt nguoi giam ho", "so dien thoai nguoi giam ho", "dien thoai nguoi giam ho"),
    ),
    FieldSpec(
        "guardian_occupation",
        "Nghề nghiệp người giám hộ",
        ("nghe nghiep nguoi giam ho",),
        120,
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
ALIASES = alias_table(FIELDS)
IDENTITY_FIELDS = (
    "student_code",
    "full_name",
    "family_name",
    "given_name",
    "birth_date",
    "personal_id",
)
REQUIRED_FIELDS = ("student_code", "birth_date", "gender")
# (relation, name field, phone field, occupation field, Vietnamese word)
GUARDIAN_FIELDS = (
    ("father", "father_name", "father_phone", "father_occupation", "cha"),
    ("mother", "mother_name", "mother_phone", "mother_occupation", "mẹ"),
    ("guardian", "guardian_name", "guardian_phone", "guardian_occupation", "người giám hộ"),
)


def suggest_mapping(headers: list[str]) -> dict[int, str]:
    """Recognised headers → fields; a field goes to its first column only."""
    return suggest_by_aliases(headers, ALIASES)


def recognise_header(header: str) -> str | None:
    """The field a header names; '(dd/mm/yyyy)'-style notes are ignored."""
    return recognise(header, ALIASES)


def missing_fields(mapped: set[str]) -> list[str]:
    """What a mapping lacks to make a student, in Vietnamese."""
    problems = [
        f"Chưa có cột nào ghép vào “{FIELD_BY_NAME[name].label}”."
        for name in REQUIRED_FIELDS
        if name not in mapped
    ]
    if "full_name" not in mapped and not {"family_name", "given_name"} <= mapped:
        problems.append("Chưa có cột “Họ và tên” (hoặc hai cột “Họ” và “Tên”).")
    return problems


# --- Rows -----------------------------------------------------------------------------------------


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


class RowParser:
    """Checks rows of one file, reporting to ``report`` with the Excel row and column."""

    def __init__(self, report: Report, grade: GradeContext):
        self.report = report
        self.grade = grade
        self.use_split_name = {"family_name", "given_name"} <= set(report.column_of)
        self.error = report.error
        self.warn = report.warn

    def row(self, number: int, values: dict) -> dict | None:
        """The row parsed; None (with a warning) when it names no student at all."""
        if not any(cell_text(values.get(n, "")) for n in IDENTITY_FIELDS):
            self.warn(
                number,
                "",
                "Dòng không có mã học sinh, họ tên hay ngày sinh nên được bỏ qua.",
            )
            return None
        return self.parse_row(number, values)

    def duplicates(self, rows: list[dict]) -> None:
        """The same student code or personal ID twice in the file."""
        first_row_of_code: dict[str, int] = {}
        first_row_of_pid: dict[str, int] = {}
        for row in rows:
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

    def existing(self, rows: list[dict], codes: dict[str, str], personal_ids: dict[str, str]):
        """Rows whose student code or personal ID already belongs to a student of the school
        (``codes``/``personal_ids`` map the value to that student's name). Existing students
        are changed through their profile, never by import."""
        for row in rows:
            code = row["profile"]["student_code"]
            if code in codes:
                self.error(row["row"], "student_code", f"Mã học sinh đã có: {codes[code]}.")
            pid = row["profile"]["personal_id"]
            if pid and pid in personal_ids:
                self.error(
                    row["row"],
                    "personal_id",
                    f"Mã định danh cá nhân đã có ở học sinh {personal_ids[pid]}.",
                )

    def text(self, number: int, values: dict, name: str) -> str:
        value = cell_text(values.get(name, ""))
        limit = FIELD_BY_NAME[name].max_length
        if limit and len(value) > limit:
            self.error(number, name, f"Quá dài: tối đa {limit} ký tự (đang có {len(value)}).")
        problem = invisible_character_problem(value, label=FIELD_BY_NAME[name].label)
        if problem:
            self.error(number, name, problem, code=StudentError.INVISIBLE_CHARACTER)
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
        except CellError as exc:
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
