"""Vietnamese labels of the personal-data events (hoso.audit.labels gathers them)."""

EVENT_LABELS = {
    "privacy.settings_changed": "Đổi cài đặt dữ liệu cá nhân (thời hạn trả lời, đầu mối)",
    "privacy.notice_drafted": "Soạn thông báo xử lý dữ liệu cá nhân",
    "privacy.notice_published": "Công bố thông báo xử lý dữ liệu cá nhân",
    "privacy.consent_given": "Ghi nhận đồng ý xử lý dữ liệu cá nhân",
    "privacy.consent_withdrawn": "Rút lại sự đồng ý xử lý dữ liệu cá nhân",
    "privacy.child_data_viewed": "Người ngoài nhà trường xem dữ liệu học sinh",
    "privacy.class_data_viewed": "Người ngoài nhà trường xem trang của cả lớp (danh sách, sổ điểm, điểm danh)",
    "privacy.request_received": "Phụ huynh yêu cầu chỉnh sửa, xóa, hạn chế xử lý dữ liệu",
    "privacy.request_updated": "Xử lý yêu cầu về dữ liệu cá nhân",
    "privacy.request_reminders_sent": "Nhắc hạn trả lời yêu cầu về dữ liệu cá nhân",
}
