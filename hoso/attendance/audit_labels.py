"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "attendance.settings_changed": "Sửa thiết lập điểm danh",
    "attendance.roll_taken": "Điểm danh một buổi (tiết) của lớp",
}
