"""Vietnamese labels for this room's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "parents.news_sent": "Gửi bản tin tuần cho phụ huynh",
    "parents.notice_sent": "Gửi thông báo cho phụ huynh",
    "parents.message_sent": "Gửi tin nhắn trong sổ liên lạc",
    "parents.meeting_created": "Mời họp phụ huynh",
    "parents.meeting_replied": "Phụ huynh trả lời giấy mời họp",
}
