"""Vietnamese labels for the set-up's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "school.created": "Tạo trường (dòng lệnh máy chủ)",
    "school.updated": "Sửa thông tin trường",
    "staff.created": "Thêm cán bộ",
    "year.created": "Tạo năm học",
    "year.calendar_changed": "Sửa lịch năm học",
    "year.holiday_added": "Thêm ngày nghỉ",
    "year.holiday_removed": "Xóa ngày nghỉ",
    "year.rulesets_changed": "Chọn bộ quy tắc đánh giá theo khối",
    "year.setup_confirmed": "Hiệu trưởng xác nhận thiết lập năm học",
    "year.confirmation_withdrawn": "Thiết lập năm học thay đổi sau khi xác nhận: chờ xác nhận lại",
    "class.created": "Thêm lớp",
    "class.updated": "Sửa lớp",
    "class.deleted": "Xóa lớp",
    "subject.created": "Thêm môn học",
    "subject.updated": "Sửa môn học",
    "subject.deleted": "Xóa môn học",
    "catalogue.grade_saved": "Sửa môn học và số tiết của khối",
    "department.created": "Thêm tổ",
    "department.updated": "Sửa tổ (tên, tổ trưởng, tổ phó)",
    "department.deleted": "Xóa tổ",
}
