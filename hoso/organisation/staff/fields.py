"""The staff register's fields (sổ quản lý cán bộ, giáo viên, nhân viên; WAVE2 §9.1): one
catalogue for the form, the validation, the change log, the print and an importer's columns.

Lengths and choices come from the model, so they cannot drift. ``personal`` fields (the personal
ID, the salary, discipline) are seen and written only by the roles that need them
(``policies.can_see_personal``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hoso.organisation.models import Staff

SECTIONS: tuple[tuple[str, str], ...] = (
    ("identity", "Thông tin cá nhân"),
    ("work", "Công tác"),
    ("training", "Trình độ"),
    ("assessment", "Đánh giá, khen thưởng, kỷ luật"),
)


@dataclass(frozen=True)
class RegisterField:
    name: str
    label: str
    section: str
    # text, long_text, date, choice, int, decimal, bool, department, email, phone, id_number
    kind: str = "text"
    required: bool = False
    personal: bool = False
    help: str = ""

    @property
    def model_field(self):
        return Staff._meta.get_field(self.name)

    @property
    def max_length(self) -> int | None:
        return getattr(self.model_field, "max_length", None)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.model_field.choices or [])


_F = RegisterField
FIELDS: tuple[RegisterField, ...] = (
    _F("code", "Mã cán bộ", "identity", required=True, help="Mã trên CSDL ngành, duy nhất."),
    _F("family_name", "Họ", "identity", required=True),
    _F("middle_name", "Tên đệm", "identity"),
    _F("given_name", "Tên", "identity", required=True),
    _F("gender", "Giới tính", "identity", "choice", required=True),
    _F("birth_date", "Ngày sinh", "identity", "date"),
    _F("ethnicity", "Dân tộc", "identity"),
    _F("religion", "Tôn giáo", "identity"),
    _F(
        "id_number",
        "Số định danh cá nhân",
        "identity",
        "id_number",
        personal=True,
        help="12 chữ số (số CCCD).",
    ),
    _F("hometown", "Quê quán", "identity"),
    _F("address", "Chỗ ở hiện nay", "identity"),
    _F("phone", "Điện thoại", "identity", "phone", help="10 chữ số, bắt đầu bằng 0."),
    _F("email", "Thư điện tử", "identity", "email"),
    _F("position", "Chức vụ", "work", "choice", required=True),
    _F("department", "Tổ", "work", "department"),
    _F("employment", "Loại hình", "work", "choice", required=True),
    _F("job_position", "Vị trí việc làm", "work"),
    _F("main_subject", "Môn giảng dạy chính", "work"),
    _F("start_date", "Ngày vào ngành", "work", "date"),
    _F("school_start_date", "Ngày về trường", "work", "date"),
    _F("professional_rank", "Hạng chức danh nghề nghiệp", "work"),
    _F("rank_code", "Mã số chức danh", "work", help="Ví dụ V.07.04.31."),
    _F("salary_step", "Bậc lương", "work", "int", personal=True),
    _F("salary_coefficient", "Hệ số lương", "work", "decimal", personal=True, help="Ví dụ 4,68."),
    _F("qualification", "Trình độ chuyên môn", "training", help="Ví dụ Đại học sư phạm."),
    _F("major", "Chuyên ngành", "training"),
    _F("political_theory", "Lý luận chính trị", "training"),
    _F("foreign_language", "Ngoại ngữ", "training"),
    _F("it_skill", "Tin học", "training"),
    _F("party_member", "Đảng viên", "training", "bool"),
    _F("party_joined_on", "Ngày vào Đảng", "training", "date"),
    _F("standard_rating", "Đánh giá chuẩn nghề nghiệp", "assessment", "choice"),
    _F("standard_rating_year", "Năm đánh giá chuẩn", "assessment", help="Ví dụ 2025-2026."),
    _F("civil_servant_rating", "Xếp loại viên chức", "assessment"),
    _F("awards", "Khen thưởng", "assessment", "long_text"),
    _F("discipline", "Kỷ luật", "assessment", "long_text", personal=True),
    _F("note", "Ghi chú", "assessment"),
)

BY_NAME: dict[str, RegisterField] = {f.name: f for f in FIELDS}
PERSONAL: frozenset[str] = frozenset(f.name for f in FIELDS if f.personal)
# Written only by the end-of-employment and re-hire actions.
END_LABELS = {"end_date": "Ngày thôi công tác", "end_reason": "Lý do thôi công tác"}


def label_of(name: str) -> str:
    if name in BY_NAME:
        return BY_NAME[name].label
    return END_LABELS.get(
        name, {"extra_positions": "Kiêm nhiệm", "is_active": "Tình trạng"}.get(name, name)
    )


def stored_value(staff: Staff, name: str) -> Any:
    """The field's value on ``staff`` as the register keeps it (a department by its id)."""
    if name == "department":
        return staff.department_id
    return getattr(staff, name)


def json_value(value: Any) -> Any:
    """A JSON-ready form of a stored value (dates ISO, decimals as text)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def display(name: str, value: Any, *, departments: dict[int, str] | None = None) -> str:
    """What a person reads for a stored (or JSON) value: labels for choices, dd/mm/yyyy, 4,68."""
    from datetime import date

    if value in (None, ""):
        return ""
    field = BY_NAME.get(name)
    kind = field.kind if field else ("date" if name == "end_date" else "text")
    if name == "end_reason":
        return dict(Staff.EndReason.choices).get(value, str(value))
    if kind == "choice":
        return dict(field.choices).get(value, str(value))
    if kind == "bool":
        return "Có" if value else "Không"
    if kind == "department":
        return (departments or {}).get(int(value), f"#{value}")
    if kind == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return f"{day:%d/%m/%Y}"
    if kind == "decimal":
        return str(value).replace(".", ",")
    return str(value)
