"""Every write of the import machinery, for every kind (the kind's ``Importer`` says the rest).

Upload → (column mapping) → preview → commit. The upload is staged on an ``ImportBatch``;
nothing is written to the domain before the commit. The commit runs in the background
(``tasks.commit_import``) and checks the rows again against the database in ONE transaction,
because the data may have changed since the preview; the importer writes every row through its
domain's actions (each audited as usual) and one summary event.

POLICY — ALL OR NOTHING. If any row has an error, nothing is written: the preview shows every
error by Excel row and column and offers no commit button; the user fixes the file and uploads it
again. If anything fails during the commit, the whole transaction rolls back and the batch
becomes FAILED with its errors; it can be checked again (retry) once the data is put right, or
cancelled. The batch keeps what was uploaded either way, so nothing the user sent is lost.

Every action takes the actor and checks the importer's policy; a batch's state moves only as
``workflow`` allows, under a row lock. Saved mappings are audited (``import_mapping.saved``).
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor, build_actor
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.queueing import queue_batch_after_commit
from hoso.core.text import nfc
from hoso.imports import workflow
from hoso.imports.errors import ImportErrorCode, ImportFileError, MappingError
from hoso.imports.headers import (
    SOURCE_CODES,
    headers_of,
    mapping_from_saved,
    mapping_to_saved,
    signature,
)
from hoso.imports.importer import (
    Evaluation,
    Importer,
    Layout,
    RowsRejected,
    batch_error,
    sort_entries,
)
from hoso.imports.models import ImportBatch, ImportMapping, scope_key
from hoso.imports.reading import SheetData, read_workbook
from hoso.imports.registry import importer_for
from hoso.imports.workflow import Step

logger = logging.getLogger(__name__)

State = ImportBatch.State
S_FAILED = ImportBatch.State.FAILED
MAPPING_NAME_MAX = 100


# --- Helpers ------------------------------------------------------------------------------------


def batch_target(batch: ImportBatch):
    """What the batch imports into (loaded once per batch object, without access checks: the
    batch was accessed already, or the commit runs in the background)."""
    target = getattr(batch, "_target", None)
    if target is None:
        target = importer_for(batch.kind).target_of(batch.scope, batch.school_id)
        batch._target = target
    return target


def evaluate_batch(importer: Importer, batch: ImportBatch, target, actor: Actor) -> Evaluation:
    """Check the batch's rows with its mapping; sets ``rows``, ``errors`` (sorted by row and
    column), the warnings and the importer's counts. Does not save."""
    evaluation = importer.evaluate(batch, target, actor)
    batch.rows = evaluation.rows
    batch.errors = sort_entries(evaluation.errors)
    batch.result = {
        **batch.result,
        "warnings": sort_entries(evaluation.warnings),
        **evaluation.counts,
    }
    return evaluation


def choose_layout(importer: Importer, school, data: bytes, sheets: list[SheetData], target):
    """Where the data is, and how its columns map.

    The file's own declaration first (our template); then a saved mapping whose signature
    matches one of the first rows of a sheet (the latest saved wins); then the first row the
    importer recognises as a header; otherwise the row with the most recognised headers, for
    the user to map by hand."""
    declared = importer.layout_from_file(data, sheets, target)
    if declared is not None:
        return declared
    rows = importer.limits.header_rows
    candidates = [
        (sheet, r["row"], headers_of(r, sheet.width)) for sheet in sheets for r in sheet.rows[:rows]
    ]
    if not candidates:
        raise DomainError(ImportErrorCode.BAD_FILE, "Tệp không có dữ liệu.", field="file")
    signatures = {signature(headers) for _, _, headers in candidates}
    saved: dict[str, ImportMapping] = {}
    for found in ImportMapping.objects.filter(
        school=school, kind=importer.kind, signature__in=signatures
    ).order_by("created_at", "pk"):
        saved[found.signature] = found  # the latest wins
    for sheet, number, headers in candidates:
        found = saved.get(signature(headers))
        if found is not None:
            mapping = mapping_from_saved(found.columns, headers)
            return Layout(sheet, number, headers, mapping, "saved", found.name)
    suggestions = [importer.suggest_mapping(headers, target) for _, _, headers in candidates]
    for (sheet, number, headers), mapping in zip(candidates, suggestions, strict=True):
        if importer.recognises(headers, mapping, target):
            return Layout(sheet, number, headers, mapping, "recognised")
    best = max(range(len(candidates)), key=lambda i: len(suggestions[i]))  # the first of the best
    sheet, number, headers = candidates[best]
    return Layout(sheet, number, headers, suggestions[best], "")


