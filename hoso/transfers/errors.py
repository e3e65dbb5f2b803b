"""Error codes of transfers, with Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError


class TransferError(StrEnum):
    NOT_ALLOWED = "transfer_not_allowed"
    WRONG_STATE = "transfer_wrong_state"
    NOT_STUDYING = "transfer_not_studying"
    BAD_DATE = "transfer_bad_date"
    MISSING = "transfer_missing_field"
    REASON_REQUIRED = "transfer_reason_required"
    BAD_CLASS = "transfer_bad_class"
    DOCUMENTS_MISSING = "transfer_documents_missing"
    ALREADY_ENROLLED = "transfer_already_enrolled"
    CODE_CONFLICT = "transfer_code_conflict"
    TRANSCRIPT_NOT_ISSUED = "transfer_transcript_not_issued"
    UPLOAD_MISSING = "transfer_upload_missing"
    UPLOAD_TOO_LARGE = "transfer_upload_too_large"
    UPLOAD_NOT_PDF = "transfer_upload_not_pdf"
    NOT_VERIFIED = "transfer_transcript_not_verified"
    NO_DATA = "transfer_transcript_no_data"
    OTHER_STUDENT = "transfer_transcript_other_student"
    REVOKED = "transfer_transcript_revoked"


MESSAGES: dict[TransferError, str] = {
    TransferError.NOT_ALLOWED: "Bạn không có quyền thực hiện thao tác này với hồ sơ chuyển trường.",
    TransferError.WRONG_STATE: "Hồ sơ chuyển trường không ở bước cho phép thao tác này ({state}).",
    TransferError.NOT_STUDYING: "Học sinh không còn đang học ở trường trong năm học này.",
    TransferError.BAD_DATE: "{what} không hợp lệ: {detail}.",
    TransferError.MISSING: "Thiếu {what}.",
    TransferError.REASON_REQUIRED: "Từ chối tiếp nhận phải nêu lý do.",
    TransferError.BAD_CLASS: "Lớp {name} không phải lớp khối {grade} của năm học hiện tại.",
    TransferError.DOCUMENTS_MISSING: "Hồ sơ còn thiếu: {items}.",
    TransferError.ALREADY_ENROLLED: "Học sinh {name} đang học ở lớp {class_name} của trường.",
    TransferError.CODE_CONFLICT: (
        "Mã học sinh {code} và mã định danh {pid} thuộc hai học sinh khác nhau của trường: "
        "hãy kiểm tra lại hồ sơ."
    ),
    TransferError.TRANSCRIPT_NOT_ISSUED: (
        "Học bạ năm học {year} của học sinh chưa được ký số và cấp (đang: {state}). "
        "Hoàn tất các bước ký ở trang Học bạ số rồi bàn giao."
    ),
    TransferError.UPLOAD_MISSING: "Hãy chọn tệp PDF học bạ số.",
    TransferError.UPLOAD_TOO_LARGE: "Tệp quá lớn (tối đa {limit} MB).",
    TransferError.UPLOAD_NOT_PDF: "Tệp không phải PDF.",
    TransferError.NOT_VERIFIED: "Học bạ không xác thực được: {detail}. Không nhập dữ liệu nào.",
    TransferError.NO_DATA: (
        "Tệp PDF không chứa dữ liệu học bạ số (hoc-ba.json) hợp lệ: {detail}. "
        "Không nhập dữ liệu nào."
    ),
    TransferError.OTHER_STUDENT: (
        "Học bạ là của học sinh khác (mã {found}, hồ sơ chuyển: {expected}). "
        "Không nhập dữ liệu nào."
    ),
    TransferError.REVOKED: "Học bạ này đã bị thu hồi ({when}). Không nhập dữ liệu nào.",
}


def fail(code: TransferError, **params) -> DomainError:
    return DomainError(code, MESSAGES[code].format(**params))
