"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "archive.export_requested": "Yêu cầu tạo bản lưu trữ hồ sơ",
    "archive.export_built": "Tạo xong bản lưu trữ hồ sơ",
    "archive.export_failed": "Tạo bản lưu trữ hồ sơ bị lỗi",
    "archive.export_cancelled": "Hủy yêu cầu tạo bản lưu trữ hồ sơ",
    "archive.export_retried": "Tạo lại bản lưu trữ hồ sơ bị lỗi",
    "archive.export_requeued": "Đưa lại bản lưu trữ vào hàng đợi (tiến trình nền đã dừng)",
    "archive.export_downloaded": "Tải về bản lưu trữ hồ sơ",
    "archive.share_created": "Tạo đường link chia sẻ hồ sơ lưu trữ",
    "archive.share_revoked": "Thu hồi đường link chia sẻ hồ sơ lưu trữ",
    "archive.share_accessed": "Mở hồ sơ lưu trữ qua đường link chia sẻ",
    "archive.share_refused": "Từ chối đường link chia sẻ đã hết hạn hoặc bị thu hồi",
}
