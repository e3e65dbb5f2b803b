"""Vietnamese labels for audit event types (codes stay English and stable)."""

EVENT_LABELS = {
    "auth.login": "Đăng nhập",
    "auth.logout": "Đăng xuất",
    "auth.login_failed": "Đăng nhập sai",
    "account.locked": "Tạm khóa tài khoản",
    "account.created": "Tạo tài khoản",
    "account.enabled": "Mở lại tài khoản",
    "account.disabled": "Vô hiệu hóa tài khoản",
    "account.password_changed": "Đổi mật khẩu",
    "account.password_reset": "Đặt lại mật khẩu",
    "account.api_token_created": "Tạo khóa API",
    "account.api_token_revoked": "Thu hồi khóa API",
    "staff.positions_changed": "Đổi chức vụ",
    "delegation.created": "Ủy quyền",
    "delegation.revoked": "Thu hồi ủy quyền",
    "inspector.granted": "Cấp quyền thanh tra",
    "student.enrolled": "Nhập học",
    "student.updated": "Sửa sơ yếu lý lịch",
    "student.imported": "Nhập danh sách từ Excel",
    "enrolment.ended": "Chuyển đi / bỏ học",
    "import_mapping.saved": "Lưu mẫu ghép cột",
    "access.not_found": "Truy cập ngoài phạm vi",
    "access.forbidden": "Thao tác không được phép",
    "demo.seeded": "Tạo dữ liệu mẫu",
    "grade.saved": "Nhập/sửa kết quả đánh giá",
    "grade.test_date_set": "Ngày kiểm tra định kỳ",
    "grade.finalised": "Chốt cột điểm",
    "book.locked": "Khóa sổ",
    "book.opened": "Mở sổ",
    "grade.imported": "Nhập điểm từ Excel",
    "gradebook.deadline_rules_changed": "Đổi hạn nhập điểm",
    "gradebook.monthly_check_created": "Lập biên bản kiểm tra sổ điểm tháng",
    "gradebook.monthly_check_section_added": "Bổ sung kết quả kiểm tra sổ điểm tháng",
    "gradebook.monthly_check_signed_off": "Ký duyệt biên bản kiểm tra sổ điểm tháng",
    "gradebook.reminders_sent": "Gửi nhắc nhập điểm",
}


def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code)
