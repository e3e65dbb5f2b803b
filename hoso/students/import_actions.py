"""Writes of the Excel class-list import (nhập danh sách lớp từ Excel).

Upload → (column mapping) → preview → commit. The upload is staged on an ``ImportBatch``; no
student is written before commit. Commit runs in the background (``tasks.commit_student_import``)
and re-validates against the database, because students may have been added since the preview.

POLICY — ALL OR NOTHING. If any row has an error, nothing is written: the preview shows every
error by Excel row and column and offers no commit button; the user fixes the file and uploads it
again. If something fails during the commit itself, the whole transaction is rolled back and the
batch becomes FAILED with the errors. The batch keeps the uploaded rows and the errors either way,
so nothing the user sent is lost. Rows whose student code already exists in the school are errors:
existing students are changed through their profile, never by import.
"""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hoso.accounts.actor import Actor, build_actor
from hoso.accounts.policies import Perm, not_found, require
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.queueing import queue_batch_after_commit
from hoso.core.text import nfc
from hoso.organisation.models import Level, SchoolClass
from hoso.organisation.policies import access_class, can_edit_class_students, can_import_class
from hoso.students import importing
from hoso.students.actions import GuardianInput, student_enrol
from hoso.students.errors import StudentError
from hoso.students.models import ImportBatch, ImportMapping, Student

logger = logging.getLogger(__name__)

State = ImportBatch.State
SOURCE_CODES = {code for code, _ in importing.SOURCES}


