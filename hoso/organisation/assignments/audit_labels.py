"""Vietnamese labels for the assignment editor's audit event types (merged into
hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "assignment.teaching_changed": "Thay đổi phân công giảng dạy",
    "assignment.homeroom_changed": "Thay đổi giáo viên chủ nhiệm",
    "assignment.table_approved": "Hiệu trưởng duyệt bảng phân công chuyên môn",
    "assignment.imported": "Nhập bảng phân công chuyên môn từ Excel",
    "staff.department_changed": "Xếp cán bộ vào tổ chuyên môn",
}
