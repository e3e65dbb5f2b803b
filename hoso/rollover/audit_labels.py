"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "rollover.prepared": "Chuẩn bị chuyển dữ liệu năm học (xem trước)",
    "rollover.options_changed": "Sửa bản xem trước chuyển năm học (tên lớp, giáo viên chủ nhiệm, lịch)",
    "rollover.queued": "Bắt đầu chuyển dữ liệu năm học",
    "rollover.committed": "Chuyển xong dữ liệu năm học",
    "rollover.failed": "Chuyển dữ liệu năm học bị lỗi (không có gì thay đổi)",
    "rollover.cancelled": "Hủy lần chuyển dữ liệu năm học",
    "rollover.retried": "Xem lại lần chuyển dữ liệu năm học bị lỗi",
    "rollover.requeued": "Chạy lại việc chuyển năm học (tiến trình nền đã dừng, chưa có gì thay đổi)",
    "rollover.class_closed": "Kết thúc năm học của học sinh một lớp (lên lớp, ở lại, hoàn thành)",
    "rollover.class_filled": "Xếp học sinh vào lớp của năm học mới",
    "year.created": "Tạo năm học",
    "year.closed": "Khóa năm học",
    "year.reopened": "Mở lại năm học đã khóa",
    "year.reopening_ended": "Khóa lại năm học đã mở lại",
    "class.created": "Tạo lớp",
}
