"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "correspondence.abbreviation_set": "Đổi chữ viết tắt tên trường trong ký hiệu văn bản",
    "correspondence.outgoing_drafted": "Lập dự thảo văn bản đi",
    "correspondence.outgoing_signed": "Người có thẩm quyền ký văn bản đi",
    "correspondence.outgoing_numbered": "Văn thư cấp số, ngày văn bản đi",
    "correspondence.outgoing_file_kept": "Văn thư lưu bản PDF văn bản đi",
    "correspondence.outgoing_issued": "Văn thư ký số cơ quan và phát hành văn bản đi",
}