def _locked(importer: Importer, batch: ImportBatch, step: Step) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not workflow.allowed(step, locked.state):
        raise DomainError(
            ImportErrorCode.BAD_STATE,
            f"{importer.words.batch} đang ở trạng thái “{locked.get_state_display()}”, "
            f"không {workflow.VERBS[step]} được.",
        )
    locked._target = getattr(batch, "_target", None)
    return locked


def _prepare(batch: ImportBatch, actor: Actor) -> tuple[Importer, object]:
    importer = importer_for(batch.kind)
    target = batch_target(batch)
    importer.require_import(actor, target)
    return importer, target


# --- Actions ------------------------------------------------------------------------------------


def import_upload(
    *,
    actor: Actor,
    importer: Importer,
    target,
    filename: str,
    data: bytes,
    options: dict | None = None,
) -> ImportBatch:
    """Stage an uploaded file: PREVIEW when the layout is trusted (our template, a saved mapping,
    recognised headers) and its mapping complete, NEEDS_MAPPING otherwise. Writes no data."""
    importer.require_import(actor, target)
    importer.check_upload(actor, target)
    kept = importer.clean_options(target, {**importer.default_options(target), **(options or {})})
    try:
        sheets = read_workbook(data, importer.limits)
    except ImportFileError as exc:
        raise DomainError(ImportErrorCode.BAD_FILE, exc.message, field="file")
    layout = choose_layout(importer, actor.school, data, sheets, target)
    scope = importer.scope_of(target)
    batch = ImportBatch(
        kind=importer.kind,
        school=actor.school,
        scope=scope,
        scope_key=scope_key(scope),
        uploaded_by=actor.user,
        filename=nfc(filename)[:200] or "tep.xlsx",
        state=State.NEEDS_MAPPING,
        headers=layout.headers,
        raw_rows=layout.sheet.rows,
        mapping={str(k): v for k, v in sorted(layout.mapping.items())},
        result={
            "sheet": layout.sheet.name,
            "header_row": layout.header_row,
            "how": layout.how,
            "mapping_name": layout.mapping_name,
            "mapping_applied": layout.how == "saved",
            **kept,
            "warnings": [],
        },
    )
    batch._target = target
    if layout.trusted and not importer.mapping_problems(layout.mapping, layout.headers, target):
        evaluate_batch(importer, batch, target, actor)
        batch.state = State.PREVIEW
    with transaction.atomic():
        batch.save()
    return batch


def import_set_header_row(*, actor: Actor, batch: ImportBatch, header_row: int) -> ImportBatch:
    """Use another row of the file as the header row; the user then confirms the mapping."""
    importer, target = _prepare(batch, actor)
    with transaction.atomic():
        locked = _locked(importer, batch, Step.HEADER_ROW)
        row = next((r for r in locked.raw_rows if r["row"] == header_row), None)
        if row is None:
            raise DomainError(
                ImportErrorCode.BAD_MAPPING,
                f"Dòng {header_row} không có trong tệp.",
                field="header_row",
            )
        width = max((len(r["cells"]) for r in locked.raw_rows), default=0)
        headers = headers_of(row, width)
        locked.headers = headers
        suggested = importer.suggest_mapping(headers, target)
        locked.mapping = {str(k): v for k, v in sorted(suggested.items())}
        locked.rows, locked.errors = [], []
        locked.result = {
            **locked.result,
            "header_row": header_row,
            "how": "",
            "mapping_name": "",
            "mapping_applied": False,
            "warnings": [],
        }
        locked.state = workflow.after(Step.HEADER_ROW)
        locked.save()
    return locked


def import_apply_mapping(
    *,
    actor: Actor,
    batch: ImportBatch,
    columns: dict[int, str],
    save_as: str = "",
    source: str = "",
    options: dict | None = None,
) -> ImportBatch:
    """Apply the user's column mapping and check the rows (→ PREVIEW). With ``save_as`` the
    mapping is saved for the school and applied by itself to files with the same headers."""
    importer, target = _prepare(batch, actor)
    columns = {int(i): f for i, f in columns.items() if f}
    problems = importer.mapping_problems(columns, batch.headers, target)
    save_as = nfc(save_as)
    if len(save_as) > MAPPING_NAME_MAX:
        problems.append(
            f"Tên mẫu ghép cột tối đa {MAPPING_NAME_MAX} ký tự (đang có {len(save_as)})."
        )
    if problems:
        raise MappingError(problems)
    kept = importer.clean_options(target, options) if options else {}
    with transaction.atomic():
        locked = _locked(importer, batch, Step.MAP)
        locked.mapping = {str(k): v for k, v in sorted(columns.items())}
        if save_as:
            _save_mapping(actor, importer, locked, columns, save_as, source)
        locked.result = {
            **locked.result,
            **kept,
            "how": "manual",
            "mapping_name": save_as,
            "mapping_applied": False,
        }
        evaluate_batch(importer, locked, target, actor)
        locked.state = workflow.after(Step.MAP)
        locked.save()
    return locked


