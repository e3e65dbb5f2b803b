"""Compliance board pages: the board, its drill-down and its Excel export.
Thin: parse → scope check → selector → render."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from hoso.accounts.policies import log_denied
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.records import board as selectors
from hoso.records import nudges
from hoso.records.models import RecordType
from hoso.records.timeliness import obligation_timeliness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# filter name → query parameter (Vietnamese, like the rest of the site)
PARAMS = {
    "period": "theo",
    "start": "tu",
    "end": "den",
    "record_type_id": "loai",
    "department_id": "to",
    "staff_id": "nguoi",
}


def _refuse(request):
    log_denied(request.actor, kind="forbidden", what="records board")
    raise PermissionDenied("Bạn không có quyền xem bảng theo dõi nộp hồ sơ.")


def _parse_date(raw: str, label: str, errors: list[str]) -> date | None:
    raw = nfc(raw)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return timezone.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    errors.append(f"Ngày “{raw[:20]}” ở ô {label} không hợp lệ (dd/mm/yyyy); đã bỏ qua.")
    return None


def parse_filters(request, errors: list[str]) -> tuple[selectors.BoardFilters, dict]:
    """Filters from the query string; returns them and the raw values to show back."""
    get = request.GET
    raw = {name: nfc(get.get(param, ""))[:40] for name, param in PARAMS.items()}
    period = raw["period"] if raw["period"] in selectors.PERIOD_LABELS else selectors.WEEK
    if raw["period"] and raw["period"] not in selectors.PERIOD_LABELS:
        errors.append("Cách nhóm không hợp lệ; đang xem theo tuần.")
    year = request.actor.year
    start = _parse_date(raw["start"], "“từ ngày”", errors)
    end = _parse_date(raw["end"], "“đến ngày”", errors)
    if start is None and not raw["start"] and year is not None:
        start = year.start_date
    if end is None and not raw["end"] and year is not None:
        end = year.end_date
    if start and end and start > end:
        errors.append("“Từ ngày” sau “đến ngày”; đã đổi chỗ hai ngày.")
        start, end = end, start
    ids: dict[str, int | None] = {}
    for name in ("record_type_id", "department_id", "staff_id"):
        value = raw[name]
        if value and not value.isdigit():
            errors.append(f"Bộ lọc “{value}” không hợp lệ; đã bỏ qua.")
        ids[name] = int(value) if value.isdigit() else None
    return selectors.BoardFilters(period=period, start=start, end=end, **ids), raw


def _query(filters: selectors.BoardFilters, **extra) -> str:
    values = {
        "theo": filters.period,
        "tu": filters.start.isoformat() if filters.start else "",
        "den": filters.end.isoformat() if filters.end else "",
        "loai": filters.record_type_id or "",
        "to": filters.department_id or "",
        "nguoi": filters.staff_id or "",
    }
    values.update(extra)
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _options(actor):
    from hoso.organisation.models import Department

    types = list(
        RecordType.objects.filter(school=actor.school)
        .order_by("order", "name")
        .values_list("pk", "name")
    )
    if selectors.is_school_wide(actor):
        departments = list(
            Department.objects.filter(school=actor.school)
            .order_by("name")
            .values_list("pk", "name")
        )
    else:
        departments = list(
            Department.objects.filter(school=actor.school, pk__in=actor.department_ids)
            .order_by("name")
            .values_list("pk", "name")
        )
    return types, departments


@login_required
def board_page(request):
    actor = request.actor
    if not selectors.can_view_board(actor):
        _refuse(request)
    errors: list[str] = []
    filters, raw = parse_filters(request, errors)
    types, departments = _options(actor)
    board = selectors.compliance_board(actor, filters)
    query = _query(filters)
    for row in [*board.people, *board.departments, *board.periods]:
        row.url = reverse("records:board_detail") + "?" + _query(filters, **row.query)
    can_remind = nudges.can_remind_owners(actor)
    own = f"staff:{actor.staff.pk}" if actor.staff is not None else ""
    remind_url = reverse("records:board_remind") + "?" + query
    if can_remind:
        for row in board.people:
            if row.counts.missing and row.key != own:
                row.remind_url = f"{remind_url}&nhac={row.key.removeprefix('staff:')}"
    return render(
        request,
        "records/board_page.html",
        {
            "board": board,
            "filters": filters,
            "raw": raw,
            "errors": errors,
            "types": types,
            "departments": departments,
            "periods": selectors.PERIOD_LABELS,
            "export_url": reverse("records:board_export") + "?" + query,
            "remind_all_url": remind_url
            if can_remind and any(getattr(r, "remind_url", "") for r in board.people)
            else "",
            "detail_url": reverse("records:board_detail") + "?" + query,
            "statuses": selectors.STATUS_LABELS,
        },
    )


@login_required
def board_detail(request):
    actor = request.actor
    if not selectors.can_view_board(actor):
        _refuse(request)
    errors: list[str] = []
    filters, raw = parse_filters(request, errors)
    status = request.GET.get("tinh-trang", "")
    if status and status not in selectors.STATUS_LABELS:
        errors.append("Tình trạng không hợp lệ; đang xem tất cả.")
        status = ""
    period_start = _parse_date(request.GET.get("ky", ""), "“kỳ”", errors)
    now = clock.now()
    rows = selectors.board_obligations(
        actor,
        filters,
        status=status,
        period_start=period_start,
        school_only=request.GET.get("chung") == "1",
        now=now,
    )
    items = [(o, obligation_timeliness(o, now)) for o in rows]
    keep = {k: v for k, v in request.GET.items() if k != "tinh-trang"}
    return render(
        request,
        "records/board_detail.html",
        {
            "items": items,
            "filters": filters,
            "errors": errors,
            "status": status,
            "statuses": selectors.STATUS_LABELS,
            "period_start": period_start,
            "period_label": selectors.period_label(period_start, filters.period, actor.year)
            if period_start
            else "",
            "base_query": urlencode(keep),
            "back_url": reverse("records:board") + "?" + _query(filters),
            "limit_reached": len(rows) >= 500,
            "now": now,
        },
    )


@login_required
def board_export(request):
    actor = request.actor
    if not selectors.can_view_board(actor):
        _refuse(request)
    filters, _raw = parse_filters(request, [])
    board = selectors.compliance_board(actor, filters)
    type_name = ""
    if filters.record_type_id:
        type_name = (
            RecordType.objects.filter(school=actor.school, pk=filters.record_type_id)
            .values_list("name", flat=True)
            .first()
            or ""
        )
    content = selectors.board_workbook(
        board, school_name=actor.school.name, record_type_name=type_name
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime(board.now, selectors.LOCAL_TZ).strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(
        True, f"bang-theo-doi-nop-ho-so-{stamp}.xlsx"
    )
    return response


@login_required
def board_remind(request):
    """Nhắc / Nhắc tất cả: GET shows who gets which message, POST sends it (in-app, once a day
    per person). The board's filters stay in the URL; ``nhac`` keeps one person."""
    actor = request.actor
    if not nudges.can_remind_owners(actor):
        _refuse(request)
    errors: list[str] = []
    filters, _raw = parse_filters(request, errors)
    one = request.GET.get("nhac", "").strip()
    staff_id = int(one) if one.isdigit() else None
    if one and staff_id is None:
        errors.append(f"Người “{one[:20]}” không hợp lệ; đang nhắc tất cả.")
    people = nudges.late_people(actor, filters, staff_id=staff_id)
    board_url = reverse("records:board") + "?" + _query(filters)
    if request.method == "POST":
        try:
            done = nudges.owners_remind(actor=actor, people=people)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(
                request, done.summary(sent="người", already="người", no_account="người")
            )
        return redirect(board_url)
    return render(
        request,
        "records/board_remind.html",
        {
            "errors": errors,
            "messages_to_send": [(p, nudges.reminder_text(p)) for p in people],
            "board_url": board_url,
            "query": request.GET.urlencode(),
        },
    )
