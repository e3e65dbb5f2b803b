"""Error codes of the transcripts package (asserted by tests) with their Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError


class TranscriptError(StrEnum):
    WRONG_STATE = "transcript_wrong_state"
    YEAR_CLOSED = "transcript_year_closed"
    NOT_ALLOWED = "transcript_not_allowed"
    NO_STUDENTS = "transcript_no_students"
    NOTHING_TO_DO = "transcript_nothing_to_do"
    NO_CREDENTIAL = "transcript_no_credential"
    SIGNING_FAILED = "transcript_signing_failed"
    WRONG_SECRET = "transcript_wrong_secret"
    SECRET_REQUIRED = "transcript_secret_required"
    REASON_REQUIRED = "transcript_reason_required"
    COMMENT_REQUIRED = "transcript_comment_required"
    DATA_CHANGED = "transcript_data_changed"
    NOT_REVOKED = "transcript_not_revoked"
    ALREADY_REPLACED = "transcript_already_replaced"
    NOT_ISSUED = "transcript_not_issued"
    RESULTS_NOT_APPROVED = "transcript_results_not_approved"
    UPLOAD_MISSING = "transcript_upload_missing"
    UPLOAD_TOO_LARGE = "transcript_upload_too_large"
    UPLOAD_NOT_PDF = "transcript_upload_not_pdf"
    CODE_INVALID = "transcript_code_invalid"
    RATE_LIMITED = "transcript_rate_limited"
    PUBLIC_URL_INVALID = "transcript_public_url_invalid"


MESSAGES = {
    TranscriptError.WRONG_STATE: "Học bạ không ở trạng thái cho phép thao tác này.",
    TranscriptError.YEAR_CLOSED: "Năm học đã khóa: không thể thay đổi học bạ.",
    TranscriptError.NOT_ALLOWED: "Bạn không có quyền thực hiện thao tác này với học bạ.",
    TranscriptError.NO_STUDENTS: "Lớp không có học sinh đang học để lập học bạ.",
    TranscriptError.NOTHING_TO_DO: "Không có học bạ nào ở trạng thái phù hợp để thực hiện.",
    TranscriptError.NO_CREDENTIAL: "Chưa có chứng thư số để ký. Hãy tải chứng thư số lên trước.",
    TranscriptError.SIGNING_FAILED: "Không ký được học bạ. Vui lòng thử lại hoặc báo quản trị.",
    TranscriptError.WRONG_SECRET: "Mật khẩu hoặc mã PIN của chứng thư số không đúng.",
    TranscriptError.SECRET_REQUIRED: "Hãy nhập mật khẩu hoặc mã PIN của chứng thư số.",
    TranscriptError.REASON_REQUIRED: "Hãy ghi lý do thu hồi.",
    TranscriptError.COMMENT_REQUIRED: "Hãy ghi ý kiến khi trả lại học bạ cho giáo viên chủ nhiệm.",
    TranscriptError.DATA_CHANGED: (
        "Dữ liệu học bạ đã thay đổi so với bản đã ký: bản này đã được thay thế bằng bản mới."
    ),
    TranscriptError.NOT_REVOKED: "Chỉ cấp lại được học bạ đã thu hồi.",
    TranscriptError.ALREADY_REPLACED: "Học bạ này đã có bản cấp lại.",
    TranscriptError.NOT_ISSUED: "Học bạ chưa được cấp.",
    TranscriptError.RESULTS_NOT_APPROVED: (
        "Kết quả {periods} của lớp chưa được Hiệu trưởng phê duyệt: học bạ còn là bản nháp, "
        "chưa ký được. Hiệu trưởng cần phê duyệt các kết quả đó trước.{leavers}"
    ),
    TranscriptError.UPLOAD_MISSING: "Hãy chọn tệp PDF cần kiểm tra.",
    TranscriptError.UPLOAD_TOO_LARGE: "Tệp quá lớn (tối đa {limit} MB).",
    TranscriptError.UPLOAD_NOT_PDF: "Tệp tải lên không phải là tệp PDF.",
    TranscriptError.CODE_INVALID: (
        "Mã tra cứu không hợp lệ: mã gồm 8 ký tự chữ và số, dạng XXXX-XXXX."
    ),
    TranscriptError.RATE_LIMITED: (
        "Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng chờ một lát rồi thử lại."
    ),
    TranscriptError.PUBLIC_URL_INVALID: (
        "Chưa lập hay ký được học bạ: mã QR trên học bạ phải trỏ tới địa chỉ công khai của "
        "hệ thống. {problem} Hãy báo quản trị đặt HOSO_PUBLIC_URL rồi thử lại."
    ),
}


def fail(code: TranscriptError, **kwargs) -> DomainError:
    """``raise fail(TranscriptError.X)``: a DomainError with the code's Vietnamese message."""
    return DomainError(code, MESSAGES[code].format(**kwargs))
