"""The school's attendance report as .xlsx (openpyxl)."""

from __future__ import annotations

import io

from hoso.attendance.reports.selectors import PERIODS, Report

HEADERS = [
    "Lớp",
    "Sĩ số",
    "Buổi đã điểm danh",
    "Buổi phải điểm danh",
    "Nghỉ có phép (P)",
    "Nghỉ không phép (K)",
    "Nghỉ chưa xác nhận",
    "Tổng buổi nghỉ",
    "Đi muộn",
]


def report_workbook(report: Report, *, school_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Chuyên cần"
    ws.append([school_name])
    ws.append(
        [
            f"BÁO CÁO CHUYÊN CẦN — {PERIODS[report.kind].upper()} "
            f"{report.start:%d/%m/%Y}"
            + (f" – {report.end:%d/%m/%Y}" if report.end != report.start else "")
        ]
    )
    ws.append(HEADERS)
    ws["A2"].font = Font(bold=True)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for line in [*report.lines, report.total]:
        ws.append(
            [
                line.school_class.name if line.school_class else "Toàn trường",
                line.students,
                line.taken,
                line.expected,
                line.excused,
                line.unexcused,
                line.pending,
                line.absent,
                line.late,
            ]
        )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
