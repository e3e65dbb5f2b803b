"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "attendance.settings_changed": "Sửa thiết lập điểm danh",
    "attendance.roll_taken": "Điểm danh một buổi (tiết) của lớp",
    "attendance.month_confirmed": "Xác nhận có phép / không phép trong tháng",
    "attendance.month_finalised": "Chốt điểm danh tháng: chưa xác nhận thành không phép",
    "attendance.change_asked": "Đề nghị sửa điểm danh sau thời hạn",
    "attendance.change_decided": "Hiệu trưởng duyệt đề nghị sửa điểm danh",
    "attendance.change_applied": "Cập nhật điểm danh theo đề nghị đã duyệt",
    "attendance.leave_requested": "Phụ huynh xin phép nghỉ học",
    "attendance.leave_decided": "Giáo viên chủ nhiệm xác nhận đơn xin phép",
    "attendance.leave_withdrawn": "Phụ huynh rút đơn xin phép",
}
