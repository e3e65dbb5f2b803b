"""Error codes of the staff register (asserted by tests) with their Vietnamese messages.

Field problems carry the field's name, so a form shows each beside its input and an importer
reports row + column; ``StaffInvalid`` holds every problem of one record at once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hoso.core.errors import DomainError, PermissionDeniedError


class StaffError(StrEnum):
    REQUIRED = "staff_required"
    TOO_LONG = "staff_too_long"
    BAD_VALUE = "staff_bad_value"  # not one of the choices, not a number, not a date
    INVISIBLE_CHARACTER = "staff_invisible_character"  # bidi override, zero-width (core.text)
    BAD_CODE = "staff_bad_code"
    DUPLICATE_CODE = "staff_duplicate_code"
    BAD_PERSONAL_ID = "staff_bad_personal_id"
    PERSONAL_ID_MISMATCH = "staff_personal_id_mismatch"
    DUPLICATE_PERSONAL_ID = "staff_duplicate_personal_id"
    BAD_PHONE = "staff_bad_phone"
    BAD_EMAIL = "staff_bad_email"
    BAD_DATE = "staff_bad_date"  # out of range or out of order
    UNKNOWN_FIELD = "staff_unknown_field"
    INVALID = "staff_invalid"  # one or more field problems (see StaffInvalid.problems)
    NOT_ALLOWED = "staff_not_allowed"
    PERSONAL_NOT_ALLOWED = "staff_personal_not_allowed"
    ALREADY_ENDED = "staff_already_ended"
    NOT_ENDED = "staff_not_ended"
    HOLDS_LEADER_POSITION = "staff_holds_leader_position"
    ACCOUNT_TAKEN = "staff_account_taken"
    EDITION_EXISTS = "staff_edition_exists"
    YEAR_CLOSED = "staff_year_closed"
    NO_YEAR = "staff_no_year"


MESSAGES = {
    StaffError.INVALID: "Hồ sơ cán bộ chưa hợp lệ: xem các ô được đánh dấu.",
    StaffError.NOT_ALLOWED: "Bạn không có quyền thực hiện thao tác này với sổ cán bộ.",
    StaffError.PERSONAL_NOT_ALLOWED: (
        "Bạn không được xem hay sửa số định danh, lương và kỷ luật của cán bộ "
        "(chỉ Hiệu trưởng, Phó hiệu trưởng và văn thư giữ sổ)."
    ),
    StaffError.ALREADY_ENDED: "{name} đã thôi công tác từ ngày {date}.",
    StaffError.NOT_ENDED: "{name} đang công tác tại trường.",
    StaffError.HOLDS_LEADER_POSITION: (
        "{name} đang giữ chức vụ {position}: Hiệu trưởng cần miễn nhiệm chức vụ này (trang "
        "Chức vụ) trước khi ghi thôi công tác."
    ),
    StaffError.ACCOUNT_TAKEN: "Tên đăng nhập {username} đã có người dùng.",
    StaffError.EDITION_EXISTS: "Sổ đã có bản {kind} của năm học {year} (lập ngày {date}).",
    StaffError.YEAR_CLOSED: "Năm học {year} đã khóa: không lập thêm bản sổ.",
    StaffError.NO_YEAR: "Chưa chọn năm học.",
}


def fail(code: StaffError, **kwargs) -> DomainError:
    """``raise fail(StaffError.X, ...)``: a DomainError with the code's Vietnamese message."""
    return DomainError(code, MESSAGES[code].format(**kwargs))


def denied(code: StaffError = StaffError.NOT_ALLOWED, **kwargs) -> PermissionDeniedError:
    return PermissionDeniedError(code, MESSAGES[code].format(**kwargs))


@dataclass(frozen=True)
class FieldProblem:
    """One problem of one field: what an importer reports as row + column."""

    field: str
    code: StaffError
    message: str


class StaffInvalid(DomainError):
    """Every problem of one staff record (a form shows each beside its field)."""

    def __init__(self, problems: list[FieldProblem]):
        super().__init__(StaffError.INVALID, MESSAGES[StaffError.INVALID])
        self.problems = problems

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field, []).append(p.message)
        return out

    def codes(self) -> dict[str, StaffError]:
        """field → the first problem's code (what tests assert)."""
        out: dict[str, StaffError] = {}
        for p in self.problems:
            out.setdefault(p.field, p.code)
        return out