def _save_mapping(
    actor: Actor,
    importer: Importer,
    batch: ImportBatch,
    columns: dict[int, str],
    name: str,
    source: str,
) -> ImportMapping:
    headers_signature = signature(batch.headers)
    saved_columns = mapping_to_saved(columns, batch.headers)
    source = source if source in SOURCE_CODES else "khac"
    existing = (
        ImportMapping.objects.select_for_update()
        .filter(school_id=batch.school_id, kind=importer.kind, name=name)
        .first()
    )
    if existing is not None and existing.signature != headers_signature:
        raise MappingError(
            [f"Đã có mẫu ghép cột tên “{name}” cho một kiểu tệp khác; hãy đặt tên khác."]
        )
    before = None
    if existing is None:
        mapping = ImportMapping(
            school_id=batch.school_id, kind=importer.kind, name=name, created_by=actor.user
        )
    else:
        mapping = existing
        before = {"source": existing.source, "columns": existing.columns}
    mapping.source = source
    mapping.header_row = batch.result["header_row"]
    mapping.columns = saved_columns
    mapping.signature = headers_signature
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:  # the same name saved by somebody else a moment ago
        raise MappingError([f"Mẫu ghép cột “{name}” vừa được người khác lưu; hãy bấm lại."])
    audit_record(
        event_type="import_mapping.saved",
        actor=actor.user,
        school_id=batch.school_id,
        target=mapping,
        before=before,
        after={"kind": importer.kind, "name": name, "source": source, "columns": saved_columns},
        acting_as=actor.acting_as_for(*actor.roles),
    )
    return mapping


def import_set_options(*, actor: Actor, batch: ImportBatch, options: dict) -> ImportBatch:
    """Change the batch's options (e.g. 'empty cells clear stored results') and check again."""
    importer, target = _prepare(batch, actor)
    kept = importer.clean_options(target, options)
    with transaction.atomic():
        locked = _locked(importer, batch, Step.OPTIONS)
        locked.result = {**locked.result, **kept}
        evaluate_batch(importer, locked, target, actor)
        locked.save()
    return locked


