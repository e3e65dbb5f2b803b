"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "transcript.drafted": "Lập bản nháp học bạ số",
    "transcript.homeroom_signed": "Giáo viên chủ nhiệm ký học bạ",
    "transcript.checked": "Phó hiệu trưởng kiểm tra học bạ",
    "transcript.returned": "Phó hiệu trưởng trả lại học bạ",
    "transcript.principal_signed": "Hiệu trưởng ký duyệt học bạ",
    "transcript.issued": "Văn thư ký số của nhà trường, cấp học bạ",
    "transcript.revoked": "Thu hồi học bạ",
    "transcript.reissue_started": "Cấp lại học bạ (lập bản mới)",
    "transcript.superseded": "Học bạ bị thay thế do dữ liệu thay đổi",
    "transcript.data_changed": "Học bạ đã cấp có dữ liệu thay đổi",
    "transcript.data_restored": "Dữ liệu học bạ đã cấp trở lại như khi cấp",
    "transcript.exported": "Xuất học bạ cho học sinh",
    "transcript.json_exported": "Tải dữ liệu học bạ (JSON)",
}
