"""The grade-sheet import (nhập điểm từ Excel), plugged into ``hoso.imports``.

A sheet is class × subject × term. Its template carries the stored results and a hidden identity,
so an uploaded template is recognised without a question (a template of another sheet is
refused); files from other systems go through a saved column mapping (kind "grades"). The preview
lists the cells that change; the commit applies each change through ``actions.assessment_save``
— checked by the same rules as the grid and audited as ``grade.saved`` — then one
``grade.imported`` event. A result changed by somebody else since the preview fails the commit
(the preview is what was agreed). Empty cells keep the stored results unless the person asks
that they clear them. All or nothing, as every import.

Only the teacher assigned to the sheet uploads and commits (403, logged, for anybody else);
batches of a sheet the person cannot read are 404. Anybody who reads the sheet downloads its
template, with only what they may change left open.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.assessment.rules import get_ruleset
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.entry.actions import assessment_save
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.policies import access_sheet, ensure_writable, is_assigned_teacher
from hoso.gradebook.entry.selectors import KIND_HINTS, class_names, sheet_data
from hoso.gradebook.entry.sheets import Sheet, load_sheet
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.excel import recognition, template
from hoso.gradebook.excel.errors import ExcelError
from hoso.gradebook.excel.rows import StoredCell, StudentRef, evaluate_rows
from hoso.imports.errors import ImportErrorCode
from hoso.imports.headers import FieldSpec
from hoso.imports.importer import Evaluation, Importer, RowsRejected, Words, batch_error
from hoso.imports.limits import Limits
from hoso.organisation.assignments.selectors import teacher_of
from hoso.organisation.models import SchoolClass, Subject, Term
from hoso.students.models import Enrolment, Student

# Short reasons for the template's grey columns, by the code ensure_writable raises.
_READONLY_REASONS = {
    GradebookError.FINALISED: "đã chốt",
    GradebookError.LOCKED: "sổ đã khóa",
    GradebookError.YEAR_CLOSED: "năm học đã khóa",
    GradebookError.NOT_ASSIGNED: "chỉ giáo viên bộ môn được phân công mới nhập",
    GradebookError.APPROVED: "kết quả của lớp đã được phê duyệt",
}


def sheet_name(sheet: Sheet) -> str:
    return f"môn {sheet.subject.name} lớp {sheet.school_class.name} {sheet.term}"


def writable_columns(actor: Actor, sheet: Sheet) -> dict[str, tuple[str, str]]:
    """Columns the actor may NOT change now: key -> (code, message) from ``ensure_writable``."""
    blocked: dict[str, tuple[str, str]] = {}
    for column in sheet.columns:
        try:
            ensure_writable(actor, sheet, column.key)
        except DomainError as exc:
            blocked[column.key] = (exc.code, exc.message)
    return blocked


def template_spec(actor: Actor, sheet: Sheet) -> template.TemplateSpec:
    """What the downloadable template holds: the stored results, in class-list order, with the
    columns the actor cannot change greyed and locked."""
    data = sheet_data(sheet)
    readonly = {
        key: _READONLY_REASONS.get(code, message)
        for key, (code, message) in writable_columns(actor, sheet).items()
    }
    teacher = teacher_of(school_class=sheet.school_class, subject=sheet.subject, term=sheet.term)
    rows = [
        template.TemplateRow(
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
    return template.TemplateSpec(
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


class GradeSheetImporter(Importer):
    kind = "grades"  # ImportMapping.kind: the class-list importer never sees these
    words = Words(
        batch="Lần nhập này",
        unit="ô",
        thing="kết quả",
        content="kết quả",
        failed="ô",
        log="lần nhập điểm từ Excel",
    )
    url_prefix = "gradebook:excel_"
    page_template = "gradebook/excel_page.html"
    limits = Limits(row_noun="học sinh")
    uploader_may_view = False  # only the sheet's teacher, even for its own old uploads
    template_needs_import = False  # anybody who reads the sheet downloads it
    invalid_target = "Cột {column} được ghép vào “{target}”, không có trong sổ điểm này."

    # --- Who and where

    def access_target(self, actor: Actor, scope: dict) -> Sheet:
        school_class, subject, term = access_sheet(
            actor, scope["class_id"], scope["subject_id"], scope["term_id"]
        )
        return load_sheet(school_class, subject, term)

    def scope_of(self, target: Sheet) -> dict:
        return {
            "class_id": target.school_class.pk,
            "subject_id": target.subject.pk,
            "term_id": target.term.pk,
        }

    def target_of(self, scope: dict, school_id: int) -> Sheet:
        school_class = SchoolClass.objects.select_related("grade", "year").get(
            pk=scope["class_id"], year__school_id=school_id
        )
        subject = Subject.objects.get(pk=scope["subject_id"], school_id=school_id)
        term = Term.objects.get(pk=scope["term_id"], year=school_class.year)
        return load_sheet(school_class, subject, term)

    def year_of(self, target: Sheet):
        return target.school_class.year

    def may_import(self, actor: Actor, target: Sheet) -> bool:
        return is_assigned_teacher(actor, target.school_class, target.subject, target.term)

    def require_import(self, actor: Actor, target: Sheet) -> None:
        """403 (logged) unless the actor is the teacher assigned to this sheet."""
        if not self.may_import(actor, target):
            log_denied(actor, kind="forbidden", what=f"nhập điểm từ Excel {sheet_name(target)}")
            raise PermissionDeniedError(
                GradebookError.NOT_ASSIGNED,
                "Chỉ giáo viên được phân công dạy môn này ở lớp này mới được nhập điểm từ Excel.",
            )

    def check_upload(self, actor: Actor, target: Sheet) -> None:
        if not target.school_class.year.writable_for("gradebook"):
            raise DomainError(GradebookError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")

    def check_commit(self, actor: Actor, batch, target: Sheet) -> None:
        self.check_upload(actor, target)

    def check_ready(self, batch) -> None:
        if not batch.rows:
            raise DomainError(
                ImportErrorCode.IMPORT_HAS_ERRORS,
                "Tệp không có thay đổi nào so với sổ điểm: không có gì để ghi.",
            )

    def commit_refusal(self, actor: Actor, target: Sheet) -> dict | None:
        if self.may_import(actor, target):
            return None
        return batch_error(
            "Người ra lệnh ghi không còn được phân công dạy môn này ở lớp này.",
            code=GradebookError.NOT_ASSIGNED,
        )

    # --- Pages

    def title(self, target: Sheet) -> str:
        return (
            f"Nhập điểm từ Excel: {target.subject.name} lớp {target.school_class.name}, "
            f"{target.term}"
        )

    def back_link(self, target: Sheet) -> tuple[str, str]:
        return "Về bảng nhập điểm", reverse("gradebook:sheet", kwargs=self.scope_of(target))

    def start_context(self, actor: Actor, target: Sheet) -> dict:
        blocked = writable_columns(actor, target)
        return {
            "columns": [
                {
                    "label": c.label,
                    "hint": KIND_HINTS[c.kind],
                    "blocked": blocked.get(c.key, ("", ""))[1],
                }
                for c in target.columns
            ]
        }

    def initial_form(self, target: Sheet) -> dict:
        return {"clear_empty": ""}

    def default_options(self, target: Sheet) -> dict:
        return {"clear_empty": False}

    def read_options(self, data, target: Sheet, *, step: str) -> dict:
        return {"clear_empty": data.get("clear_empty", "") in ("1", "on", "true")}

    def clean_options(self, target: Sheet, options: dict) -> dict:
        return {"clear_empty": bool(options["clear_empty"])} if "clear_empty" in options else {}

    def upload_blocked(self, target: Sheet) -> str:
        if not target.school_class.year.writable_for("gradebook"):
            return "Năm học đã khóa: chỉ xem, không nhập điểm."
        return ""

    def preview_summary(self, batch) -> list[tuple[str, str]]:
        result = batch.result
        out = [(f"{len(batch.rows)} ô thay đổi", "ok" if batch.rows else "")]
        if result.get("cleared"):
            out.append((f"{result['cleared']} ô bị xóa", "warn"))
        out.append((f"{result.get('unchanged', 0)} ô không đổi", ""))
        out.append((f"{result.get('students', 0)} học sinh trong tệp", ""))
        if batch.errors:
            error_rows = len({e["row"] for e in batch.errors if e.get("row")})
            out.append((f"{len(batch.errors)} lỗi ở {error_rows} dòng", "err"))
        if result.get("warnings"):
            out.append((f"{len(result['warnings'])} lưu ý", "warn"))
        return out

    def commit_label(self, batch, target: Sheet) -> str:
        return f"Ghi {len(batch.rows)} thay đổi vào sổ điểm"

    def progress_text(self, batch, target: Sheet) -> str:
        return "Đang ghi kết quả vào sổ điểm…"

    def done_text(self, batch, target: Sheet) -> str:
        return (
            f"Đã ghi {batch.result.get('count', 0)} thay đổi vào sổ điểm {target.subject.name} "
            f"lớp {target.school_class.name}, {target.term}."
        )

    def done_link(self, batch, target: Sheet) -> tuple[str, str]:
        url = reverse("gradebook:excel_start", kwargs=self.scope_of(target))
        return "Về trang nhập điểm từ Excel", url

    # --- The file

    def field_specs(self, target: Sheet) -> list[FieldSpec]:
        return recognition.field_specs(target.columns)

    def suggest_mapping(self, headers: list[str], target: Sheet) -> dict[int, str]:
        return recognition.suggest_mapping(headers, target.columns)

    def recognises(self, headers: list[str], mapping: dict[int, str], target: Sheet) -> bool:
        return recognition.is_our_layout(headers, target.columns)

    def mapping_problems(self, mapping: dict[int, str], headers: list[str], target: Sheet):
        return recognition.mapping_problems(mapping, headers, target.columns)

    def layout_from_file(self, data: bytes, sheets, target: Sheet):
        meta = template.read_meta(data, self.limits)
        if meta is None:
            return None
        ids = self.scope_of(target)
        if not template.meta_matches(
            meta, class_id=ids["class_id"], subject_id=ids["subject_id"], term_id=ids["term_id"]
        ):
            theirs = (
                f"môn {meta.get('subject_name', '?')} lớp {meta.get('class_name', '?')} "
                f"{meta.get('term_name', '')}".strip()
            )
            raise DomainError(
                ExcelError.WRONG_SHEET,
                f"Tệp này là mẫu sổ điểm {theirs}, không phải sổ đang chọn "
                f"({sheet_name(target)}). Hãy tải lên đúng tệp, hoặc mở đúng sổ điểm.",
                field="file",
            )
        return template.layout_from_meta(meta, sheets)

    def template_file(self, actor: Actor, target: Sheet) -> tuple[bytes, str]:
        content = template.build_template(template_spec(actor, target))
        name = template.template_filename(
            target.school_class.name, target.subject.code, target.term.number
        )
        return content, name

    # --- Checking and writing

    def evaluate(self, batch, target: Sheet, actor: Actor) -> Evaluation:
        """The batch's rows against the book as it is now: the changes, errors, counts."""
        enrolments = list(
            Enrolment.objects.filter(school_class=target.school_class).select_related("student")
        )
        students = [
            StudentRef(
                id=e.student_id,
                code=e.student.student_code,
                name=e.student.full_name,
                birth_date=e.student.birth_date,
                active=e.is_studying,
                status=e.get_status_display(),
            )
            for e in enrolments
        ]
        stored = {}
        other_class: dict[tuple[int, str], int] = {}  # entered in a former class (class change)
        for a in Assessment.objects.filter(
            subject=target.subject, term=target.term, student_id__in=[s.id for s in students]
        ).only("student_id", "column", "value", "text", "version", "school_class_id"):
            stored[(a.student_id, a.column)] = StoredCell(a.value, a.text, a.version)
            if a.school_class_id != target.school_class.pk:
                other_class[(a.student_id, a.column)] = a.school_class_id
        result = evaluate_rows(
            batch.raw_rows,
            header_row=batch.result["header_row"],
            headers=batch.headers,
            mapping=batch.column_mapping(),
            columns=target.columns,
            students=students,
            stored=stored,
            blocked=writable_columns(actor, target),
            clear_empty=bool(batch.result.get("clear_empty")),
            class_name=target.school_class.name,
        )
        changes, errors = _refuse_other_class(result.changes, list(result.errors), other_class)
        result.changes = changes
        result.errors = errors
        counts = {
            "unchanged": result.unchanged,
            "students": result.students,
            "changes": len(result.changes),
            "cleared": sum(1 for c in result.changes if c["cleared"]),
        }
        return Evaluation(result.changes, result.errors, result.warnings, counts)

    def stale_since_preview(self, previewed: list[dict], evaluation: Evaluation) -> list[dict]:
        agreed = {(c["student"], c["column"]): c for c in previewed}
        errors = []
        for change in evaluation.rows:
            before = agreed.get((change["student"], change["column"]))
            if before is not None and (before["old"], before["new"]) == (
                change["old"],
                change["new"],
            ):
                continue
            now = change["old_shown"] or "trống"
            errors.append(
                {
                    "row": change["row"],
                    "column": change["cell"],
                    "field": change["column"],
                    "code": ExcelError.CHANGED_SINCE_PREVIEW,
                    "message": (
                        f"Kết quả {change['label']} của {change['student_name']} đã được sửa sau "
                        f"khi xem trước (đang là “{now}”). Hãy tải tệp lên lại để xem trước lần "
                        "nữa."
                    ),
                }
            )
        return errors

    def commit(self, *, actor: Actor, batch, target: Sheet, evaluation: Evaluation) -> dict:
        changes = evaluation.rows
        students = Student.objects.in_bulk([c["student"] for c in changes])
        for change in changes:
            _apply(actor, target, students[change["student"]], change)
        cleared = sum(1 for c in changes if c["cleared"])
        school_class, subject, term = target.school_class, target.subject, target.term
        audit_record(
            event_type="grade.imported",
            actor=actor.user,
            school_id=batch.school_id,
            target_type="gradebook.sheet",
            target_id=f"{school_class.pk}:{subject.pk}:{term.pk}",
            target_repr=f"{subject.name} — lớp {school_class.name} — {term}",
            after={
                "class": school_class.name,
                "subject": subject.code,
                "term": term.number,
                "filename": batch.filename,
                "count": len(changes),
                "cleared": cleared,
                "batch_id": batch.pk,
            },
        )
        return {"count": len(changes)}


