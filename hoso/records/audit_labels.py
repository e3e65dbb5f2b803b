"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "records.sync": "Cập nhật thư mục và nghĩa vụ nộp hồ sơ",
    "records.types_seeded": "Tạo danh mục loại hồ sơ mặc định",
    "records.type_updated": "Sửa loại hồ sơ (lịch, quy trình duyệt, lưu trữ)",
    "records.event_recorded": "Ghi nhận sự kiện phát sinh hồ sơ",
    "records.file_uploaded": "Tải lên tệp hồ sơ",
    "records.submit": "Nộp hồ sơ",
    "records.resubmit": "Nộp lại hồ sơ",
    "records.withdraw": "Rút lại hồ sơ đã nộp",
    "records.check": "Lãnh đạo kiểm tra hồ sơ",
    "records.approve": "Duyệt hồ sơ",
    "records.return": "Trả lại hồ sơ để sửa",
    "records.owners_reminded": "Lãnh đạo nhắc nộp hồ sơ (bảng theo dõi)",
}
