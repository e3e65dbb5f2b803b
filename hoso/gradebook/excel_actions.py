"""Writes of the Excel round trip of a grade sheet (nhập điểm từ Excel).

Upload → (column mapping) → preview of the changes → commit. The upload is staged on a
``GradeImportBatch``; no result is written before commit. The commit runs in the background
(``tasks.commit_grade_import``), re-validates against the database in ONE transaction and applies
every change through ``actions.assessment_save`` — so each change is checked by the same rules as
the grid and audited as ``grade.saved`` — then writes one ``grade.imported`` summary event.

POLICY — ALL OR NOTHING. Any error (a bad value, an unknown student, a change to a finalised or
locked column, …) and nothing is written: the preview lists the errors by Excel row and column and
offers no commit button; the user fixes the file and uploads it again. If anything fails during the
commit (a column was finalised meanwhile, somebody changed a result since the preview), the whole
transaction is rolled back and the batch becomes FAILED with its errors. The batch keeps what was
uploaded either way. Empty cells leave stored results alone unless the user asks that they clear
them.

Only the teacher assigned to the sheet (class × subject × term) uploads and commits (403,
logged, for anybody else); batches of another school, or of a sheet the person cannot read, are
404.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hoso.accounts.actor import Actor, build_actor
from hoso.accounts.policies import log_denied, not_found
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.queueing import queue_batch_after_commit
from hoso.core.text import nfc
from hoso.gradebook import excel
from hoso.gradebook.actions import assessment_save, ensure_writable
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.excel import ExcelError
from hoso.gradebook.models import Assessment, GradeImportBatch
from hoso.gradebook.policies import access_sheet, is_assigned_teacher
from hoso.gradebook.selectors import sheet_data
from hoso.gradebook.sheets import Sheet, load_sheet
from hoso.organisation.assignments.selectors import teacher_of
from hoso.students import importing
from hoso.students.models import Enrolment, ImportMapping, Student

logger = logging.getLogger(__name__)

State = GradeImportBatch.State
MAPPING_KIND = "grades"  # ImportMapping.kind: the class-list importer never sees these
SOURCE_CODES = {code for code, _ in importing.SOURCES}

# Short reasons for the template's grey columns, by the code ensure_writable raises.
_READONLY_REASONS = {
    GradebookError.FINALISED: "đã chốt",
    GradebookError.LOCKED: "sổ đã khóa",
    GradebookError.YEAR_CLOSED: "năm học đã khóa",
    GradebookError.NOT_ASSIGNED: "chỉ giáo viên bộ môn được phân công mới nhập",
    GradebookError.APPROVED: "kết quả của lớp đã được phê duyệt",
}


class GradeMappingError(DomainError):
    """A column mapping that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__(ExcelError.BAD_MAPPING, " ".join(problems))
        self.problems = problems


