"""Attendance's part of "what the school holds about my child" (hoso.privacy.inventory): every
attendance mark and every leave request, with their values."""

from __future__ import annotations


def sections(student) -> list:
    from hoso.attendance.models import AttendanceMark, LeaveRequest
    from hoso.privacy.inventory import Section

    marks = Section(
        "attendance",
        "Chuyên cần (điểm danh)",
        ["Ngày", "Buổi", "Tiết", "Điểm danh", "Phép", "Ghi chú"],
        [
            [
                m.date.strftime("%d/%m/%Y"),
                m.get_session_display(),
                str(m.period or ""),
                m.get_status_display(),
                m.get_excuse_display(),
                m.note,
            ]
            for m in AttendanceMark.objects.filter(student=student).order_by("date", "period")
        ],
    )
    leaves = Section(
        "leave_requests",
        "Đơn xin nghỉ học",
        ["Từ ngày", "Đến ngày", "Lý do", "Trạng thái", "Ghi chú của nhà trường"],
        [
            [
                r.start_date.strftime("%d/%m/%Y"),
                r.end_date.strftime("%d/%m/%Y"),
                r.reason,
                r.get_state_display(),
                r.decision_note,
            ]
            for r in LeaveRequest.objects.filter(student=student).order_by("start_date")
        ],
    )
    return [marks, leaves]
