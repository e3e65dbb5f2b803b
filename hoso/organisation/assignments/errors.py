"""Error codes of the assignment actions (asserted by tests), with their Vietnamese messages.

Each error names the field it is about (``DomainError.field``: ``teacher``, ``starts_on``,
``ends_on``, ``reason``, ``subject``...), so an importer can report it per cell of its table."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError, PermissionDeniedError


class AssignmentError(StrEnum):
    NOT_ALLOWED = "assignment_not_allowed"
    YEAR_CLOSED = "assignment_year_closed"
    BAD_DATE = "assignment_bad_date"
    BAD_TEACHER = "assignment_bad_teacher"
    NOT_OFFERED = "assignment_not_offered"
    BAD_TERM = "assignment_bad_term"
    REASON_REQUIRED = "assignment_reason_required"
    TOO_LONG = "assignment_too_long"
    HISTORY = "assignment_history"  # would rewrite a period that has already been in force
    HAS_ENTRIES = "assignment_has_entries"  # the teacher removed already entered or signed
    CONFLICT = "assignment_conflict"  # changed by someone else since the page was read
    NOTHING_TO_DO = "assignment_nothing_to_do"
    BAD_DEPARTMENT = "assignment_bad_department"
    SELF = "assignment_self"  # nobody gives itself a class (roles follow from assignments)


MESSAGES = {
    AssignmentError.NOT_ALLOWED: (
        "Chỉ Hiệu trưởng, Phó hiệu trưởng và quản trị viên được phân công chuyên môn."
    ),
    AssignmentError.YEAR_CLOSED: "Năm học đã khóa: không thay đổi phân công được.",
    AssignmentError.BAD_DATE: "{detail}",
    AssignmentError.BAD_TEACHER: "{detail}",
    AssignmentError.NOT_OFFERED: "Môn {subject} không được dạy ở khối {grade}.",
    AssignmentError.BAD_TERM: "Học kỳ không thuộc năm học của lớp.",
    AssignmentError.REASON_REQUIRED: (
        "Hãy ghi lý do thay đổi: phân công này đã có hiệu lực, lịch sử phải ghi rõ vì sao đổi."
    ),
    AssignmentError.TOO_LONG: "Lý do dài quá {limit} ký tự ({length} ký tự): hãy viết ngắn lại.",
    AssignmentError.HISTORY: (
        "{teacher} đã được phân công từ ngày {since}: ngày hiệu lực của thay đổi phải sau ngày đó "
        "(giai đoạn đã qua được giữ nguyên trong lịch sử)."
    ),
    AssignmentError.HAS_ENTRIES: (
        "{teacher} đã có {what} trong phân công này: không xóa hay đổi người từ đầu được, hãy "
        "thay giáo viên từ một ngày để giữ lịch sử."
    ),
    AssignmentError.CONFLICT: (
        "Phân công {what} vừa được người khác thay đổi (nay: {now}). Hãy xem lại rồi chọn lại."
    ),
    AssignmentError.NOTHING_TO_DO: "{detail}",
    AssignmentError.BAD_DEPARTMENT: "Tổ chuyên môn không thuộc trường.",
    AssignmentError.SELF: (
        "Không tự phân công cho chính mình: việc dạy, chủ nhiệm lớp cho quyền nhập điểm và sửa hồ "
        "sơ học sinh, nên phải do một thành viên khác của ban giám hiệu (hoặc quản trị viên) phân "
        "công."
    ),
}


def fail(code: AssignmentError, *, field: str | None = None, **kwargs) -> DomainError:
    """``raise fail(AssignmentError.X, field=..., ...)`` with the code's Vietnamese message."""
    message = MESSAGES[code].format(**kwargs)
    if code == AssignmentError.NOT_ALLOWED:
        return PermissionDeniedError(code, message, field=field)
    return DomainError(code, message, field=field)
