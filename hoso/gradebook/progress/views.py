"""Pages about grade-entry progress: the board (and its Excel export), the deadline settings,
the monthly check with its sign-off, and the score anomalies. Thin: parse → policy →
selector/action → render."""

from __future__ import annotations

import io
import re
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import log_denied, not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc
from hoso.gradebook.anomalies.policies import can_view_anomalies
from hoso.gradebook.progress import actions as progress_actions
from hoso.gradebook.progress import selectors as progress
from hoso.gradebook.progress.deadlines import WEEKDAY_LABELS
from hoso.gradebook.progress.models import MonthlyCheck
from hoso.gradebook.progress.policies import (
    access_monthly_check,
    can_edit_deadline_rules,
    can_record_check,
    can_remind_teachers,
    can_sign_off_check,
    check_scope,
    require_checks,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_PARAMS = {"department": "to", "grade": "khoi", "school_class": "lop", "teacher": "giao-vien"}


# --- shared parsing ------------------------------------------------------------------------------


def _term(request, errors: list[str]):
    """The term chosen (?hoc-ky=<id>) among the year's terms, else the current one."""
    term, error = progress.chosen_term(request.actor.year, request.GET.get("hoc-ky", ""))
    if error:
        errors.append(error)
    return term


def _filters(request, errors: list[str]) -> progress.Filters:
    values = {}
    for name, param in FILTER_PARAMS.items():
        raw = request.GET.get(param, "").strip()
        if not raw:
            continue
        if raw.isdigit():
            values[name] = int(raw)
        else:
            errors.append(f"Bộ lọc “{nfc(raw)[:40]}” không hợp lệ; đã bỏ qua.")
    return progress.Filters(**values)


def _board(request):
    errors: list[str] = []
    term = _term(request, errors)
    filters = _filters(request, errors)
    board = progress.progress_board(request.actor, term=term, filters=filters)
    for name in FILTER_PARAMS:
        chosen = getattr(filters, name)
        key = "class" if name == "school_class" else name
        if chosen is not None and chosen not in {k for k, _ in board.options[key]}:
            errors.append("Giá trị lọc không thuộc phạm vi bạn được xem; không có dòng nào.")
    return board, filters, errors


# --- the board -----------------------------------------------------------------------------------


def _lines(board, *, remind: str) -> list[dict]:
    """The board's rows as the page prints them, one dict of plain values a row: a board has
    hundreds of rows, and a template's attribute chains and tags per cell were most of its
    rendering time. ``remind``: the reminder link without the sheet's id ('' = no column)."""
    lines = []
    for row in board.rows:
        a, c = row.assignment, row.counts
        department = a.teacher.department
        percent = c.percent
        lines.append(
            {
                "pk": a.pk,
                "teacher": a.teacher.full_name,
                "department": (department.name if department else "") or "—",
                "class": a.school_class.name,
                "subject": a.subject.name,
                "url": row.url,
                "students": c.students,
                "required": c.required,
                "entered": c.entered,
                "percent": percent,
                "badge": "ok" if percent >= 100 else "warn" if percent >= 80 else "err",
                "finalised": c.finalised,
                "term_total": c.term_total,
                "late": c.late,
                "remind": f"{remind}{a.pk}" if remind and c.missing > 0 else "",
            }
        )
    return lines


@login_required
def progress_board(request):
    board, filters, errors = _board(request)
    actor = request.actor
    query = request.GET.urlencode()
    can_remind = can_remind_teachers(actor)
    remind_url = reverse("gradebook:progress_remind")
    remind = ""
    if can_remind:
        remind = f"{remind_url}?{query}&phan-cong=" if query else f"{remind_url}?phan-cong="
    return render(
        request,
        "gradebook/progress_board.html",
        {
            "board": board,
            "filters": filters,
            "errors": errors,
            "terms": list(actor.year.terms.all()) if actor.year else [],
            "export_url": reverse("gradebook:progress_export") + (f"?{query}" if query else ""),
            "can_edit_rules": can_edit_deadline_rules(actor),
            "can_view_anomalies": can_view_anomalies(actor),
            "can_see_checks": bool(check_scope(actor)),
            "can_remind": can_remind,
            "late_count": len(progress_actions.late_rows(board.rows)),
            "query": query,
            "remind_url": remind_url,
            "lines": _lines(board, remind=remind),
        },
    )


# --- reminders by hand ---------------------------------------------------------------------------


@login_required
def progress_remind(request):
    """Nhắc / Nhắc tất cả: GET shows who gets which message, POST sends it (in-app, once a day
    per sheet). The board's query (term, filters, ``phan-cong`` for one sheet) stays in the URL."""
    actor = request.actor
    if not can_remind_teachers(actor):
        log_denied(actor, kind="forbidden", what="nhắc nhập điểm")
        raise PermissionDenied("Chỉ hiệu trưởng và phó hiệu trưởng nhắc giáo viên.")
    board, _filters_chosen, errors = _board(request)
    rows = progress_actions.late_rows(board.rows)
    one = request.GET.get("phan-cong", "").strip()
    if one:
        rows = [r for r in rows if str(r.assignment.pk) == one]
    query = request.GET.copy()
    query.pop("phan-cong", None)
    board_url = reverse("gradebook:progress") + (f"?{query.urlencode()}" if query else "")
    if request.method == "POST":
        try:
            done = progress_actions.teachers_remind(actor=actor, rows=rows)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(
                request, done.summary(sent="sổ điểm", already="sổ", no_account="giáo viên")
            )
        return redirect(board_url)
    return render(
        request,
        "gradebook/progress_remind.html",
        {
            "board": board,
            "errors": errors,
            "messages_to_send": [(r, progress_actions.reminder_text(r)) for r in rows],
            "board_url": board_url,
            "query": request.GET.urlencode(),
        },
    )


HEADERS = [
    "Giáo viên",
    "Tổ chuyên môn",
    "Lớp",
    "Môn",
    "Sĩ số",
    "Phải có đến nay",
    "Đã nhập",
    "Tỉ lệ (%)",
    "Còn thiếu",
    "Đã chốt",
    "Tổng cả kỳ",
    "Nhập muộn",
]


def board_workbook(board: progress.Board, *, school_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ nhập điểm"
    ws.append([school_name])
    ws.append(
        [
            f"TIẾN ĐỘ NHẬP ĐIỂM — {board.term or ''} — "
            f"tính đến {timezone.localtime(board.now):%H:%M %d/%m/%Y}"
        ]
    )
    ws.append([])
    ws.append(HEADERS)
    bold = Font(bold=True)
    for cell in ws[4]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="EEF1F6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A2"].font = bold
    for row in board.rows:
        c = row.counts
        ws.append(
            [
                row.teacher.full_name,
                row.teacher.department.name if row.teacher.department else "",
                row.school_class.name,
                row.subject.name,
                c.students,
                c.required,
                c.entered,
                c.percent,
                c.missing,
                c.finalised,
                c.term_total,
                c.late,
            ]
        )
    t = board.totals
    ws.append(
        [
            "Tổng cộng",
            "",
            "",
            "",
            t.students,
            t.required,
            t.entered,
            t.percent,
            t.missing,
            t.finalised,
            t.term_total,
            t.late,
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = bold
    for i, width in enumerate([28, 22, 8, 22, 8, 10, 10, 9, 10, 10, 10, 10], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
def progress_export(request):
    board, _filters_, _errors = _board(request)
    content = board_workbook(board, school_name=request.actor.school.name)
    response = HttpResponse(content, content_type=XLSX)
    term = fold(str(board.term or "")) if board.term else "hoc-ky"
    name = "tien-do-nhap-diem-" + re.sub(r"[^a-z0-9]+", "-", term).strip("-") + ".xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- deadline settings ---------------------------------------------------------------------------


class DeadlineRulesForm(forms.Form):
    regular_weekday = forms.TypedChoiceField(
        label="Điểm thường xuyên: hạn vào",
        choices=list(enumerate(WEEKDAY_LABELS)),
        coerce=int,
    )
    regular_time = forms.TimeField(
        label="lúc (giờ:phút)",
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": "Giờ phải có dạng giờ:phút, ví dụ 15:00."},
    )
    regular_remind_hours = forms.IntegerField(
        label="Nhắc trước hạn điểm thường xuyên (giờ)",
        min_value=0,
        max_value=168,
        error_messages={
            "invalid": "Nhập số giờ.",
            "min_value": "Từ 0 đến 168 giờ.",
            "max_value": "Từ 0 đến 168 giờ.",
        },
    )
    periodic_days = forms.IntegerField(
        label="Điểm định kỳ: chậm nhất sau ngày kiểm tra (ngày)",
        min_value=1,
        max_value=60,
        error_messages={
            "invalid": "Nhập số ngày.",
            "min_value": "Từ 1 đến 60 ngày.",
            "max_value": "Từ 1 đến 60 ngày.",
        },
    )
    periodic_remind_hours = forms.IntegerField(
        label="Nhắc trước hạn điểm định kỳ (giờ)",
        min_value=0,
        max_value=168,
        error_messages={
            "invalid": "Nhập số giờ.",
            "min_value": "Từ 0 đến 168 giờ.",
            "max_value": "Từ 0 đến 168 giờ.",
        },
    )


@login_required
def deadline_settings(request):
    actor = request.actor
    if not can_edit_deadline_rules(actor):
        log_denied(actor, kind="forbidden", what="đặt hạn nhập điểm")
        raise PermissionDenied("Chỉ hiệu trưởng, phó hiệu trưởng đặt hạn nhập điểm.")
    rules = progress.deadline_rules(actor.school)
    initial = {
        "regular_weekday": rules.regular_weekday,
        "regular_time": rules.regular_time,
        "regular_remind_hours": rules.regular_remind_hours,
        "periodic_days": rules.periodic_days,
        "periodic_remind_hours": rules.periodic_remind_hours,
    }
    form = DeadlineRulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            progress_actions.deadline_rules_update(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Đã lưu hạn nhập điểm.")
            return redirect("gradebook:deadline_settings")
    return render(request, "gradebook/progress_settings.html", {"form": form, "rules": rules})


# --- monthly checks ------------------------------------------------------------------------------


def _visible_sections(check: MonthlyCheck, keys: set[str]) -> list[tuple[str, dict]]:
    sections = (check.summary or {}).get("sections", {})
    school_wide = progress_actions.SCHOOL_SECTION in keys
    return [(k, v) for k, v in sorted(sections.items()) if school_wide or k in keys]


def _parse_month(raw: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", raw.strip())
    if match is None:
        match_vn = re.fullmatch(r"(\d{1,2})/(\d{4})", raw.strip())
        if match_vn is None:
            return None
        month, year = int(match_vn[1]), int(match_vn[2])
    else:
        year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def _checks_page(request, *, error: str = "", month_value: str = "", notes: str = ""):
    actor = request.actor
    sections = require_checks(actor)
    keys = {k for k, _f, _l in sections}
    checks = (
        MonthlyCheck.objects.filter(school=actor.school, year=actor.year)
        .select_related("checked_by", "signed_off_by")
        .order_by("-month")
        if actor.year
        else MonthlyCheck.objects.none()
    )
    rows = [(c, _visible_sections(c, keys)) for c in checks]
    today = clock.today()
    default = progress.default_check_month(actor.year, today=today)
    # The picker offers the year's months up to the current one (the current month included).
    latest = today.replace(day=1)
    if actor.year is not None:
        latest = min(latest, actor.year.end_date.replace(day=1))
    return render(
        request,
        "gradebook/progress_monthly_list.html",
        {
            "rows": rows,
            "scope_labels": [label for _k, _f, label in sections],
            "can_record": can_record_check(actor),
            "error": error,
            "month_value": month_value or f"{default:%Y-%m}",
            "month_min": f"{actor.year.start_date:%Y-%m}" if actor.year else "",
            "month_max": f"{max(latest, default):%Y-%m}",
            "notes": notes,
        },
        status=400 if error else 200,
    )


@login_required
def monthly_checks(request):
    return _checks_page(request)


@login_required
@require_POST
def monthly_check_record(request):
    actor = request.actor
    require_checks(actor)
    raw_month = nfc(request.POST.get("month", ""))
    notes = nfc(request.POST.get("notes", ""))
    month = _parse_month(raw_month)
    if month is None:
        return _checks_page(
            request,
            error="Tháng kiểm tra phải có dạng năm-tháng, ví dụ 2026-11.",
            month_value=raw_month,
            notes=notes,
        )
    try:
        check = progress_actions.monthly_check_record(actor=actor, month=month, notes=notes)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _checks_page(request, error=exc.message, month_value=raw_month, notes=notes)
    messages.success(request, f"Đã ghi kết quả kiểm tra sổ điểm tháng {check.month:%m/%Y}.")
    return redirect("gradebook:monthly_check_detail", check_id=check.pk)


@login_required
def monthly_check_detail(request, check_id: int):
    actor = request.actor
    sections = require_checks(actor)
    check = access_monthly_check(actor, check_id)
    keys = {k for k, _f, _l in sections}
    visible = _visible_sections(check, keys)
    if not visible and progress_actions.SCHOOL_SECTION not in keys:
        raise not_found(actor, f"biên bản kiểm tra sổ điểm #{check_id}")
    return render(
        request,
        "gradebook/progress_monthly_detail.html",
        {
            "check": check,
            "sections": visible,
            "sign_off_note": (check.summary or {}).get("sign_off_note", ""),
            "can_sign": can_sign_off_check(actor) and not check.signed_off_at,
            "has_school_section": progress_actions.SCHOOL_SECTION
            in (check.summary or {}).get("sections", {}),
        },
    )


@login_required
@require_POST
@errors_return_to("gradebook:monthly_check_detail", "check_id")
def monthly_check_sign_off(request, check_id: int):
    actor = request.actor
    require_checks(actor)
    check = access_monthly_check(actor, check_id)
    progress_actions.monthly_check_sign_off(
        actor=actor, check=check, note=request.POST.get("note", "")
    )
    messages.success(request, f"Đã ký duyệt biên bản kiểm tra tháng {check.month:%m/%Y}.")
    return redirect("gradebook:monthly_check_detail", check_id=check.pk)
