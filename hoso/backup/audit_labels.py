"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "backup.created": "Sao lưu hệ thống",
    "backup.restored": "Khôi phục hệ thống từ bản sao lưu",
}
