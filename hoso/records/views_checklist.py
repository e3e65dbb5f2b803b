"""Kế hoạch bài dạy chờ kiểm tra (the vice principal's check list). Thin: parse → scope check →
selector → render; the check itself happens on the record's page (``views.check``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from hoso.accounts.policies import log_denied
from hoso.core.text import nfc
from hoso.records.checklist import (
    LIMIT,
    ChecklistFilters,
    can_see_checklist,
    waiting_for_check,
)

PARAMS = {"department_id": "to", "staff_id": "nguoi", "week": "tuan"}


def parse_filters(request, errors: list[str]) -> tuple[ChecklistFilters, dict]:
    raw = {name: nfc(request.GET.get(param, ""))[:20] for name, param in PARAMS.items()}
    values: dict[str, int | None] = {}
    for name, value in raw.items():
        if value and not value.isdigit():
            label = {"department_id": "Tổ", "staff_id": "Giáo viên", "week": "Tuần"}[name]
            errors.append(f"{label} “{value}” không hợp lệ; đã bỏ qua.")
        values[name] = int(value) if value.isdigit() and int(value) > 0 else None
    return ChecklistFilters(**values), raw


@login_required
def checklist(request):
    from hoso.organisation.models import Department, Staff

    actor = request.actor
    if not can_see_checklist(actor):
        log_denied(actor, kind="forbidden", what="kế hoạch bài dạy chờ kiểm tra")
        raise PermissionDenied("Chỉ hiệu trưởng, phó hiệu trưởng kiểm tra kế hoạch bài dạy.")
    errors: list[str] = []
    filters, raw = parse_filters(request, errors)
    items = list(waiting_for_check(actor, filters)[:LIMIT])
    return render(
        request,
        "records/checklist.html",
        {
            "items": items,
            "raw": raw,
            "errors": errors,
            "limit_reached": len(items) >= LIMIT,
            "departments": Department.objects.filter(school=actor.school).order_by("name"),
            "teachers": Staff.objects.filter(school=actor.school, is_active=True).order_by(
                "sort_name", "pk"
            ),
            "weeks": [number for number, _monday, _sunday in actor.year.weeks()],
        },
    )
