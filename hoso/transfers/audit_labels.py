"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "transfer.out_created": "Ghi nhận đơn chuyển đi",
    "transfer.out_left": "Học sinh chuyển đi: kết thúc học tại trường",
    "transfer.out_handed_over": "Bàn giao hồ sơ chuyển đi (học bạ số đã cấp)",
    "transfer.in_created": "Nhận đơn chuyển đến",
    "transfer.documents_set": "Cập nhật hồ sơ chuyển trường đã nhận",
    "transfer.decided": "Hiệu trưởng quyết định tiếp nhận / từ chối học sinh chuyển đến",
    "transfer.transcript_imported": "Nhập học bạ số (đã xác thực) của trường cũ",
    "transfer.placed": "Xếp lớp học sinh chuyển đến",
    "transfer.reminded": "Nhắc bước chuyển trường quá hạn",
    "transfer.pdf_downloaded": "Tải học bạ số của hồ sơ chuyển trường",
    "transfer.settings_changed": "Sửa thiết lập chuyển trường",
    "enrolment.transferred_in": "Học sinh cũ chuyển đến lại: vào lớp",
}
