"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "printing.job_requested": "Yêu cầu in hàng loạt",
    "printing.job_started": "Bắt đầu in hàng loạt",
    "printing.job_done": "Hoàn thành lô in",
    "printing.job_failed": "Lô in bị lỗi",
    "printing.job_cancelled": "Hủy lô in",
    "printing.job_retried": "In lại lô in bị lỗi",
    "printing.job_requeued": "Đưa lại lô in vào hàng đợi (tiến trình nền đã dừng)",
    "printing.job_downloaded": "Tải tệp của lô in",
    "printing.files_purged": "Xóa tệp in hàng loạt đã hết hạn lưu",
}
