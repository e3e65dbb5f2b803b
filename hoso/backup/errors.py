"""Error codes of backup and restore (asserted by tests) with their Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError


class BackupError(StrEnum):
    NO_KEY = "backup_no_key"
    KEY_FILE = "backup_key_file"
    KEY_TOO_SHORT = "backup_key_too_short"
    WRONG_KEY = "backup_wrong_key"
    TAMPERED = "backup_tampered"
    NOT_A_BACKUP = "backup_not_a_backup"
    UNSUPPORTED_FORMAT = "backup_unsupported_format"
    CHECKSUM = "backup_checksum"
    MISSING_MEMBER = "backup_missing_member"
    UNLISTED_MEMBER = "backup_unlisted_member"
    OUTPUT_EXISTS = "backup_output_exists"
    TOOL_MISSING = "backup_tool_missing"
    TOOL_FAILED = "backup_tool_failed"
    VENDOR_MISMATCH = "backup_vendor_mismatch"
    NOT_EMPTY = "backup_target_not_empty"
    FILE_EXISTS = "backup_file_exists"
    NEWER_MIGRATIONS = "backup_newer_migrations"
    HEADS_MISMATCH = "backup_audit_heads_mismatch"
    AUDIT_BROKEN = "backup_audit_broken"


MESSAGES = {
    BackupError.NO_KEY: (
        "Chưa có khóa sao lưu: đặt HOSO_BACKUP_KEY (hoặc HOSO_BACKUP_KEY_FILE chỉ tới tệp chứa "
        "khóa)."
    ),
    BackupError.KEY_FILE: "Không đọc được tệp khóa sao lưu {path} (HOSO_BACKUP_KEY_FILE): {error}.",
    BackupError.KEY_TOO_SHORT: (
        "Khóa sao lưu quá ngắn ({length} ký tự, cần ít nhất {minimum}). Tạo khóa bằng: "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    ),
    BackupError.WRONG_KEY: (
        "Khóa sao lưu không đúng: tệp {name} được mã hóa bằng một khóa khác với HOSO_BACKUP_KEY "
        "hiện tại. Không có gì được giải mã hay ghi."
    ),
    BackupError.TAMPERED: (
        "Tệp sao lưu {name} đã bị sửa, cắt cụt hoặc hỏng (khối {chunk} không xác thực được): "
        "không dùng được bản sao lưu này."
    ),
    BackupError.NOT_A_BACKUP: "Tệp {name} không phải bản sao lưu HoSo.",
    BackupError.UNSUPPORTED_FORMAT: (
        "Bản sao lưu {name} dùng định dạng {format}, phiên bản HoSo này không đọc được."
    ),
    BackupError.CHECKSUM: (
        "Nội dung {member} trong bản sao lưu không khớp bảng kê (SHA-256 hoặc kích thước khác): "
        "bản sao lưu bị hỏng, không khôi phục."
    ),
    BackupError.MISSING_MEMBER: (
        "Bản sao lưu thiếu {member} mà bảng kê có liệt kê: bản sao lưu không đầy đủ."
    ),
    BackupError.UNLISTED_MEMBER: (
        "Bản sao lưu có {member} không có trong bảng kê: bản sao lưu đã bị sửa."
    ),
    BackupError.OUTPUT_EXISTS: "Tệp {name} đã có: không ghi đè một bản sao lưu.",
    BackupError.TOOL_MISSING: (
        "Không tìm thấy chương trình {tool} (gói postgresql-client, cùng phiên bản chính hoặc "
        "mới hơn máy chủ PostgreSQL)."
    ),
    BackupError.TOOL_FAILED: "{tool} báo lỗi (mã {code}): {detail}",
    BackupError.VENDOR_MISMATCH: (
        "Bản sao lưu chứa cơ sở dữ liệu {archive}, còn hệ thống đích dùng {target}: hãy đặt "
        "DATABASE_URL trỏ tới một cơ sở dữ liệu {archive} trống."
    ),
    BackupError.NOT_EMPTY: (
        "Hệ thống đích không trống ({found}): chỉ khôi phục vào một hệ thống trống, không ghi "
        "đè dữ liệu đang có. {how}"
    ),
    BackupError.FILE_EXISTS: (
        "Kho tệp đích đã có tệp {member}: chỉ khôi phục vào một kho tệp trống."
    ),
    BackupError.NEWER_MIGRATIONS: (
        "Bản sao lưu được tạo bởi phiên bản HoSo mới hơn (có migration {migrations} mà bản cài "
        "này chưa có): hãy cài phiên bản HoSo {version} rồi khôi phục."
    ),
    BackupError.HEADS_MISMATCH: (
        "Đầu chuỗi nhật ký truy vết sau khi khôi phục không khớp bảng kê ({chain}): dữ liệu "
        "khôi phục không phải dữ liệu đã sao lưu."
    ),
    BackupError.AUDIT_BROKEN: "Nhật ký truy vết sau khi khôi phục không toàn vẹn: {detail}",
}


def fail(code: BackupError, **params) -> DomainError:
    return DomainError(code, MESSAGES[code].format(**params))
