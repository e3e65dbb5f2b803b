"""Vietnamese labels for audit event types (codes stay English and stable)."""

from importlib import import_module

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
    "account.api_tokens_revoked": "Thu hồi mọi khóa API (đổi, đặt lại mật khẩu hoặc khóa tài khoản)",
    "staff.positions_changed": "Đổi chức vụ",
    "delegation.created": "Ủy quyền",
    "delegation.revoked": "Thu hồi ủy quyền",
    "inspector.granted": "Cấp quyền thanh tra",
    "inspector.revoked": "Thu hồi quyền thanh tra",
    "student.enrolled": "Nhập học",
    "student.updated": "Sửa sơ yếu lý lịch",
    "student.imported": "Nhập danh sách từ Excel",
    "enrolment.ended": "Chuyển đi / bỏ học",
    "import_mapping.saved": "Lưu mẫu ghép cột",
    "import.purged": "Xóa dữ liệu tệp tải lên đã hết hạn lưu",
    "access.not_found": "Truy cập ngoài phạm vi",
    "access.forbidden": "Thao tác không được phép",
    "demo.seeded": "Tạo dữ liệu mẫu",
    "grade.saved": "Nhập/sửa kết quả đánh giá",
    "grade.test_date_set": "Ngày kiểm tra định kỳ",
    "grade.finalised": "Chốt cột điểm",
    "grade.column_added": "Thêm cột đánh giá thường xuyên",
    "book.locked": "Khóa sổ",
    "book.opened": "Mở sổ",
    "grade.imported": "Nhập điểm từ Excel",
    "grade.corrected": "Sửa điểm theo đơn đã duyệt",
    "results.recomputed": "Tính lại kết quả của lớp",
    "results.corrected": "Cập nhật kết quả đã duyệt sau khi sửa điểm",
    "results.inputs_saved": "GVCN nhập rèn luyện / phẩm chất, năng lực, nghỉ học, nhận xét",
    "results.confirmed": "GVCN xác nhận kết quả lớp",
    "results.unconfirmed": "GVCN hủy xác nhận kết quả lớp",
    "results.approved": "Hiệu trưởng phê duyệt kết quả lớp",
    "results.reopened": "Hiệu trưởng mở lại kết quả đã phê duyệt để điều chỉnh",
    "signoff.sheet_confirmed": "GVBM xác nhận cột điểm",
    "signoff.class_confirmed": "GVCN xác nhận lớp cuối kỳ",
    "comments.subject_saved": "Nhận xét môn học",
    "comments.bank_seeded": "Tạo ngân hàng nhận xét mặc định",
    "comments.bank_created": "Thêm câu nhận xét vào ngân hàng",
    "comments.bank_updated": "Sửa câu nhận xét trong ngân hàng",
    "comments.bank_deleted": "Xóa câu nhận xét khỏi ngân hàng",
    "correction.requested": "Đề nghị sửa điểm",
    "correction.decided": "Duyệt / không duyệt đơn sửa điểm",
    "correction.confirmed": "Xác nhận việc sửa điểm",
    "correction.applied": "Hoàn tất sửa điểm (biên bản)",
    "correction.cancelled": "Rút / hủy đơn sửa điểm",
    "correction.apply_refused": "Không sửa được điểm (kết quả đã thay đổi)",
    "gradebook.deadline_rules_changed": "Đổi hạn nhập điểm",
    "gradebook.monthly_check_created": "Lập biên bản kiểm tra sổ điểm tháng",
    "gradebook.monthly_check_section_added": "Bổ sung kết quả kiểm tra sổ điểm tháng",
    "gradebook.monthly_check_signed_off": "Ký duyệt biên bản kiểm tra sổ điểm tháng",
    "gradebook.reminders_sent": "Gửi nhắc nhập điểm",
}


# Packages added later keep their labels beside their code, in ``<package>/audit_labels.py``.
for _module in (
    "records",
    "archive",
    "printing",
    "signing",
    "transcripts",
    "organisation.assignments",
    "organisation.staff",
    "organisation.setup",
    "rollover",
):
    EVENT_LABELS.update(import_module(f"hoso.{_module}.audit_labels").EVENT_LABELS)


def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code)
