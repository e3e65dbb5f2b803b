"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "correspondence.abbreviation_set": "Đổi chữ viết tắt tên trường trong ký hiệu văn bản",
    "correspondence.outgoing_drafted": "Lập dự thảo văn bản đi",
    "correspondence.outgoing_signed": "Người có thẩm quyền ký văn bản đi",
    "correspondence.outgoing_numbered": "Văn thư cấp số, ngày văn bản đi",
    "correspondence.outgoing_file_kept": "Văn thư lưu bản PDF văn bản đi",
    "correspondence.outgoing_issued": "Văn thư ký số cơ quan và phát hành văn bản đi",
    "correspondence.incoming_registered": "Văn thư đăng ký văn bản đến (cấp số đến)",
    "correspondence.incoming_presented": "Văn thư trình văn bản đến",
    "correspondence.incoming_directed": "Hiệu trưởng cho ý kiến chỉ đạo, chuyển văn bản đến",
    "correspondence.incoming_acknowledged": "Người nhận ký nhận văn bản đến",
    "correspondence.incoming_progress": "Cập nhật tiến độ giải quyết văn bản đến",
    "correspondence.incoming_reply_linked": "Ghi văn bản trả lời cho văn bản đến",
    "correspondence.incoming_done": "Kết thúc giải quyết văn bản đến",
    "correspondence.reminders_sent": "Gửi nhắc văn bản đến quá hạn",
}
