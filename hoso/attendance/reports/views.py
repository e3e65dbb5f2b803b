"""Báo cáo chuyên cần toàn trường: a page with a day / week / month switcher and its .xlsx."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from hoso.attendance.reports.excel import report_workbook
from hoso.attendance.reports.policies import require_school_report
from hoso.attendance.reports.selectors import PERIODS, school_report
from hoso.core import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(request) -> tuple[str, date, str]:
    kind = request.GET.get("ky") or "ngay"
    if kind not in PERIODS:
        kind = "ngay"
    error = ""
    raw = request.GET.get("ngay") or ""
    try:
        day = date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        day, error = clock.today(), f"Ngày “{raw[:20]}” không hợp lệ; đang xem hôm nay."
    return kind, day, error


def _step(kind: str, day: date, sign: int) -> date:
    if kind == "thang":
        month = day.month - 1 + sign
        return date(day.year + month // 12, month % 12 + 1, 1)
    return day + timedelta(days=sign * (7 if kind == "tuan" else 1))


@login_required
@require_GET
def school_report_page(request):
    actor = request.actor
    require_school_report(actor)
    kind, day, error = _params(request)
    report = school_report(actor.year, kind, day)
    return render(
        request,
        "attendance/school_report.html",
        {
            "report": report,
            "kind": kind,
            "day": day,
            "periods": PERIODS.items(),
            "previous": _step(kind, day, -1),
            "next": _step(kind, day, 1),
            "error": error,
            "is_today": report.start <= clock.today() <= report.end,
        },
    )


@login_required
@require_GET
def school_report_xlsx(request):
    actor = request.actor
    require_school_report(actor)
    kind, day, _error = _params(request)
    report = school_report(actor.year, kind, day)
    response = HttpResponse(
        report_workbook(report, school_name=actor.school.name), content_type=XLSX
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"bao-cao-chuyen-can-{kind}-{report.start:%Y%m%d}.xlsx"
    )
    return response
