"""Navigation entry of the school's attendance report."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.attendance.reports.policies import can_view_school_report

    if actor is None or getattr(actor, "school", None) is None:
        return []
    if not can_view_school_report(actor):
        return []
    return [("attendance_reports:school", "Báo cáo chuyên cần")]