class _Rejected(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


# --- Access -------------------------------------------------------------------------------------


def _sheet_name(sheet_or_batch) -> str:
    return (
        f"môn {sheet_or_batch.subject.name} lớp {sheet_or_batch.school_class.name} "
        f"{sheet_or_batch.term}"
    )


def require_sheet_writer(actor: Actor, sheet: Sheet) -> None:
    """403 (logged) unless the actor is the teacher assigned to this sheet."""
    if not is_assigned_teacher(actor, sheet.school_class, sheet.subject, sheet.term):
        log_denied(actor, kind="forbidden", what=f"nhập điểm từ Excel {_sheet_name(sheet)}")
        raise PermissionDeniedError(
            GradebookError.NOT_ASSIGNED,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới được nhập điểm từ Excel.",
        )


def access_excel_sheet(
    actor: Actor, class_id: int, subject_id: int, term_id: int, *, write: bool
) -> Sheet:
    """The sheet, if the actor may read it (404 otherwise); with ``write``, 403 unless the actor
    is its assigned teacher."""
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    sheet = load_sheet(school_class, subject, term)
    if write:
        require_sheet_writer(actor, sheet)
    return sheet


def access_grade_batch(actor: Actor, batch_id: int) -> GradeImportBatch:
    """The batch, if it belongs to the actor's school and its sheet is readable (404
    otherwise); 403 unless the actor is the sheet's assigned teacher."""
    batch = (
        GradeImportBatch.objects.filter(pk=batch_id, school_id=actor.school_id)
        .select_related(
            "school_class__grade", "school_class__year", "subject", "term", "uploaded_by"
        )
        .first()
    )
    if batch is None:
        raise not_found(actor, f"lần nhập điểm từ Excel #{batch_id}")
    access_sheet(actor, batch.school_class_id, batch.subject_id, batch.term_id)
    require_sheet_writer(actor, batch_sheet(batch))
    return batch


def batch_sheet(batch: GradeImportBatch) -> Sheet:
    return load_sheet(batch.school_class, batch.subject, batch.term)


# --- Reads: the template --------------------------------------------------------------------------


def writable_columns(actor: Actor, sheet: Sheet) -> dict[str, tuple[str, str]]:
    """Columns the actor may NOT change now: key -> (code, message) from ``ensure_writable``."""
    blocked: dict[str, tuple[str, str]] = {}
    for column in sheet.columns:
        try:
            ensure_writable(actor, sheet, column.key)
        except DomainError as exc:
            blocked[column.key] = (exc.code, exc.message)
    return blocked


def template_spec(actor: Actor, sheet: Sheet) -> excel.TemplateSpec:
    """What the downloadable template holds: the stored results, in class-list order, with the
    columns the actor cannot change greyed and locked."""
    from hoso.assessment.rules import get_ruleset

    data = sheet_data(sheet)
    readonly = {
        key: _READONLY_REASONS.get(code, message)
        for key, (code, message) in writable_columns(actor, sheet).items()
    }
    teacher = teacher_of(school_class=sheet.school_class, subject=sheet.subject, term=sheet.term)
    rows = [
        excel.TemplateRow(
            code=row.student.student_code,
            name=row.student.full_name,
            birth_date=row.student.birth_date,
            values={k: (c.value, c.text) for k, c in row.cells.items()},
            active=row.active,
            note="" if row.active else row.enrolment.get_status_display(),
        )
        for row in data.rows
    ]
    try:
        ruleset_title = get_ruleset(sheet.ruleset).title
    except Exception:
        ruleset_title = sheet.ruleset
    school_class = sheet.school_class
    return excel.TemplateSpec(
        school_name=actor.school.name,
        class_name=school_class.name,
        subject_name=sheet.subject.name,
        term_name=str(sheet.term),
        year_name=school_class.year.name,
        teacher_name=teacher.full_name if teacher else "",
        ruleset_title=ruleset_title,
        columns=sheet.columns,
        rows=rows,
        readonly=readonly,
        meta={
            "school": actor.school_id,
            "class": school_class.pk,
            "subject": sheet.subject.pk,
            "term": sheet.term.pk,
            "class_name": school_class.name,
            "subject_name": sheet.subject.name,
            "term_name": str(sheet.term),
            "year": school_class.year.name,
            "columns": [c.key for c in sheet.columns],
            "generated_at": clock.now().isoformat(),
        },
    )


def template_download(actor: Actor, sheet: Sheet) -> tuple[bytes, str]:
    """(.xlsx bytes, file name) of the sheet's template."""
    content = excel.build_template(template_spec(actor, sheet))
    name = excel.template_filename(sheet.school_class.name, sheet.subject.code, sheet.term.number)
    return content, name


# --- Evaluation -----------------------------------------------------------------------------------


def batch_mapping(batch: GradeImportBatch) -> dict[int, str]:
    return {int(k): v for k, v in (batch.mapping or {}).items() if v}


def _evaluate(batch: GradeImportBatch, sheet: Sheet, actor: Actor) -> excel.Evaluation:
    """Check the batch's rows against the book as it is now. Sets ``rows`` (the changes),
    ``errors`` and the counts; does not save."""
    enrolments = list(
        Enrolment.objects.filter(school_class=sheet.school_class).select_related("student")
    )
    students = [
        excel.StudentRef(
            id=e.student_id,
            code=e.student.student_code,
            name=e.student.full_name,
            birth_date=e.student.birth_date,
            active=e.end_date is None and e.status in Enrolment.ACTIVE,
            status=e.get_status_display(),
        )
        for e in enrolments
    ]
    stored = {
        (a.student_id, a.column): excel.StoredCell(a.value, a.text, a.version)
        for a in Assessment.objects.filter(
            subject=sheet.subject, term=sheet.term, student_id__in=[s.id for s in students]
        ).only("student_id", "column", "value", "text", "version")
    }
    result = excel.evaluate_rows(
        batch.raw_rows,
        header_row=batch.result["header_row"],
        headers=batch.headers,
        mapping=batch_mapping(batch),
        columns=sheet.columns,
        students=students,
        stored=stored,
        blocked=writable_columns(actor, sheet),
        clear_empty=bool(batch.result.get("clear_empty")),
        class_name=sheet.school_class.name,
    )
    batch.rows = result.changes
    batch.errors = result.errors
    batch.result = {
        **batch.result,
        "warnings": result.warnings,
        "unchanged": result.unchanged,
        "students": result.students,
        "changes": len(result.changes),
        "cleared": sum(1 for c in result.changes if c["cleared"]),
    }
    return result


def _choose_layout(school, sheets: list[excel.SheetData], sheet: Sheet):
    """(sheet, header row, headers, mapping, how, saved mapping name).

    ``how``: "saved" when a saved mapping's signature matches one of the first rows,
    "recognised" when every header is one of our template's, "" when the user must map (the
    row with the most recognised headers is proposed)."""
    candidates = excel.header_candidates(sheets)
    if not candidates:
        raise DomainError(ExcelError.BAD_FILE, "Tệp không có dữ liệu.", field="file")
    signatures = {excel.signature(headers) for _, _, headers in candidates}
    saved = {}
    for found in ImportMapping.objects.filter(
        school=school, kind=MAPPING_KIND, signature__in=signatures
    ).order_by("-created_at", "-pk"):
        saved[found.signature] = found  # the oldest wins
    for data, number, headers in candidates:
        found = saved.get(excel.signature(headers))
        if found is not None:
            mapping = excel.mapping_from_saved(found.columns, headers)
            return data, number, headers, mapping, "saved", found.name
    for data, number, headers in candidates:
        if excel.is_our_layout(headers, sheet.columns):
            mapping = excel.suggest_mapping(headers, sheet.columns)
            return data, number, headers, mapping, "recognised", ""
    best = max(
        candidates, key=lambda c: len(excel.suggest_mapping(c[2], sheet.columns))
    )  # first of the best
    data, number, headers = best
    return data, number, headers, excel.suggest_mapping(headers, sheet.columns), "", ""


# --- Actions --------------------------------------------------------------------------------------


def _ensure_open_year(sheet: Sheet) -> None:
    if sheet.school_class.year.is_closed:
        raise DomainError(GradebookError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")


def excel_upload(
    *,
    actor: Actor,
    sheet: Sheet,
    filename: str,
    data: bytes,
    clear_empty: bool = False,
) -> GradeImportBatch:
    """Stage an uploaded grade sheet: PREVIEW when it is our template of this sheet (or its
    headers are ours, or a saved mapping applies), NEEDS_MAPPING otherwise. Writes no result."""
    require_sheet_writer(actor, sheet)
    _ensure_open_year(sheet)
    if not data:
        raise DomainError(ExcelError.BAD_FILE, "Tệp rỗng.", field="file")
    if len(data) > excel.MAX_UPLOAD_BYTES:
        raise DomainError(ExcelError.BAD_FILE, "Tệp quá lớn: tối đa 5 MB.", field="file")
    try:
        sheets = excel.read_workbook(data)
    except excel.ImportFileError as exc:
        raise DomainError(ExcelError.BAD_FILE, str(exc), field="file")
    meta = excel.read_meta(data)
    layout = None
    if meta is not None:
        ids = {
            "class_id": sheet.school_class.pk,
            "subject_id": sheet.subject.pk,
            "term_id": sheet.term.pk,
        }
        if not excel.meta_matches(meta, **ids):
            theirs = (
                f"môn {meta.get('subject_name', '?')} lớp {meta.get('class_name', '?')} "
                f"{meta.get('term_name', '')}".strip()
            )
            raise DomainError(
                ExcelError.WRONG_SHEET,
                f"Tệp này là mẫu sổ điểm {theirs}, không phải sổ đang chọn "
                f"({_sheet_name(sheet)}). Hãy tải lên đúng tệp, hoặc mở đúng sổ điểm.",
                field="file",
            )
        found = excel.layout_from_meta(meta, sheets)
        if found is not None:
            layout = (*found, "template", "")
    if layout is None:
        layout = _choose_layout(actor.school, sheets, sheet)
    data_sheet, header_row, headers, mapping, how, mapping_name = layout
    batch = GradeImportBatch(
        school=actor.school,
        school_class=sheet.school_class,
        subject=sheet.subject,
        term=sheet.term,
        uploaded_by=actor.user,
        filename=nfc(filename)[:200] or "tep.xlsx",
        state=State.NEEDS_MAPPING,
        headers=headers,
        raw_rows=data_sheet.rows,
        mapping={str(k): v for k, v in sorted(mapping.items())},
        result={
            "sheet": data_sheet.name,
            "header_row": header_row,
            "how": how,
            "mapping_name": mapping_name,
            "mapping_applied": how == "saved",
            "clear_empty": bool(clear_empty),
            "warnings": [],
        },
    )
    if how and not excel.mapping_problems(mapping, headers, sheet.columns):
        _evaluate(batch, sheet, actor)
        batch.state = State.PREVIEW
    with transaction.atomic():
        batch.save()
    return batch


def _locked_batch(batch: GradeImportBatch, states: tuple[str, ...], what: str):
    locked = (
        GradeImportBatch.objects.select_for_update(of=("self",))
        .select_related("school_class__grade", "school_class__year", "subject", "term")
        .get(pk=batch.pk)
    )
    if locked.state not in states:
        raise DomainError(
            ExcelError.BAD_STATE,
            f"Lần nhập này đang ở trạng thái “{locked.get_state_display()}”, không {what} được.",
        )
    return locked


def excel_set_header_row(
    *, actor: Actor, batch: GradeImportBatch, header_row: int
) -> GradeImportBatch:
    """Use another row of the file as the header row; the user then confirms the mapping."""
    sheet = batch_sheet(batch)
    require_sheet_writer(actor, sheet)
    with transaction.atomic():
        locked = _locked_batch(batch, (State.NEEDS_MAPPING, State.PREVIEW), "ghép cột")
        row = next((r for r in locked.raw_rows if r["row"] == header_row), None)
        if row is None:
            raise DomainError(
                ExcelError.BAD_MAPPING, f"Dòng {header_row} không có trong tệp.", field="header_row"
            )
        width = max((len(r["cells"]) for r in locked.raw_rows), default=0)
        headers = importing.headers_of(row, width)
        locked.headers = headers
        locked.mapping = {
            str(k): v for k, v in excel.suggest_mapping(headers, sheet.columns).items()
        }
        locked.rows, locked.errors = [], []
        locked.result = {
            **locked.result,
            "header_row": header_row,
            "how": "",
            "mapping_name": "",
            "mapping_applied": False,
            "warnings": [],
        }
        locked.state = State.NEEDS_MAPPING
        locked.save()
    return locked


def excel_apply_mapping(
    *,
    actor: Actor,
    batch: GradeImportBatch,
    columns: dict[int, str],
    save_as: str = "",
    source: str = "",
    clear_empty: bool | None = None,
) -> GradeImportBatch:
    """Apply the user's column mapping and check the rows (→ PREVIEW). With ``save_as`` the
    mapping is saved for the school and applied to later files with the same headers."""
    sheet = batch_sheet(batch)
    require_sheet_writer(actor, sheet)
    columns = {int(i): t for i, t in columns.items() if t}
    problems = excel.mapping_problems(columns, batch.headers, sheet.columns)
    if problems:
        raise GradeMappingError(problems)
    save_as = nfc(save_as)[:100]
    with transaction.atomic():
        locked = _locked_batch(batch, (State.NEEDS_MAPPING, State.PREVIEW), "ghép cột")
        locked.mapping = {str(k): v for k, v in sorted(columns.items())}
        if save_as:
            _save_mapping(actor=actor, batch=locked, columns=columns, name=save_as, source=source)
        locked.result = {
            **locked.result,
            "how": "manual",
            "mapping_name": save_as,
            "mapping_applied": False,
        }
        if clear_empty is not None:
            locked.result["clear_empty"] = bool(clear_empty)
        _evaluate(locked, sheet, actor)
        locked.state = State.PREVIEW
        locked.save()
    return locked


def excel_set_clear_empty(
    *, actor: Actor, batch: GradeImportBatch, clear_empty: bool
) -> GradeImportBatch:
    """Switch 'empty cells clear stored results' on or off and check the rows again."""
    sheet = batch_sheet(batch)
    require_sheet_writer(actor, sheet)
    with transaction.atomic():
        locked = _locked_batch(batch, (State.PREVIEW,), "đổi tùy chọn")
        locked.result = {**locked.result, "clear_empty": bool(clear_empty)}
        _evaluate(locked, sheet, actor)
        locked.save()
    return locked


def _save_mapping(
    *, actor: Actor, batch: GradeImportBatch, columns: dict[int, str], name: str, source: str
) -> ImportMapping:
    signature = excel.signature(batch.headers)
    saved_columns = excel.mapping_to_saved(columns, batch.headers)
    source = source if source in SOURCE_CODES else "khac"
    existing = ImportMapping.objects.filter(
        school_id=batch.school_id, kind=MAPPING_KIND, name=name
    ).first()
    if existing is not None and existing.signature != signature:
        raise GradeMappingError(
            [f"Đã có mẫu ghép cột tên “{name}” cho một kiểu tệp khác; hãy đặt tên khác."]
        )
    before = None
    if existing is None:
        mapping = ImportMapping(
            school_id=batch.school_id, kind=MAPPING_KIND, name=name, created_by=actor.user
        )
    else:
        mapping = existing
        before = {"source": existing.source, "columns": existing.columns}
    mapping.source = source
    mapping.header_row = batch.result["header_row"]
    mapping.columns = saved_columns
    mapping.signature = signature
    mapping.save()
    audit_record(
        event_type="import_mapping.saved",
        actor=actor.user,
        school_id=batch.school_id,
        target=mapping,
        before=before,
        after={"kind": MAPPING_KIND, "name": name, "source": source, "columns": saved_columns},
    )
    return mapping


def excel_queue_commit(*, actor: Actor, batch: GradeImportBatch) -> GradeImportBatch:
    """PREVIEW without errors and with changes → QUEUED; the background task writes them."""
    sheet = batch_sheet(batch)
    require_sheet_writer(actor, sheet)
    _ensure_open_year(sheet)
    with transaction.atomic():
        locked = _locked_batch(batch, (State.PREVIEW,), "ghi")
        if locked.errors:
            raise DomainError(
                ExcelError.IMPORT_HAS_ERRORS,
                f"Còn {len(locked.errors)} lỗi: chưa ghi ô nào. Hãy sửa tệp Excel rồi tải lên lại.",
            )
        if not locked.rows:
            raise DomainError(
                ExcelError.IMPORT_HAS_ERRORS,
                "Tệp không có thay đổi nào so với sổ điểm: không có gì để ghi.",
            )
        from hoso.gradebook.tasks import commit_grade_import

        queue_batch_after_commit(
            locked,
            user=actor.user,
            task=commit_grade_import,
            queued=State.QUEUED,
            fallback=State.PREVIEW,
        )
    return locked


def excel_cancel(*, actor: Actor, batch: GradeImportBatch) -> GradeImportBatch:
    require_sheet_writer(actor, batch_sheet(batch))
    with transaction.atomic():
        locked = _locked_batch(batch, (State.NEEDS_MAPPING, State.PREVIEW, State.FAILED), "hủy")
        locked.state = State.CANCELLED
        locked.save(update_fields=["state"])
    return locked


def excel_run_commit(*, batch_id: int) -> GradeImportBatch:
    """The background commit: re-check against the database, then save every change in ONE
    transaction through ``assessment_save`` (each audited as ``grade.saved``), then one
    ``grade.imported`` event. Any error rolls everything back and leaves the batch FAILED.

    Runs without a request: the actor is rebuilt from the person who pressed commit. A result
    changed by somebody else since the preview is an error (the preview is what was agreed)."""
    batch = GradeImportBatch.objects.select_related(
        "school", "school_class__grade", "school_class__year", "subject", "term", "uploaded_by"
    ).get(pk=batch_id)
    if batch.state != State.QUEUED:
        return batch  # delivered twice, or cancelled meanwhile
    committer = batch.uploaded_by
    if batch.result.get("queued_by") not in (None, committer.pk):
        committer = get_user_model().objects.get(pk=batch.result["queued_by"])
    actor = build_actor(committer, batch.school, batch.school_class.year)
    try:
        with transaction.atomic():
            locked = (
                GradeImportBatch.objects.select_for_update(of=("self",))
                .select_related("school_class__grade", "school_class__year", "subject", "term")
                .get(pk=batch_id)
            )
            if locked.state != State.QUEUED:
                return locked
            sheet = batch_sheet(locked)
            if not is_assigned_teacher(actor, sheet.school_class, sheet.subject, sheet.term):
                raise _Rejected(
                    [
                        _batch_error(
                            GradebookError.NOT_ASSIGNED,
                            "Người ra lệnh ghi không còn được phân công dạy môn này ở lớp này.",
                        )
                    ]
                )
            previewed = {(c["student"], c["column"]): c for c in locked.rows}
            fresh = _evaluate(locked, sheet, actor)
            errors = list(fresh.errors) + _changed_since_preview(fresh.changes, previewed)
            if errors:
                raise _Rejected(errors)
            students = Student.objects.in_bulk([c["student"] for c in fresh.changes])
            for change in fresh.changes:
                _apply(actor, sheet, students[change["student"]], change)
            cleared = sum(1 for c in fresh.changes if c["cleared"])
            audit_record(
                event_type="grade.imported",
                actor=actor.user,
                school_id=locked.school_id,
                target_type="gradebook.sheet",
                target_id=f"{sheet.school_class.pk}:{sheet.subject.pk}:{sheet.term.pk}",
                target_repr=(
                    f"{sheet.subject.name} — lớp {sheet.school_class.name} — {sheet.term}"
                ),
                after={
                    "class": sheet.school_class.name,
                    "subject": sheet.subject.code,
                    "term": sheet.term.number,
                    "filename": locked.filename,
                    "count": len(fresh.changes),
                    "cleared": cleared,
                    "batch_id": locked.pk,
                },
            )
            locked.state = State.COMMITTED
            locked.errors = []
            locked.result = {
                **locked.result,
                "count": len(fresh.changes),
                "committed_at": clock.now().isoformat(),
            }
            locked.save()
        return locked
    except _Rejected as exc:
        _mark_failed(batch_id, sorted(exc.errors, key=lambda e: (e["row"] or 0, e["index"])))
    except Exception:
        logger.exception("Grade import %s failed", batch_id)
        _mark_failed(
            batch_id,
            [
                _batch_error(
                    "SYSTEM",
                    "Lỗi hệ thống khi ghi kết quả; chưa ô nào được ghi. Hãy tải tệp lên lại.",
                )
            ],
        )
        raise
    return GradeImportBatch.objects.get(pk=batch_id)


def _changed_since_preview(changes: list[dict], previewed: dict) -> list[dict]:
    errors = []
    for change in changes:
        before = previewed.get((change["student"], change["column"]))
        if before is not None and (before["old"], before["new"]) == (change["old"], change["new"]):
            continue
        now = change["old_shown"] or "trống"
        errors.append(
            {
                "row": change["row"],
                "column": change["cell"],
                "index": -1,
                "field": change["column"],
                "code": ExcelError.CHANGED_SINCE_PREVIEW,
                "message": (
                    f"Kết quả {change['label']} của {change['student_name']} đã được sửa sau khi "
                    f"xem trước (đang là “{now}”). Hãy tải tệp lên lại để xem trước lần nữa."
                ),
            }
        )
    return errors


def _apply(actor: Actor, sheet: Sheet, student, change: dict) -> None:
    try:
        assessment_save(
            actor=actor,
            sheet=sheet,
            student=student,
            column_key=change["column"],
            raw_value=change["new"],
            expected_version=change["version"],
        )
    except DomainError as exc:
        raise _Rejected(
            [
                {
                    "row": change["row"],
                    "column": change["cell"],
                    "index": -1,
                    "field": change["column"],
                    "code": exc.code,
                    "message": exc.message,
                }
            ]
        )
    except PermissionDenied as exc:
        raise _Rejected(
            [_batch_error(GradebookError.NOT_ASSIGNED, str(exc) or "Không có quyền nhập điểm.")]
        )


def _batch_error(code: str, message: str) -> dict:
    return {
        "row": None,
        "column": "",
        "index": -1,
        "field": "",
        "code": str(code),
        "message": message,
    }


def _mark_failed(batch_id: int, errors: list[dict]) -> None:
    GradeImportBatch.objects.filter(pk=batch_id).update(state=State.FAILED, errors=errors)