def _refuse_other_class(
    changes: list[dict], errors: list[dict], other_class: dict[tuple[int, str], int]
) -> tuple[list[dict], list[dict]]:
    """A change of a cell entered in the student's former class is an error of its row and
    column (the old class keeps it; ``assessment_save`` would refuse it at the commit)."""
    if not other_class:
        return changes, errors
    names = class_names(other_class)
    kept = []
    for change in changes:
        key = (change["student"], change["column"])
        if key not in names:
            kept.append(change)
            continue
        errors.append(
            {
                "row": change["row"],
                "column": change["cell"],
                "field": change["column"],
                "code": GradebookError.OTHER_CLASS,
                "message": (
                    f"Kết quả {change['label']} của {change['student_name']} được nhập ở lớp "
                    f"{names[key]} trước khi học sinh chuyển lớp: lớp cũ giữ kết "
                    "quả này, không sửa bằng tệp; muốn sửa, làm đơn đề nghị sửa điểm."
                ),
            }
        )
    return kept, errors


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
        raise RowsRejected(
            [
                {
                    "row": change["row"],
                    "column": change["cell"],
                    "field": change["column"],
                    "code": exc.code,
                    "message": exc.message,
                }
            ]
        )
    except PermissionDenied as exc:
        raise RowsRejected(
            [batch_error(str(exc) or "Không có quyền nhập điểm.", code=GradebookError.NOT_ASSIGNED)]
        )


GRADE_SHEET = GradeSheetImporter()
