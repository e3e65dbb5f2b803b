"""Doors of the Excel class-list import (nhập danh sách lớp từ Excel): parse → access → action →
render. The policy (all or nothing) is explained in ``import_actions``."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc
from hoso.organisation.policies import access_class
from hoso.students import import_actions, importing
from hoso.students.models import ImportBatch

State = ImportBatch.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse_date(text: str) -> date | None:
    """'2026-09-05' (date input) or '05/09/2026'; None when empty; ValueError when wrong."""
    text = nfc(text)
    if not text:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise ValueError(text)
    return date(y, mo, d)


# --- Start: template download and upload ---------------------------------------------------------


def _render_start(request, school_class, *, error="", error_field="", start_date="", status=200):
    batches = (
        ImportBatch.objects.filter(school_class=school_class)
        .select_related("uploaded_by")
        .defer("raw_rows", "rows", "headers", "mapping")[:10]
    )
    context = {
        "school_class": school_class,
        "year": school_class.year,
        "batches": batches,
        "error": error,
        "error_field": error_field,
        "start_date": start_date or school_class.year.start_date.isoformat(),
        "max_mb": importing.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "students/import_start.html", context, status=status)


@login_required
@require_GET
def import_start(request, class_id: int):
    school_class = access_class(request.actor, class_id)
    import_actions.require_import(request.actor, school_class)
    return _render_start(request, school_class)


@login_required
@require_GET
def import_template(request, class_id: int):
    school_class = access_class(request.actor, class_id)
    import_actions.require_import(request.actor, school_class)
    content = importing.build_template(
        class_name=school_class.name,
        year_name=school_class.year.name,
        school_name=request.actor.school.name,
        grade=school_class.grade.number,
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = "danh-sach-lop-" + re.sub(r"[^a-z0-9]+", "-", fold(school_class.name)) + ".xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def import_upload(request, class_id: int):
    actor = request.actor
    school_class = access_class(actor, class_id)
    import_actions.require_import(actor, school_class)
    start_text = request.POST.get("start_date", "")
    upload = request.FILES.get("file")

    def fail(message: str, field: str):
        return _render_start(
            request,
            school_class,
            error=message,
            error_field=field,
            start_date=nfc(start_text),
            status=400,
        )

    try:
        start_date = _parse_date(start_text)
    except ValueError:
        return fail("Ngày nhập học không hợp lệ (ví dụ 05/09/2026).", "start_date")
    if upload is None:
        return fail("Hãy chọn tệp Excel để tải lên.", "file")
    if upload.size > importing.MAX_UPLOAD_BYTES:
        return fail("Tệp quá lớn: tối đa 5 MB.", "file")
    try:
        batch = import_actions.import_upload(
            actor=actor,
            school_class=school_class,
            filename=upload.name or "",
            data=upload.read(),
            start_date=start_date,
        )
    except DomainError as exc:
        return fail(exc.message, exc.field or "file")
    return redirect("students:import_batch", batch_id=batch.pk)


# --- The batch: mapping, preview, status ---------------------------------------------------------


def _mapping_context(batch: ImportBatch, *, selected=None, save_as="", source="") -> dict:
    mapping = import_actions.batch_mapping(batch) if selected is None else selected
    header_row = batch.result.get("header_row", 1)
    data_rows = [r for r in batch.raw_rows if r["row"] > header_row][:3]
    columns = []
    for index, header in enumerate(batch.headers):
        samples = [
            importing.cell_text(r["cells"][index]) for r in data_rows if index < len(r["cells"])
        ]
        columns.append(
            {
                "index": index,
                "label": importing.column_label(index, batch.headers),
                "header": header,
                "samples": [s for s in samples if s],
                "selected": mapping.get(index, ""),
            }
        )
    candidates = [
        {
            "row": r["row"],
            "text": " | ".join(c for c in (importing.cell_text(x) for x in r["cells"]) if c)[:90],
        }
        for r in batch.raw_rows[: importing.HEADER_SEARCH_ROWS]
    ]
    return {
        "columns": columns,
        "field_choices": [(f.name, f.label) for f in importing.FIELDS],
        "header_candidates": candidates,
        "header_row": header_row,
        "sources": importing.SOURCES,
        "save_as": save_as,
        "source": source,
    }


def _preview_context(batch: ImportBatch) -> dict:
    mapped = set(import_actions.batch_mapping(batch).values())
    split = {"family_name", "given_name"} <= mapped
    hidden = {"sequence"} | (
        {"full_name"} if split else {"family_name", "middle_name", "given_name"}
    )
    fields = [f for f in importing.FIELDS if f.name in mapped and f.name not in hidden]
    errors_at: dict[tuple, list[str]] = {}
    for e in batch.errors:
        errors_at.setdefault((e.get("row"), e.get("field")), []).append(e["message"])
    warnings = batch.result.get("warnings", [])
    warnings_at: dict[tuple, list[str]] = {}
    for w in warnings:
        warnings_at.setdefault((w.get("row"), w.get("field")), []).append(w["message"])
    rows = []
    for row in batch.rows:
        number = row["row"]
        rows.append(
            {
                "row": number,
                "ok": row.get("ok", True),
                "cells": [
                    {
                        "value": row["display"].get(f.name, ""),
                        "errors": errors_at.get((number, f.name), []),
                        "warnings": warnings_at.get((number, f.name), []),
                    }
                    for f in fields
                ],
            }
        )
    bad_rows = {e["row"] for e in batch.errors if e.get("row")}
    return {
        "preview_fields": fields,
        "preview_rows": rows,
        "rows_ok": sum(1 for r in batch.rows if r["row"] not in bad_rows),
        "rows_bad": len(bad_rows),
        "warnings": warnings,
    }


def _render_batch(request, batch: ImportBatch, *, mapping_form=None, status=200):
    show_mapping = (
        mapping_form is not None
        or batch.state == State.NEEDS_MAPPING
        or (batch.state == State.PREVIEW and request.GET.get("ghep") == "1")
    )
    context = {
        "batch": batch,
        "school_class": batch.school_class,
        "show_mapping": show_mapping,
        "mapping_problems": [],
    }
    if show_mapping:
        form = mapping_form or {}
        context.update(
            _mapping_context(
                batch,
                selected=form.get("selected"),
                save_as=form.get("save_as", ""),
                source=form.get("source", ""),
            )
        )
        context["mapping_problems"] = form.get("problems", [])
    if batch.state == State.PREVIEW:
        context.update(_preview_context(batch))
    return render(request, "students/import_batch.html", context, status=status)


@login_required
@require_GET
def import_batch(request, batch_id: int):
    """The batch page; to an htmx poll (every second while QUEUED) only the status part."""
    batch = import_actions.access_import_batch(request.actor, batch_id)
    if getattr(request, "htmx", False):
        return render(request, "students/import_status.html", {"batch": batch})
    return _render_batch(request, batch)


@login_required
@require_POST
def import_map(request, batch_id: int):
    batch = import_actions.access_import_batch(request.actor, batch_id)
    selected = {}
    for index in range(len(batch.headers)):
        value = request.POST.get(f"col_{index}", "")
        if value:
            selected[index] = value
    save_as = nfc(request.POST.get("save_as", ""))
    source = request.POST.get("source", "")
    try:
        batch = import_actions.import_apply_mapping(
            actor=request.actor, batch=batch, columns=selected, save_as=save_as, source=source
        )
    except import_actions.ImportMappingError as exc:
        form = {"selected": selected, "save_as": save_as, "source": source}
        return _render_batch(
            request, batch, mapping_form={**form, "problems": exc.problems}, status=400
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("students:import_batch", batch_id=batch.pk)
    if save_as:
        messages.success(request, f"Đã lưu mẫu ghép cột “{save_as}” để dùng lại.")
    return redirect("students:import_batch", batch_id=batch.pk)


@login_required
@require_POST
def import_header_row(request, batch_id: int):
    batch = import_actions.access_import_batch(request.actor, batch_id)
    try:
        header_row = int(request.POST.get("header_row", ""))
        import_actions.import_set_header_row(
            actor=request.actor, batch=batch, header_row=header_row
        )
    except ValueError:
        messages.error(request, "Dòng tiêu đề không hợp lệ.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("students:import_batch", batch_id=batch.pk)


@login_required
@require_POST
def import_commit(request, batch_id: int):
    batch = import_actions.access_import_batch(request.actor, batch_id)
    try:
        import_actions.import_queue_commit(actor=request.actor, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("students:import_batch", batch_id=batch.pk)


@login_required
@require_POST
def import_cancel(request, batch_id: int):
    batch = import_actions.access_import_batch(request.actor, batch_id)
    try:
        import_actions.import_cancel(actor=request.actor, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("students:import_batch", batch_id=batch.pk)
    messages.success(request, "Đã hủy lần nhập này; chưa có học sinh nào được ghi.")
    return redirect("students:import_start", class_id=batch.school_class_id)
