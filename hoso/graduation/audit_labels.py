"""Vietnamese labels for this package's audit event types (merged into hoso.audit.labels)."""

EVENT_LABELS: dict[str, str] = {
    "graduation.round_created": "Mở đợt xét công nhận tốt nghiệp THCS",
    "graduation.council_changed": "Thay đổi thành viên hội đồng xét tốt nghiệp",
    "graduation.reviewed": "Hội đồng xét tốt nghiệp (lập danh sách 1, danh sách 2)",
    "graduation.candidate_updated": "Cập nhật hồ sơ dự xét tốt nghiệp của học sinh",
    "graduation.minutes_note_set": "Ghi ý kiến, kết luận của hội đồng xét tốt nghiệp",
    "graduation.proposed": "Gửi tờ trình đề nghị công nhận tốt nghiệp",
    "graduation.recognised": "Ghi nhận quyết định công nhận tốt nghiệp",
    "graduation.diploma_entered": "Ghi sổ cấp phát văn bằng",
    "graduation.diploma_corrected": "Sửa dòng sổ cấp phát văn bằng",
    "graduation.diploma_voided": "Hủy dòng sổ cấp phát văn bằng",
    "graduation.exported": "Xuất danh sách hoàn thành chương trình / tốt nghiệp",
}
