"""Vietnamese labels for this room's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "parents.child_viewed": "Cha mẹ học sinh xem dữ liệu của con (sổ liên lạc)",
    "parents.publication_changed": "Đổi cách công bố kết quả cho cha mẹ học sinh",
    "parents.publication_refused": "Đổi cách công bố kết quả (không được phép)",
}
