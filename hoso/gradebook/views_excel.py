"""Doors of the Excel round trip of a grade sheet (tải mẫu / nhập điểm từ Excel): parse → access →
action → render. The policy (all or nothing) is explained in ``excel_actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.gradebook import excel, excel_actions
from hoso.gradebook.models import GradeImportBatch
from hoso.gradebook.selectors import KIND_HINTS
from hoso.gradebook.sheets import Sheet
from hoso.students import importing

State = GradeImportBatch.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _checked(request, name: str) -> bool:
    return request.POST.get(name, "") in ("1", "on", "true")


def _sheet_kwargs(sheet: Sheet) -> dict:
    return {
        "class_id": sheet.school_class.pk,
        "subject_id": sheet.subject.pk,
        "term_id": sheet.term.pk,
    }


# --- Start: template download and upload ----------------------------------------------------------


def _render_start(request, sheet: Sheet, *, error="", clear_empty=False, status=200):
    blocked = excel_actions.writable_columns(request.actor, sheet)
    batches = (
        GradeImportBatch.objects.filter(
            school_class=sheet.school_class, subject=sheet.subject, term=sheet.term
        )
        .select_related("uploaded_by")
        .defer("raw_rows", "rows", "headers", "mapping")[:10]
    )
    context = {
        "sheet": sheet,
        "sheet_kwargs": _sheet_kwargs(sheet),
        "school_class": sheet.school_class,
        "columns": [
            {
                "label": c.label,
                "hint": KIND_HINTS[c.kind],
                "blocked": blocked.get(c.key, ("", ""))[1],
            }
            for c in sheet.columns
        ],
        "year_closed": sheet.school_class.year.is_closed,
        "batches": batches,
        "error": error,
        "clear_empty": clear_empty,
        "max_mb": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "gradebook/excel_start.html", context, status=status)


@login_required
@require_GET
def excel_start(request, class_id: int, subject_id: int, term_id: int):
    sheet = excel_actions.access_excel_sheet(
        request.actor, class_id, subject_id, term_id, write=True
    )
    return _render_start(request, sheet)


@login_required
@require_GET
def excel_template(request, class_id: int, subject_id: int, term_id: int):
    """Anybody who can read the sheet downloads it; only what the person may change is open."""
    sheet = excel_actions.access_excel_sheet(
        request.actor, class_id, subject_id, term_id, write=False
    )
    content, filename = excel_actions.template_download(request.actor, sheet)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def excel_upload(request, class_id: int, subject_id: int, term_id: int):
    actor = request.actor
    sheet = excel_actions.access_excel_sheet(actor, class_id, subject_id, term_id, write=True)
    clear_empty = _checked(request, "clear_empty")
    upload = request.FILES.get("file")

    def fail(message: str):
        return _render_start(request, sheet, error=message, clear_empty=clear_empty, status=400)

    if upload is None:
        return fail("Hãy chọn tệp Excel để tải lên.")
    if upload.size > excel.MAX_UPLOAD_BYTES:
        return fail("Tệp quá lớn: tối đa 5 MB.")
    try:
        batch = excel_actions.excel_upload(
            actor=actor,
            sheet=sheet,
            filename=upload.name or "",
            data=upload.read(),
            clear_empty=clear_empty,
        )
    except DomainError as exc:
        return fail(exc.message)
    return redirect("gradebook:excel_batch", batch_id=batch.pk)


# --- The batch: mapping, preview, status ----------------------------------------------------------


def _mapping_context(
    batch: GradeImportBatch, sheet: Sheet, *, selected=None, save_as="", source=""
) -> dict:
    mapping = excel_actions.batch_mapping(batch) if selected is None else selected
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
        "target_choices": excel.target_choices(sheet.columns),
        "header_candidates": candidates,
        "header_row": header_row,
        "sources": importing.SOURCES,
        "save_as": save_as,
        "source": source,
    }


def _preview_context(batch: GradeImportBatch) -> dict:
    result = batch.result
    return {
        "changes": batch.rows,
        "warnings": result.get("warnings", []),
        "error_rows": len({e["row"] for e in batch.errors if e.get("row")}),
    }


def _render_batch(request, batch: GradeImportBatch, *, mapping_form=None, status=200):
    sheet = excel_actions.batch_sheet(batch)
    show_mapping = (
        mapping_form is not None
        or batch.state == State.NEEDS_MAPPING
        or (batch.state == State.PREVIEW and request.GET.get("ghep") == "1")
    )
    context = {
        "batch": batch,
        "sheet": sheet,
        "sheet_kwargs": _sheet_kwargs(sheet),
        "school_class": batch.school_class,
        "show_mapping": show_mapping,
        "mapping_problems": [],
    }
    if show_mapping:
        form = mapping_form or {}
        context.update(
            _mapping_context(
                batch,
                sheet,
                selected=form.get("selected"),
                save_as=form.get("save_as", ""),
                source=form.get("source", ""),
            )
        )
        context["mapping_problems"] = form.get("problems", [])
    if batch.state == State.PREVIEW:
        context.update(_preview_context(batch))
    return render(request, "gradebook/excel_batch.html", context, status=status)


@login_required
@require_GET
def excel_batch(request, batch_id: int):
    """The batch page; to an htmx poll (every second while QUEUED) only the status part."""
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    if getattr(request, "htmx", False):
        return render(
            request,
            "gradebook/excel_status.html",
            {"batch": batch, "sheet_kwargs": _sheet_kwargs(excel_actions.batch_sheet(batch))},
        )
    return _render_batch(request, batch)


@login_required
@require_POST
def excel_map(request, batch_id: int):
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    selected = {}
    for index in range(len(batch.headers)):
        value = request.POST.get(f"col_{index}", "")
        if value:
            selected[index] = value
    save_as = nfc(request.POST.get("save_as", ""))
    source = request.POST.get("source", "")
    try:
        batch = excel_actions.excel_apply_mapping(
            actor=request.actor,
            batch=batch,
            columns=selected,
            save_as=save_as,
            source=source,
            clear_empty=_checked(request, "clear_empty"),
        )
    except excel_actions.GradeMappingError as exc:
        form = {"selected": selected, "save_as": save_as, "source": source}
        return _render_batch(
            request, batch, mapping_form={**form, "problems": exc.problems}, status=400
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("gradebook:excel_batch", batch_id=batch.pk)
    if save_as:
        messages.success(request, f"Đã lưu mẫu ghép cột “{save_as}” để dùng lại.")
    return redirect("gradebook:excel_batch", batch_id=batch.pk)


@login_required
@require_POST
def excel_header_row(request, batch_id: int):
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    try:
        header_row = int(request.POST.get("header_row", ""))
        excel_actions.excel_set_header_row(actor=request.actor, batch=batch, header_row=header_row)
    except ValueError:
        messages.error(request, "Dòng tiêu đề không hợp lệ.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("gradebook:excel_batch", batch_id=batch.pk)


@login_required
@require_POST
def excel_options(request, batch_id: int):
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    try:
        excel_actions.excel_set_clear_empty(
            actor=request.actor, batch=batch, clear_empty=_checked(request, "clear_empty")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("gradebook:excel_batch", batch_id=batch.pk)


@login_required
@require_POST
def excel_commit(request, batch_id: int):
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    try:
        excel_actions.excel_queue_commit(actor=request.actor, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("gradebook:excel_batch", batch_id=batch.pk)


@login_required
@require_POST
def excel_cancel(request, batch_id: int):
    batch = excel_actions.access_grade_batch(request.actor, batch_id)
    try:
        excel_actions.excel_cancel(actor=request.actor, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("gradebook:excel_batch", batch_id=batch.pk)
    messages.success(request, "Đã hủy lần nhập này; chưa có kết quả nào được ghi.")
    return redirect(
        "gradebook:excel_start",
        class_id=batch.school_class_id,
        subject_id=batch.subject_id,
        term_id=batch.term_id,
    )
