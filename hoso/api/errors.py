"""Error codes of the JSON API itself. Domain errors keep their own codes (StudentError, ...)."""

from enum import StrEnum


class ApiError(StrEnum):
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    CSRF_FAILED = "CSRF_FAILED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    BAD_SCOPE = "BAD_SCOPE"  # X-HoSo-School / X-HoSo-Year not a number


MESSAGES = {
    ApiError.NOT_AUTHENTICATED: (
        "Bạn cần đăng nhập hoặc dùng mã truy cập (token) hợp lệ, còn hạn và chưa bị thu hồi."
    ),
    ApiError.PASSWORD_CHANGE_REQUIRED: "Bạn phải đổi mật khẩu trước khi dùng hệ thống.",
    ApiError.CSRF_FAILED: "Yêu cầu thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang.",
    ApiError.FORBIDDEN: "Bạn không có quyền thực hiện thao tác này.",
    ApiError.NOT_FOUND: "Không tìm thấy.",
    ApiError.INVALID_INPUT: "Dữ liệu gửi lên không hợp lệ.",
    ApiError.BAD_SCOPE: "Mã trường hoặc mã năm học không hợp lệ.",
}


class PasswordChangeRequired(Exception):
    """The account must change its password before using the API (→ 403)."""