class ImportMappingError(DomainError):
    """A column mapping that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__(StudentError.BAD_MAPPING, " ".join(problems))
        self.problems = problems


class _Rejected(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


# --- Access -------------------------------------------------------------------------------------


def require_import(actor: Actor, school_class: SchoolClass) -> None:
    """403 unless the actor may import into this class (homeroom teacher, clerk, ...)."""
    if not can_import_class(actor, school_class):
        require(actor, Perm.IMPORT_STUDENTS, what=f"nhập danh sách {school_class}")
        raise PermissionDenied("Năm học đã khóa hoặc lớp không thuộc năm học đang chọn.")


def access_import_batch(actor: Actor, batch_id: int) -> ImportBatch:
    """The batch, if it belongs to the actor's school and its class is visible (404 otherwise);
    403 unless the actor uploaded it or may import into its class."""
    batch = (
        ImportBatch.objects.filter(pk=batch_id, school_id=actor.school_id)
        .select_related("school_class__grade", "school_class__year", "uploaded_by")
        .first()
    )
    if batch is None:
        raise not_found(actor, f"lần nhập danh sách #{batch_id}")
    access_class(actor, batch.school_class_id)
    if batch.uploaded_by_id != getattr(actor.user, "pk", None):
        require_import(actor, batch.school_class)
    return batch


# --- Helpers ------------------------------------------------------------------------------------


def grade_context(school_class: SchoolClass) -> importing.GradeContext:
    year = school_class.year
    return importing.GradeContext(
        year_start=year.start_date.year,
        grade=school_class.grade.number,
        year_name=year.name,
        adults_allowed=school_class.grade.level == Level.CONTINUING,
    )


def batch_mapping(batch: ImportBatch) -> dict[int, str]:
    return {int(k): v for k, v in (batch.mapping or {}).items() if v}


def _evaluate(batch: ImportBatch) -> importing.ParseResult:
    """Validate the batch's rows with its mapping, in the file and against the database.
    Sets ``rows``, ``errors`` and the warnings; does not save."""
    mapping = batch_mapping(batch)
    parsed = importing.parse_rows(
        batch.raw_rows,
        header_row=batch.result["header_row"],
        headers=batch.headers,
        mapping=mapping,
        grade=grade_context(batch.school_class),
    )
    codes = {r["profile"]["student_code"] for r in parsed.rows} - {""}
    pids = {r["profile"]["personal_id"] for r in parsed.rows} - {""}
    existing = Student.objects.filter(school_id=batch.school_id).only(
        "student_code", "personal_id", "family_name", "middle_name", "given_name"
    )
    by_code = {s.student_code: s.full_name for s in existing.filter(student_code__in=codes)}
    by_pid = (
        {s.personal_id: s.full_name for s in existing.filter(personal_id__in=pids)} if pids else {}
    )
    parsed.errors.extend(
        importing.conflicts_with_existing(
            parsed.rows,
            headers=batch.headers,
            mapping=mapping,
            codes=by_code,
            personal_ids=by_pid,
        )
    )
    parsed.errors = importing.sort_errors(parsed.errors)
    bad = parsed.rows_with_errors
    for row in parsed.rows:
        row["ok"] = row["row"] not in bad
    batch.rows = parsed.rows
    batch.errors = parsed.errors
    batch.result = {**batch.result, "warnings": parsed.warnings}
    return parsed


def _choose_layout(school, sheets: list[importing.SheetData]):
    """(sheet, header row, headers, mapping, saved mapping or None).

    A saved mapping whose signature matches one of the first rows wins; then the first row with
    at least three recognised headers; then the first non-empty row (the user maps by hand)."""
    candidates = [
        (sheet, number, headers)
        for sheet in sheets
        for number, headers in importing.header_candidates(sheet)
    ]
    signatures = {importing.signature(headers) for _, _, headers in candidates}
    saved = {
        m.signature: m
        for m in ImportMapping.objects.filter(
            school=school, kind="students", signature__in=signatures
        ).order_by("created_at", "pk")
    }
    for sheet, number, headers in candidates:
        found = saved.get(importing.signature(headers))
        if found is not None:
            return (
                sheet,
                number,
                headers,
                importing.mapping_from_saved(found.columns, headers),
                found,
            )
    for sheet in sheets:
        detected = importing.detect_header(sheet)
        if detected:
            number, headers = detected
            return sheet, number, headers, importing.suggest_mapping(headers), None
    sheet = next((s for s in sheets if s.rows), None)
    if sheet is None:
        raise DomainError(StudentError.BAD_FILE, "Tệp không có dữ liệu.", field="file")
    number, headers = importing.header_candidates(sheet)[0]
    return sheet, number, headers, importing.suggest_mapping(headers), None


# --- Actions ------------------------------------------------------------------------------------


def import_upload(
    *,
    actor: Actor,
    school_class: SchoolClass,
    filename: str,
    data: bytes,
    start_date: date | None = None,
) -> ImportBatch:
    """Stage an uploaded class list: PREVIEW when every required column is recognised (or a
    saved mapping applies), NEEDS_MAPPING otherwise. Writes no student."""
    require_import(actor, school_class)
    if not data:
        raise DomainError(StudentError.BAD_FILE, "Tệp rỗng.", field="file")
    if len(data) > importing.MAX_UPLOAD_BYTES:
        raise DomainError(StudentError.BAD_FILE, "Tệp quá lớn: tối đa 5 MB.", field="file")
    year = school_class.year
    start_date = start_date or year.start_date
    if not year.start_date <= start_date <= year.end_date:
        raise DomainError(
            StudentError.BAD_DATE,
            f"Ngày nhập học phải trong năm học {year.name} "
            f"({year.start_date:%d/%m/%Y} – {year.end_date:%d/%m/%Y}).",
            field="start_date",
        )
    try:
        sheets = importing.read_workbook(data)
    except importing.ImportFileError as exc:
        raise DomainError(StudentError.BAD_FILE, str(exc), field="file")
    sheet, header_row, headers, mapping, saved = _choose_layout(actor.school, sheets)
    batch = ImportBatch(
        school=actor.school,
        school_class=school_class,
        uploaded_by=actor.user,
        filename=nfc(filename)[:200],
        state=State.NEEDS_MAPPING,
        headers=headers,
        raw_rows=sheet.rows,
        mapping={str(k): v for k, v in mapping.items()},
        result={
            "sheet": sheet.name,
            "header_row": header_row,
            "start_date": start_date.isoformat(),
            "mapping_name": saved.name if saved else "",
            "mapping_applied": saved is not None,
            "warnings": [],
        },
    )
    if not importing.mapping_problems(mapping, headers):
        _evaluate(batch)
        batch.state = State.PREVIEW
    with transaction.atomic():
        batch.save()
    return batch


def import_set_header_row(*, actor: Actor, batch: ImportBatch, header_row: int) -> ImportBatch:
    """Use another row of the file as the header row; the user then confirms the mapping."""
    require_import(actor, batch.school_class)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state not in (State.NEEDS_MAPPING, State.PREVIEW):
            raise DomainError(StudentError.BAD_MAPPING, "Danh sách này không còn ghép cột được.")
        row = next((r for r in locked.raw_rows if r["row"] == header_row), None)
        if row is None:
            raise DomainError(
                StudentError.BAD_MAPPING,
                f"Dòng {header_row} không có trong tệp.",
                field="header_row",
            )
        width = max((len(r["cells"]) for r in locked.raw_rows), default=0)
        headers = importing.headers_of(row, width)
        locked.headers = headers
        locked.mapping = {str(k): v for k, v in importing.suggest_mapping(headers).items()}
        locked.rows, locked.errors = [], []
        locked.result = {
            **locked.result,
            "header_row": header_row,
            "mapping_name": "",
            "mapping_applied": False,
            "warnings": [],
        }
        locked.state = State.NEEDS_MAPPING
        locked.save()
    return locked


def import_apply_mapping(
    *,
    actor: Actor,
    batch: ImportBatch,
    columns: dict[int, str],
    save_as: str = "",
    source: str = "",
) -> ImportBatch:
    """Apply the user's column mapping and validate the rows (→ PREVIEW). With ``save_as`` the
    mapping is saved for the school and applied automatically to files with the same headers."""
    require_import(actor, batch.school_class)
    columns = {int(i): f for i, f in columns.items() if f}
    problems = importing.mapping_problems(columns, batch.headers)
    save_as = nfc(save_as)[:100]
    if problems:
        raise ImportMappingError(problems)
    with transaction.atomic():
        locked = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("school_class__grade", "school_class__year")
            .get(pk=batch.pk)
        )
        if locked.state not in (State.NEEDS_MAPPING, State.PREVIEW):
            raise DomainError(StudentError.BAD_MAPPING, "Danh sách này không còn ghép cột được.")
        locked.mapping = {str(k): v for k, v in sorted(columns.items())}
        if save_as:
            _save_mapping(actor=actor, batch=locked, columns=columns, name=save_as, source=source)
        locked.result = {
            **locked.result,
            "mapping_name": save_as,
            "mapping_applied": False,
        }
        _evaluate(locked)
        locked.state = State.PREVIEW
        locked.save()
    return locked


def _save_mapping(
    *, actor: Actor, batch: ImportBatch, columns: dict[int, str], name: str, source: str
) -> ImportMapping:
    signature = importing.signature(batch.headers)
    saved_columns = importing.mapping_to_saved(columns, batch.headers)
    source = source if source in SOURCE_CODES else "khac"
    existing = ImportMapping.objects.filter(
        school_id=batch.school_id, kind="students", name=name
    ).first()
    if existing is not None and existing.signature != signature:
        raise ImportMappingError(
            [f"Đã có mẫu ghép cột tên “{name}” cho một kiểu tệp khác; hãy đặt tên khác."]
        )
    before = None
    if existing is None:
        mapping = ImportMapping(school_id=batch.school_id, name=name, created_by=actor.user)
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
        after={"name": name, "source": source, "columns": saved_columns},
        acting_as=actor.acting_as_for(*actor.roles),
    )
    return mapping


def import_queue_commit(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """PREVIEW without errors → QUEUED; the background task writes the students."""
    require_import(actor, batch.school_class)
    if not can_edit_class_students(actor, batch.school_class):
        # IMPORT_STUDENTS without EDIT_STUDENTS (e.g. an administrator): student_enrol would
        # refuse every row, so say it now rather than fail in the background.
        raise DomainError(
            StudentError.IMPORT_HAS_ERRORS,
            "Bạn được tải tệp lên nhưng không được thêm học sinh vào lớp này; "
            "hãy nhờ giáo viên chủ nhiệm hoặc văn thư bấm ghi.",
        )
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != State.PREVIEW:
            raise DomainError(
                StudentError.IMPORT_HAS_ERRORS,
                f"Danh sách đang ở trạng thái “{locked.get_state_display()}”, không ghi được.",
            )
        if locked.errors:
            raise DomainError(
                StudentError.IMPORT_HAS_ERRORS,
                f"Còn {len(locked.errors)} lỗi: chưa ghi dòng nào. "
                "Hãy sửa tệp Excel rồi tải lên lại.",
            )
        from hoso.students.tasks import commit_student_import

        queue_batch_after_commit(
            locked,
            user=actor.user,
            task=commit_student_import,
            queued=State.QUEUED,
            fallback=State.PREVIEW,
        )
    return locked


def import_cancel(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    require_import(actor, batch.school_class)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state not in (State.NEEDS_MAPPING, State.PREVIEW, State.FAILED):
            raise DomainError(
                StudentError.IMPORT_HAS_ERRORS,
                f"Danh sách đang ở trạng thái “{locked.get_state_display()}”, không hủy được.",
            )
        locked.state = State.CANCELLED
        locked.save(update_fields=["state"])
    return locked


def import_run_commit(*, batch_id: int) -> ImportBatch:
    """The background commit: re-validate, then enrol every row in ONE transaction.

    Runs without a request, so the actor is rebuilt from the person who asked for the commit
    (the uploader, or e.g. a clerk finishing a teacher's upload) and the class's year.
    Each student gets its own ``student.enrolled`` audit event (from ``student_enrol``) and the
    import one ``student.imported`` summary event. Any error rolls everything back and leaves
    the batch FAILED with the errors by row and column."""
    batch = ImportBatch.objects.select_related(
        "school", "school_class__grade", "school_class__year", "uploaded_by"
    ).get(pk=batch_id)
    if batch.state != State.QUEUED:
        return batch  # delivered twice, or cancelled meanwhile
    school_class = batch.school_class
    committer = batch.uploaded_by
    if batch.result.get("queued_by") not in (None, committer.pk):
        committer = get_user_model().objects.get(pk=batch.result["queued_by"])
    actor = build_actor(committer, batch.school, school_class.year)
    try:
        with transaction.atomic():
            locked = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("school_class__grade", "school_class__year")
                .get(pk=batch_id)
            )
            if locked.state != State.QUEUED:
                return locked
            if not can_import_class(actor, school_class):
                raise _Rejected(
                    [_batch_error("Người ra lệnh ghi không còn quyền nhập danh sách lớp này.")]
                )
            parsed = _evaluate(locked)
            if parsed.errors:
                raise _Rejected(parsed.errors)
            start_date = date.fromisoformat(locked.result["start_date"])
            student_ids = [
                _enrol_row(actor, locked, school_class, row, start_date).pk for row in parsed.rows
            ]
            audit_record(
                event_type="student.imported",
                actor=actor.user,
                school_id=locked.school_id,
                target=school_class,
                after={
                    "class": school_class.name,
                    "count": len(student_ids),
                    "filename": locked.filename,
                    "batch_id": locked.pk,
                    "student_ids": student_ids,
                },
                acting_as=actor.acting_as_for(*actor.roles),
            )
            locked.state = State.COMMITTED
            locked.errors = []
            locked.result = {
                **locked.result,
                "count": len(student_ids),
                "student_ids": student_ids,
                "committed_at": clock.now().isoformat(),
            }
            locked.save()
        return locked
    except _Rejected as exc:
        _mark_failed(batch_id, importing.sort_errors(exc.errors))
    except Exception:
        logger.exception("Student import %s failed", batch_id)
        _mark_failed(
            batch_id,
            [
                _batch_error(
                    "Lỗi hệ thống khi ghi danh sách; chưa dòng nào được ghi. Hãy tải tệp lên lại."
                )
            ],
        )
        raise
    return ImportBatch.objects.get(pk=batch_id)


def _enrol_row(actor: Actor, batch: ImportBatch, school_class, row: dict, start_date: date):
    profile = dict(row["profile"])
    profile["birth_date"] = date.fromisoformat(profile["birth_date"])
    guardians = [GuardianInput(**g) for g in row["guardians"]]
    try:
        return student_enrol(
            actor=actor,
            school_class=school_class,
            profile=profile,
            guardians=guardians,
            start_date=start_date,
            audit=True,
        )
    except DomainError as exc:
        mapping = batch_mapping(batch)
        column_of = {name: index for index, name in sorted(mapping.items(), reverse=True)}
        index = column_of.get(exc.field or "")
        column = importing.column_label(index, batch.headers) if index is not None else ""
        raise _Rejected(
            [
                {
                    "row": row["row"],
                    "column": column,
                    "field": exc.field or "",
                    "message": exc.message,
                }
            ]
        )
    except PermissionDenied as exc:
        raise _Rejected([_batch_error(str(exc) or "Không có quyền thêm học sinh vào lớp này.")])


def _batch_error(message: str) -> dict:
    return {"row": None, "column": "", "field": "", "message": message}


def _mark_failed(batch_id: int, errors: list[dict]) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(state=State.FAILED, errors=errors)