def import_queue_commit(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """PREVIEW without errors → QUEUED; the background task writes the rows."""
    importer, target = _prepare(batch, actor)
    importer.check_commit(actor, batch, target)
    with transaction.atomic():
        locked = _locked(importer, batch, Step.QUEUE)
        if locked.errors:
            raise DomainError(
                ImportErrorCode.IMPORT_HAS_ERRORS,
                f"Còn {len(locked.errors)} lỗi: chưa ghi {importer.words.unit} nào. "
                "Hãy sửa tệp Excel rồi tải lên lại.",
            )
        importer.check_ready(locked)
        from hoso.imports.tasks import commit_import

        queue_batch_after_commit(
            locked,
            user=actor.user,
            task=commit_import,
            queued=workflow.after(Step.QUEUE),
            fallback=State.PREVIEW,
        )
    return locked


def import_cancel(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Drop the batch (→ CANCELLED), also while it waits for the worker: the commit locks the
    batch and finds it cancelled, so nothing is written. A commit already writing holds the lock:
    the cancel waits for it, then finds the batch committed and is refused."""
    importer, _ = _prepare(batch, actor)
    with transaction.atomic():
        locked = _locked(importer, batch, Step.CANCEL)
        before = locked.state
        locked.state = workflow.after(Step.CANCEL)
        locked.save(update_fields=["state"])
        _audit_state(actor, locked, "import.cancelled", before)
    return locked


def _audit_state(actor: Actor | None, batch: ImportBatch, event_type: str, before: str) -> None:
    audit_record(
        event_type=event_type,
        actor=actor.user if actor is not None else None,
        school_id=batch.school_id,
        target=batch,
        before={"state": before},
        after={"state": batch.state, "kind": batch.kind, "file": batch.filename},
        acting_as=actor.acting_as_for(*actor.roles) if actor is not None else "",
    )


def import_retry(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """A FAILED batch checked again against the database as it is now (→ PREVIEW): after the
    cause was put right (a student added by hand removed, a column reopened), the same upload
    can be committed without sending the file again."""
    importer, target = _prepare(batch, actor)
    importer.check_upload(actor, target)
    with transaction.atomic():
        locked = _locked(importer, batch, Step.RETRY)
        evaluate_batch(importer, locked, target, actor)
        locked.state = workflow.after(Step.RETRY)
        locked.save()
        _audit_state(actor, locked, "import.retried", S_FAILED)
    return locked


def import_worker_lost(*, batch_id: int, give_up: bool) -> bool:
    """The worker running the batch's commit died (``core.jobs``). Its transaction was rolled
    back by the database, so nothing was written and the batch is still QUEUED: True runs the
    commit again; with ``give_up`` (lost too often) the batch becomes FAILED, visibly, to be
    checked again or cancelled. False when the batch no longer waits (committed, cancelled)."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if locked is None or locked.state != State.QUEUED:
            return False
        lost = int(locked.result.get("worker_lost", 0)) + 1
        locked.result = {**locked.result, "worker_lost": lost}
        if give_up:
            words = importer_for(locked.kind).words
            locked.state = workflow.after(Step.FAIL)
            locked.errors = [
                batch_error(
                    f"Tiến trình nền dừng đột ngột {lost} lần khi đang ghi; chưa "
                    f"{words.unit} nào được ghi. Bấm “Kiểm tra lại” để ghi lại, hoặc hủy.",
                    code="SYSTEM" if importer_for(locked.kind).error_codes else "",
                )
            ]
        locked.save(update_fields=["state", "errors", "result"])
        _audit_state(None, locked, "import.worker_lost", State.QUEUED)
    return not give_up


def import_run_commit(*, batch_id: int) -> ImportBatch:
    """The background commit: check again, then write every row in ONE transaction.

    Runs without a request, so the actor is rebuilt from the person who asked for the commit
    (the uploader, or e.g. a clerk finishing a teacher's upload) and the target's year. Any
    error rolls everything back and leaves the batch FAILED with the errors by row and column."""
    batch = ImportBatch.objects.select_related("school", "uploaded_by").get(pk=batch_id)
    if batch.state != State.QUEUED:
        return batch  # delivered twice, or cancelled meanwhile
    importer = importer_for(batch.kind)
    committer = batch.uploaded_by
    if batch.result.get("queued_by") not in (None, committer.pk):
        committer = get_user_model().objects.get(pk=batch.result["queued_by"])
    try:
        target = batch_target(batch)
    except ObjectDoesNotExist:  # the class (sheet, …) was deleted while the commit waited
        _mark_failed(batch_id, [batch_error("Nơi nhập dữ liệu không còn tồn tại; chưa ghi gì.")])
        return ImportBatch.objects.get(pk=batch_id)
    actor = build_actor(committer, batch.school, importer.year_of(target))
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if not workflow.allowed(Step.COMMIT, locked.state):
                return locked
            refusal = importer.commit_refusal(actor, target)
            if refusal is not None:
                raise RowsRejected([refusal])
            previewed = list(locked.rows)
            fresh = evaluate_batch(importer, locked, target, actor)
            errors = list(fresh.errors) + importer.stale_since_preview(previewed, fresh)
            if errors:
                raise RowsRejected(errors)
            counts = importer.commit(actor=actor, batch=locked, target=target, evaluation=fresh)
            locked.state = workflow.after(Step.COMMIT)
            locked.errors = []
            locked.result = {
                **locked.result,
                **counts,
                "committed_at": clock.now().isoformat(),
            }
            locked.save()
        return locked
    except RowsRejected as exc:
        _mark_failed(batch_id, sort_entries(exc.errors))
    except Exception:
        logger.exception("Import %s (%s) failed", batch_id, batch.kind)
        words = importer.words
        _mark_failed(
            batch_id,
            [
                batch_error(
                    f"Lỗi hệ thống khi ghi {words.content}; chưa {words.unit} nào được ghi. "
                    "Hãy tải tệp lên lại.",
                    code="SYSTEM" if importer.error_codes else "",
                )
            ],
        )
        raise
    return ImportBatch.objects.get(pk=batch_id)


def _mark_failed(batch_id: int, errors: list[dict]) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(state=workflow.after(Step.FAIL), errors=errors)
