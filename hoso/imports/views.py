"""The pages of every import, parametrised by the kind's importer (``urls.import_patterns``
passes it): parse → access → action → render. The policy (all or nothing) is in ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.imports import actions
from hoso.imports.cells import cell_text, column_label
from hoso.imports.errors import ImportErrorCode, MappingError
from hoso.imports.headers import SOURCES
from hoso.imports.importer import Importer
from hoso.imports.models import ImportBatch
from hoso.imports.policies import access_batch
from hoso.imports.selectors import recent_batches

State = ImportBatch.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT = (
    ".xlsx,.xls,.ods,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"
)
SCOPE_STEPS = ("start", "template", "upload")
BATCH_STEPS = ("batch", "map", "header_row", "options", "commit", "cancel", "retry")


def page_urls(importer: Importer, scope: dict, batch: ImportBatch | None = None) -> dict:
    urls = {step: reverse(importer.url_prefix + step, kwargs=scope) for step in SCOPE_STEPS}
    if batch is not None:
        for step in BATCH_STEPS:
            urls[step] = reverse(importer.url_prefix + step, kwargs={"batch_id": batch.pk})
    return urls


def _base_context(importer: Importer, target, scope: dict, batch=None) -> dict:
    back_label, back_url = importer.back_link(target)
    return {
        "importer": importer,
        "words": importer.words,
        "target": target,
        "title": importer.title(target),
        "back_label": back_label,
        "back_url": back_url,
        "urls": page_urls(importer, scope, batch),
        "year": importer.year_of(target),
    }


# --- Start: template download and upload ---------------------------------------------------------


def _render_start(request, importer, target, *, error="", error_field="", form=None, status=200):
    actor = request.actor
    scope = importer.scope_of(target)
    context = _base_context(importer, target, scope)
    context.update(
        page="start",
        batches=recent_batches(importer, actor.school_id, target),
        error=error,
        error_field=error_field,
        form=form if form is not None else importer.initial_form(target),
        max_mb=importer.limits.max_mb,
        accept=ACCEPT,
        upload_blocked=importer.upload_blocked(target),
    )
    context.update(importer.start_context(actor, target))
    return render(request, importer.page_template, context, status=status)


@login_required
@require_GET
def start(request, importer: Importer, **scope):
    target = importer.access_target(request.actor, scope)
    importer.require_import(request.actor, target)
    return _render_start(request, importer, target)


@login_required
@require_GET
def template(request, importer: Importer, **scope):
    target = importer.access_target(request.actor, scope)
    if importer.template_needs_import:
        importer.require_import(request.actor, target)
    content, filename = importer.template_file(request.actor, target)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def upload(request, importer: Importer, **scope):
    actor = request.actor
    target = importer.access_target(actor, scope)
    importer.require_import(actor, target)
    form = {key: nfc(value) for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}

    def fail(message: str, field: str = "file"):
        return _render_start(
            request, importer, target, error=message, error_field=field, form=form, status=400
        )

    try:
        options = importer.read_options(request.POST, target, step="upload")
    except DomainError as exc:
        return fail(exc.message, exc.field or "file")
    upload = request.FILES.get("file")
    if upload is None:
        return fail("Hãy chọn tệp Excel để tải lên.")
    if upload.size > importer.limits.max_bytes:
        return fail(f"Tệp quá lớn: tối đa {importer.limits.max_mb} MB.")
    try:
        batch = actions.import_upload(
            actor=actor,
            importer=importer,
            target=target,
            filename=upload.name or "",
            data=upload.read(),
            options=options,
        )
    except DomainError as exc:
        return fail(exc.message, exc.field or "file")
    return _to_batch(importer, batch)


# --- The batch: mapping, preview, status ---------------------------------------------------------


def _mapping_context(importer, batch, target, *, selected=None, save_as="", source="") -> dict:
    mapping = batch.column_mapping() if selected is None else selected
    header_row = batch.result.get("header_row", 1)
    data_rows = [r for r in batch.raw_rows if r["row"] > header_row][:3]
    columns = []
    for index, header in enumerate(batch.headers):
        samples = [cell_text(r["cells"][index]) for r in data_rows if index < len(r["cells"])]
        columns.append(
            {
                "index": index,
                "label": column_label(index, batch.headers),
                "header": header,
                "samples": [s for s in samples if s],
                "selected": mapping.get(index, ""),
            }
        )
    candidates = [
        {
            "row": r["row"],
            "text": " | ".join(c for c in (cell_text(x) for x in r["cells"]) if c)[:90],
        }
        for r in batch.raw_rows[: importer.limits.header_rows]
    ]
    return {
        "columns": columns,
        "field_choices": [(f.name, f.choice_label) for f in importer.field_specs(target)],
        "header_candidates": candidates,
        "header_row": header_row,
        "sources": SOURCES,
        "save_as": save_as,
        "source": source,
    }


def _preview_context(importer, batch, target) -> dict:
    fields = importer.preview_fields(batch, target)
    errors_at: dict[tuple, list[str]] = {}
    for e in batch.errors:
        errors_at.setdefault((e.get("row"), e.get("field")), []).append(e["message"])
    warnings = batch.result.get("warnings", [])
    warnings_at: dict[tuple, list[str]] = {}
    for w in warnings:
        warnings_at.setdefault((w.get("row"), w.get("field")), []).append(w["message"])
    rows = [
        {
            "row": row["row"],
            "ok": row.get("ok", True),
            "cells": [
                {
                    "value": row.get("display", {}).get(f.name, ""),
                    "errors": errors_at.get((row["row"], f.name), []),
                    "warnings": warnings_at.get((row["row"], f.name), []),
                }
                for f in fields
            ],
        }
        for row in batch.rows
    ]
    return {
        "summary": importer.preview_summary(batch),
        "preview_fields": fields,
        "preview_rows": rows,
        "warnings": warnings,
        "can_commit": importer.can_commit(batch),
        "commit_label": importer.commit_label(batch, target),
    }


def _status_context(importer, batch, target) -> dict:
    context = {"batch": batch, "words": importer.words, "importer": importer}
    context["urls"] = page_urls(importer, batch.scope, batch)
    if batch.state == State.QUEUED:
        context["progress_text"] = importer.progress_text(batch, target)
    elif batch.state == State.COMMITTED:
        context["done_text"] = importer.done_text(batch, target)
        context["done_label"], context["done_url"] = importer.done_link(batch, target)
    return context


def _render_batch(request, importer, batch, *, mapping_form=None, status=200):
    target = actions.batch_target(batch)
    show_mapping = (
        mapping_form is not None
        or batch.state == State.NEEDS_MAPPING
        or (batch.state == State.PREVIEW and request.GET.get("ghep") == "1")
    )
    context = _base_context(importer, target, batch.scope, batch)
    context.update(page="batch", batch=batch, show_mapping=show_mapping, mapping_problems=[])
    context.update(_status_context(importer, batch, target))
    if show_mapping:
        form = mapping_form or {}
        context.update(
            _mapping_context(
                importer,
                batch,
                target,
                selected=form.get("selected"),
                save_as=form.get("save_as", ""),
                source=form.get("source", ""),
            )
        )
        context["mapping_problems"] = form.get("problems", [])
    if batch.state == State.PREVIEW:
        context.update(_preview_context(importer, batch, target))
    return render(request, importer.page_template, context, status=status)


@login_required
@require_GET
def batch(request, importer: Importer, batch_id: int):
    """The batch page; to an htmx poll (every second while QUEUED) only the status part."""
    found = access_batch(request.actor, importer, batch_id)
    if getattr(request, "htmx", False):
        target = actions.batch_target(found)
        return render(request, "imports/status.html", _status_context(importer, found, target))
    return _render_batch(request, importer, found)


@login_required
@require_POST
def map_columns(request, importer: Importer, batch_id: int):
    found = access_batch(request.actor, importer, batch_id)
    selected = {}
    for index in range(len(found.headers)):
        value = request.POST.get(f"col_{index}", "")
        if value:
            selected[index] = value
    save_as = nfc(request.POST.get("save_as", ""))
    source = request.POST.get("source", "")
    try:
        options = importer.read_options(request.POST, actions.batch_target(found), step="mapping")
        found = actions.import_apply_mapping(
            actor=request.actor,
            batch=found,
            columns=selected,
            save_as=save_as,
            source=source,
            options=options,
        )
    except MappingError as exc:
        form = {"selected": selected, "save_as": save_as, "source": source}
        return _render_batch(
            request, importer, found, mapping_form={**form, "problems": exc.problems}, status=400
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_batch(importer, found)
    if save_as:
        messages.success(request, f"Đã lưu mẫu ghép cột “{save_as}” để dùng lại.")
    return _to_batch(importer, found)


def _step(request, importer: Importer, batch_id: int, action, read=None):
    """A POST on a batch: access it, run ``action`` (with what ``read(batch)`` parses from the
    form), say in a message why it was refused. Returns (the batch, whether it ran)."""
    found = access_batch(request.actor, importer, batch_id)
    try:
        arguments = read(found) if read else {}
        action(actor=request.actor, batch=found, **arguments)
    except DomainError as exc:
        messages.error(request, exc.message)
        return found, False
    return found, True


def _to_batch(importer: Importer, batch: ImportBatch):
    return redirect(importer.url_prefix + "batch", batch_id=batch.pk)


def _header_row(request):
    try:
        return {"header_row": int(request.POST.get("header_row", ""))}
    except ValueError:
        raise DomainError(ImportErrorCode.BAD_MAPPING, "Dòng tiêu đề không hợp lệ.")


@login_required
@require_POST
def header_row(request, importer: Importer, batch_id: int):
    found, _ = _step(
        request,
        importer,
        batch_id,
        actions.import_set_header_row,
        lambda batch: _header_row(request),
    )
    return _to_batch(importer, found)


@login_required
@require_POST
def options(request, importer: Importer, batch_id: int):
    def read(batch):
        target = actions.batch_target(batch)
        return {"options": importer.read_options(request.POST, target, step="options")}

    found, _ = _step(request, importer, batch_id, actions.import_set_options, read)
    return _to_batch(importer, found)


@login_required
@require_POST
def commit(request, importer: Importer, batch_id: int):
    found, _ = _step(request, importer, batch_id, actions.import_queue_commit)
    return _to_batch(importer, found)


@login_required
@require_POST
def retry(request, importer: Importer, batch_id: int):
    found, _ = _step(request, importer, batch_id, actions.import_retry)
    return _to_batch(importer, found)


@login_required
@require_POST
def cancel(request, importer: Importer, batch_id: int):
    found, done = _step(request, importer, batch_id, actions.import_cancel)
    if not done:
        return _to_batch(importer, found)
    messages.success(request, f"Đã hủy lần nhập này; chưa có {importer.words.thing} nào được ghi.")
    return redirect(importer.url_prefix + "start", **found.scope)
