"""The grade-entry grid (bảng nhập điểm) and the lock screen (khóa sổ).

Thin doors: parse → ``access_sheet`` / ``can_lock_books`` → an action of ``actions.py``
(``assessment_save``, ``test_date_set``, ``columns_finalise``, ``book_lock``, ``book_open``) or a
read of ``selectors.sheet_data`` → render. Every page answers in a bounded number of queries
whatever the class size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.assessment.rules import get_ruleset
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.columns import (
    COMMENT_RESULT,
    MAX_REGULAR,
    SCORE,
    TEXT,
    Column,
    sheet_columns,
)
from hoso.gradebook.entry.columns import ruleset_code as _ruleset_code
from hoso.gradebook.entry.models import Assessment, BookLock, SheetColumn
from hoso.gradebook.entry.policies import (
    GRADEBOOK_READERS,
    access_sheet,
    can_lock_books,
    can_read_sheet,
    can_see_locks,
    ensure_writable,
)
from hoso.gradebook.entry.selectors import (
    KIND_HINTS,
    sheet_data,
    sheet_stamp,
    student_row_result,
)
from hoso.gradebook.entry.sheets import Sheet, load_sheet
from hoso.gradebook.entry.validation import clean_value
from hoso.gradebook.errors import GradebookError
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import (
    Checkpoint,
    GradeLevel,
    SchoolClass,
    Subject,
    SubjectOffering,
    Term,
)
from hoso.organisation.policies import access_class, visible_classes
from hoso.privacy.actions import class_data_viewed
from hoso.students.models import Enrolment

# Refusals that no retry can fix: the grid shows them and keeps the typed value until the
# teacher discards it.
_REFUSED = {
    GradebookError.YEAR_CLOSED,
    GradebookError.NOT_ASSIGNED,
    GradebookError.FINALISED,
    GradebookError.LOCKED,
    GradebookError.APPROVED,
    GradebookError.NOT_ALLOWED,
}
# Reasons checked before any column's own state: they hold for every column of the sheet.
_SHEET_WIDE = {GradebookError.YEAR_CLOSED, GradebookError.NOT_ASSIGNED}
_BANNER_ORDER = {
    GradebookError.YEAR_CLOSED: 0,
    GradebookError.NOT_ASSIGNED: 0,
    GradebookError.APPROVED: 1,
    GradebookError.LOCKED: 2,
    GradebookError.FINALISED: 4,
}

_RESULT_LABELS = {"D": "Đ", "CD": "CĐ"}


# --- display -------------------------------------------------------------------------------


def display_value(column: Column, cell: Assessment | None) -> str:
    """What a cell shows: scores with a decimal comma ("8,5"), Đ/CĐ with their marks."""
    if cell is None:
        return ""
    if column.kind == TEXT:
        return cell.text
    value = cell.value or ""
    if column.kind == SCORE:
        return value.replace(".", ",")
    if column.kind == COMMENT_RESULT:
        return _RESULT_LABELS.get(value, value)
    return value


def display_result(result: object) -> str:
    """The term result as the rule set computed it: 8.0 → "8,0"; "D" → "Đ"; None → ""."""
    if result is None or result == "":
        return ""
    if isinstance(result, bool):
        return str(result)
    if isinstance(result, (int, float, Decimal)):
        try:
            return f"{Decimal(str(result)):.1f}".replace(".", ",")
        except InvalidOperation:  # pragma: no cover - the rule set returns finite numbers
            return str(result)
    return _RESULT_LABELS.get(str(result), str(result))


def _result_heading(sheet: Sheet) -> str:
    if sheet.subject.assessment == "comment":
        return "Kết quả học kỳ"
    return "ĐTBmhk"


# --- the sheet page --------------------------------------------------------------------------


@dataclass
class ColumnView:
    column: Column
    writable: bool
    reason: str  # why the column is read-only (Vietnamese), "" when writable
    reason_code: str
    finalised: SheetColumn | None
    lock: BookLock | None
    test_date: date | None
    filled: int = 0  # results entered for students still in the class
    correctable: bool = False  # protected, the teacher may request a correction of the column

    @property
    def hint(self) -> str:
        return KIND_HINTS.get(self.column.kind, "")


CORRECTABLE = (GradebookError.FINALISED, GradebookError.LOCKED, GradebookError.APPROVED)


@dataclass
class CellView:
    column: Column
    value: str
    version: int
    writable: bool
    correctable: bool = False  # finalised/locked/approved: the teacher may request a correction
    other_class: str = ""  # entered in the student's former class (read-only, correction only)


@dataclass
class RowView:
    number: int
    student: object
    enrolment: Enrolment
    active: bool
    cells: list[CellView] = field(default_factory=list)
    result: str = ""
    errors: list[str] = field(default_factory=list)


def _writable_or_reason(actor: Actor, sheet: Sheet, key: str) -> DomainError | None:
    try:
        ensure_writable(actor, sheet, key)
    except DomainError as exc:
        return exc
    return None


def column_states(actor: Actor, sheet: Sheet, data=None) -> dict[str, DomainError | None]:
    """For each column, None when the actor may write it now, else the refusal — always from
    ``entry.policies.ensure_writable``, so the grid and the save agree.

    Sheet-wide refusals (closed year, not the assigned teacher) are asked once. With ``data``
    (the sheet as read by ``sheet_data``), columns that are neither finalised nor locked all
    get the same answer (writable, or refused because the results are approved), so one check
    answers for all of them; finalised or locked columns are each asked for their own message."""
    states: dict[str, DomainError | None] = {}
    sheet_wide: DomainError | None = None
    plain: DomainError | None = None
    plain_known = False
    for column in sheet.columns:
        if sheet_wide is not None:
            states[column.key] = sheet_wide
            continue
        special = data is None or column.key in data.finalised or column.key in data.locked
        if not special and plain_known:
            states[column.key] = plain
            continue
        state = _writable_or_reason(actor, sheet, column.key)
        states[column.key] = state
        if not special:
            plain, plain_known = state, True
        if state is not None and state.code in _SHEET_WIDE:
            sheet_wide = state
    return states


def _sheet_urls(sheet: Sheet) -> dict[str, str]:
    args = [sheet.school_class.pk, sheet.subject.pk, sheet.term.pk]
    return {
        "sheet": reverse("gradebook:sheet", args=args),
        "save": reverse("gradebook:save_cell", args=args),
        "stamp": reverse("gradebook:stamp", args=args),
        "save_many": reverse("gradebook:save_cells", args=args),
        "test_date": reverse("gradebook:test_date", args=args),
        "finalise": reverse("gradebook:finalise", args=args),
        "add_column": reverse("gradebook:add_column", args=args),
    }


@login_required
def sheet(request, class_id: int, subject_id: int, term_id: int):
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    class_data_viewed(
        actor=actor, school_class=school_class, what=f"Sổ điểm {subject.name}, học kỳ {term.number}"
    )
    the_sheet = load_sheet(school_class, subject, term)
    data = sheet_data(the_sheet)
    states = column_states(actor, the_sheet, data)
    columns = [
        ColumnView(
            column=c,
            writable=states[c.key] is None,
            reason=states[c.key].message if states[c.key] is not None else "",
            reason_code=states[c.key].code if states[c.key] is not None else "",
            finalised=data.finalised.get(c.key),
            lock=data.locked.get(c.key),
            test_date=data.test_dates.get(c.key),
        )
        for c in the_sheet.columns
    ]
    assigned = not any(
        s is not None and s.code in (GradebookError.NOT_ASSIGNED, GradebookError.YEAR_CLOSED)
        for s in states.values()
    )
    for cv in columns:
        cv.correctable = assigned and cv.reason_code in CORRECTABLE
    rows: list[RowView] = []
    for number, row in enumerate(data.rows, start=1):
        view = RowView(
            number=number,
            student=row.student,
            enrolment=row.enrolment,
            active=row.active,
            result=display_result(row.result),
            errors=row.errors,
        )
        for cv in columns:
            cell = row.cells.get(cv.column.key)
            value = display_value(cv.column, cell)
            if row.active and value:
                cv.filled += 1
            other = data.other_class.get((row.student.pk, cv.column.key), "")
            view.cells.append(
                CellView(
                    column=cv.column,
                    value=value,
                    version=cell.version if cell else 0,
                    writable=cv.writable and row.active and not other,
                    correctable=assigned
                    and row.active
                    and (cv.reason_code in CORRECTABLE or bool(other)),
                    other_class=other,
                )
            )
        rows.append(view)
    active_count = sum(1 for r in rows if r.active)
    readonly_reason = ""
    if not any(cv.writable for cv in columns):
        refusals = [s for s in states.values() if s is not None]
        # The sheet's reason first (closed year, not assigned, approved, locked), a finalised
        # column's last: a locked sheet whose columns were also finalised says it is locked.
        first = min(refusals, key=lambda s: _BANNER_ORDER.get(s.code, 3), default=None)
        readonly_reason = first.message if first is not None else ""
    ruleset = get_ruleset(the_sheet.ruleset)
    response = render(
        request,
        "gradebook/grid_sheet.html",
        {
            "sheet": the_sheet,
            "school_class": school_class,
            "subject": subject,
            "term": term,
            "columns": columns,
            "rows": rows,
            "active_count": active_count,
            "show_result": the_sheet.capabilities.subject_term_result,
            "result_heading": _result_heading(the_sheet),
            "ruleset_title": getattr(ruleset, "title", the_sheet.ruleset),
            "can_write": any(cv.writable for cv in columns),
            "can_finalise": assigned and any(cv.writable for cv in columns),
            "can_add_column": (
                assigned
                and any(cv.writable for cv in columns)
                and the_sheet.capabilities.extra_regular_columns
                and sum(1 for c in the_sheet.columns if c.key.startswith("TX")) < MAX_REGULAR
            ),
            "is_assigned": assigned,
            "readonly_reason": readonly_reason,
            "has_other_class": bool(data.other_class),
            "has_correctable": any(c.correctable for r in rows for c in r.cells),
            "urls": _sheet_urls(the_sheet),
            "sheet_key": f"{school_class.pk}-{subject.pk}-{term.pk}",
            "stamp": sheet_stamp(the_sheet),
        },
    )
    # Back from an Excel import (or any page) loads the sheet afresh: a copy kept by the browser
    # would show the results, versions and counters of before.
    response["Cache-Control"] = "private, no-store"
    return response


# --- JSON endpoints --------------------------------------------------------------------------


@login_required
def stamp(request, class_id: int, subject_id: int, term_id: int):
    """The sheet's stamp (``selectors.sheet_stamp``): an open grid whose tab comes back into
    view reloads when the cells changed elsewhere — an Excel import in another tab, a colleague."""
    school_class, subject, term = access_sheet(request.actor, class_id, subject_id, term_id)
    response = JsonResponse({"stamp": sheet_stamp(load_sheet(school_class, subject, term))})
    response["Cache-Control"] = "private, no-store"
    return response


def _payload(request) -> dict:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}
    return request.POST.dict()


def _error(code: str, message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse(_error_body(code, message, **extra), status=status)


def _status_for(exc: DomainError) -> int:
    if exc.code == GradebookError.CONFLICT:
        return 409
    if isinstance(exc, PermissionDeniedError) or exc.code in _REFUSED:
        return 403
    return 400


def _sheet_what(sheet: Sheet) -> str:
    return f"sổ điểm {sheet.subject.name} lớp {sheet.school_class.name} {sheet.term}"


def _row_result(sheet: Sheet, student) -> tuple[str, list[str]]:
    result, errors = student_row_result(sheet, student)
    return display_result(result), errors


def _current_cell(sheet: Sheet, student, column: Column) -> dict:
    cell = Assessment.objects.filter(
        student=student, subject=sheet.subject, term=sheet.term, column=column.key
    ).first()
    return {"value": display_value(column, cell), "version": cell.version if cell else 0}


def _same_as_stored(sheet: Sheet, student, column: Column, raw: object) -> Assessment | None:
    """After a conflict: the stored cell, when it already holds exactly what was sent (a save
    whose answer was lost and is now retried) — then there is nothing to resolve."""
    try:
        value, text = clean_value(column, raw)
    except DomainError:
        return None
    cell = Assessment.objects.filter(
        student=student, subject=sheet.subject, term=sheet.term, column=column.key
    ).first()
    if cell is not None and cell.value == value and cell.text == text:
        return cell
    return None


@login_required
@require_POST
def save_cell(request, class_id: int, subject_id: int, term_id: int):
    """Save one cell: {student, column, value, version} → {ok, value, version, result, errors}
    or {ok: false, code, message} with 400 (invalid), 403 (not allowed now), 409 (conflict)."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    the_sheet = load_sheet(school_class, subject, term)
    status, body, student = _save_one(actor, the_sheet, _payload(request), _SaveRequest(the_sheet))
    if status == 200 and student is not None:
        body["result"], body["errors"] = _row_result(the_sheet, student)
    return JsonResponse(body, status=status)


MAX_CELLS_PER_REQUEST = 200


@login_required
@require_POST
def save_cells(request, class_id: int, subject_id: int, term_id: int):
    """Save many cells at once (a block pasted from Excel): {cells: [{student, column, value,
    version}, ...]} → {ok, cells: [one answer per cell, in order, each with its own status], results:
    {student id: {result, errors}}}. Each cell is saved in its own transaction: a conflict or a
    refused cell does not undo the others, and each answer says what happened to that cell."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    the_sheet = load_sheet(school_class, subject, term)
    cells = _payload(request).get("cells")
    if not isinstance(cells, list) or not cells:
        return _error("BAD_REQUEST", "Yêu cầu không hợp lệ (không có ô nào để lưu).", 400)
    if len(cells) > MAX_CELLS_PER_REQUEST:
        return _error(
            "TOO_MANY_CELLS",
            f"Mỗi lần lưu tối đa {MAX_CELLS_PER_REQUEST} ô; hãy chia nhỏ khối dán.",
            400,
        )
    req = _SaveRequest(the_sheet, batch=True)
    answers = []
    saved_students: dict[int, object] = {}
    for cell in cells:
        status, body, student = _save_one(
            actor, the_sheet, cell if isinstance(cell, dict) else {}, req
        )
        body["status"] = status
        answers.append(body)
        if status == 200 and student is not None:
            saved_students[student.pk] = student
    results = {}
    for student_id, student in saved_students.items():
        result, errors = _row_result(the_sheet, student)
        results[str(student_id)] = {"result": result, "errors": errors}
    return JsonResponse({"ok": True, "cells": answers, "results": results})


class _SaveRequest:
    """What one save request reads once: the class's enrolments and, for a batch, each column's
    writability (a batch touches many students and cells of the same columns)."""

    def __init__(self, sheet: Sheet, *, batch: bool = False):
        self.sheet = sheet
        self.batch = batch
        self._by_student: dict[int, Enrolment] | None = None
        # Batch: each column checked writable once — the refusal, or None when writable.
        self.column_checks: dict[str, DomainError | None] = {}

    def enrolment(self, student_id: int) -> Enrolment | None:
        """The student's enrolment in the class (the open one first): one query for one cell,
        the whole class once for a batch."""
        if not self.batch:
            return (
                Enrolment.objects.filter(
                    school_class=self.sheet.school_class, student_id=student_id
                )
                .select_related("student")
                .order_by(F("end_date").desc(nulls_first=True))
                .first()
            )
        if self._by_student is None:
            self._by_student = {}
            rows = (
                Enrolment.objects.filter(school_class=self.sheet.school_class)
                .select_related("student")
                .order_by("student_id", F("end_date").desc(nulls_first=True))
            )
            for enrolment in rows:
                self._by_student.setdefault(enrolment.student_id, enrolment)
        return self._by_student.get(student_id)


def _save_one(actor, the_sheet: Sheet, payload: dict, req: _SaveRequest):
    """One cell's save → (HTTP status, answer body, the student when saved)."""
    school_class = the_sheet.school_class
    try:
        student_id = int(payload.get("student"))
        raw_version = payload.get("version")
        version = None if raw_version in (None, "") else int(raw_version)
    except (TypeError, ValueError):
        return (
            400,
            _error_body("BAD_REQUEST", "Yêu cầu không hợp lệ (thiếu học sinh hoặc phiên bản)."),
            None,
        )
    column_key = nfc(str(payload.get("column") or ""))
    raw = payload.get("value", "")
    if raw is not None and not isinstance(raw, (str, int, float)):
        return 400, _error_body("BAD_REQUEST", "Giá trị không hợp lệ."), None
    enrolment = req.enrolment(student_id)
    if enrolment is None:
        return (
            400,
            _error_body(
                GradebookError.NOT_ENROLLED, f"Học sinh không học lớp {school_class.name}."
            ),
            None,
        )
    student = enrolment.student
    if not enrolment.is_studying:
        return (
            400,
            _error_body(
                GradebookError.NOT_ENROLLED,
                f"{student.full_name} đã rời lớp {school_class.name}: không nhập kết quả.",
            ),
            None,
        )
    try:
        prechecked = False
        if req.batch:
            # A batch checks each column once (assigned, finalised, locked, approved) instead of
            # once per cell; the enrolment was checked above from the class list.
            if column_key not in req.column_checks:
                try:
                    ensure_writable(actor, the_sheet, column_key)
                    req.column_checks[column_key] = None
                except DomainError as exc:
                    req.column_checks[column_key] = exc
            refused = req.column_checks[column_key]
            if refused is not None:
                raise refused
            prechecked = True
        saved = actions.assessment_save(
            actor=actor,
            sheet=the_sheet,
            student=student,
            column_key=column_key,
            raw_value=raw,
            expected_version=version,
            prechecked=prechecked,
            enrolment=enrolment,
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError):
            log_denied(actor, kind="forbidden", what=f"nhập điểm {_sheet_what(the_sheet)}")
        column = the_sheet.column(column_key)
        if exc.code == GradebookError.CONFLICT and column is not None:
            same = _same_as_stored(the_sheet, student, column, raw)
            if same is not None:
                body = {
                    "ok": True,
                    "value": display_value(column, same),
                    "version": same.version,
                    "changed": False,
                }
                return 200, body, student
            body = _error_body(
                exc.code, exc.message, current=_current_cell(the_sheet, student, column)
            )
            return 409, body, None
        return _status_for(exc), _error_body(exc.code, exc.message), None
    column = the_sheet.column(column_key)
    body = {
        "ok": True,
        "value": display_value(column, saved.assessment),
        "version": saved.version,
        "changed": saved.changed,
    }
    return 200, body, student


def _error_body(code: str, message: str, **extra) -> dict:
    return {"ok": False, "code": str(code), "message": message, **extra}


@login_required
@require_POST
def save_test_date(request, class_id: int, subject_id: int, term_id: int):
    """Set (or clear) the date of a periodic test: {column, date: "YYYY-MM-DD" | ""}."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    payload = _payload(request)
    the_sheet = load_sheet(school_class, subject, term)
    column = the_sheet.column(nfc(str(payload.get("column") or "")))
    if column is None or not column.dated:
        return _error(GradebookError.UNKNOWN_COLUMN, "Cột này không có ngày kiểm tra.", 400)
    raw = nfc(str(payload.get("date") or ""))
    try:
        when = date.fromisoformat(raw) if raw else None
    except ValueError:
        return _error("BAD_DATE", f"“{raw}” không phải là ngày hợp lệ.", 400)
    if when is not None and not (term.start_date <= when <= term.end_date):
        return _error(
            "BAD_DATE",
            f"Ngày kiểm tra phải nằm trong {term} "
            f"({term.start_date:%d/%m/%Y} – {term.end_date:%d/%m/%Y}).",
            400,
        )
    try:
        actions.test_date_set(actor=actor, sheet=the_sheet, column_key=column.key, test_date=when)
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError):
            log_denied(actor, kind="forbidden", what=f"ngày kiểm tra {_sheet_what(the_sheet)}")
        return _error(exc.code, exc.message, _status_for(exc))
    return JsonResponse({"ok": True, "date": when.isoformat() if when else ""})


@login_required
@require_POST
def add_column(request, class_id: int, subject_id: int, term_id: int):
    """Thêm cột ĐĐGtx (one more optional regular column)."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    the_sheet = load_sheet(school_class, subject, term)
    try:
        key = actions.regular_column_add(actor=actor, sheet=the_sheet)
    except PermissionDeniedError as exc:
        log_denied(actor, kind="forbidden", what=f"thêm cột {_sheet_what(the_sheet)}")
        raise PermissionDenied(exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã thêm cột {the_sheet.column(key).label}.")
    return redirect("gradebook:sheet", class_id, subject_id, term_id)


@login_required
@require_POST
def finalise(request, class_id: int, subject_id: int, term_id: int):
    """Chốt one column (``column``) or every column still open (``column`` empty)."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    the_sheet = load_sheet(school_class, subject, term)
    back = redirect("gradebook:sheet", class_id, subject_id, term_id)
    key = nfc(request.POST.get("column", ""))
    if key:
        if the_sheet.column(key) is None:
            messages.error(request, f"Cột “{key}” không có trong sổ.")
            return back
        keys = [key]
    else:
        states = column_states(actor, the_sheet)
        keys = [
            k
            for k, s in states.items()
            if s is None or s.code not in (GradebookError.FINALISED, GradebookError.LOCKED)
        ]
        if not keys:
            messages.info(request, "Không còn cột nào để chốt.")
            return back
    if not request.POST.get("confirm"):
        messages.error(
            request,
            "Hãy đánh dấu ô xác nhận: sau khi chốt, thầy/cô không thể tự sửa kết quả nữa.",
        )
        return back
    try:
        done = actions.columns_finalise(actor=actor, sheet=the_sheet, column_keys=keys)
    except PermissionDeniedError as exc:
        log_denied(actor, kind="forbidden", what=f"chốt {_sheet_what(the_sheet)}")
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    labels = [the_sheet.column(k).label for k in done]
    if labels:
        messages.success(request, "Đã chốt: " + ", ".join(labels) + ".")
    else:
        messages.info(request, "Các cột này đã chốt từ trước.")
    return back


# --- the index -------------------------------------------------------------------------------


@dataclass
class SheetCard:
    school_class: SchoolClass
    subject: Subject
    term: Term
    teacher: object = None
    required: int = 0  # results required (students × required columns)
    entered: int = 0
    columns: int = 0
    finalised: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.entered / self.required) if self.required else 0

    @property
    def url(self) -> str:
        return reverse(
            "gradebook:sheet", args=[self.school_class.pk, self.subject.pk, self.term.pk]
        )


def _with_progress(cards: list[SheetCard]) -> list[SheetCard]:
    """Fill entered/required and finalised columns for many sheets in four queries."""
    if not cards:
        return cards
    class_ids = {c.school_class.pk for c in cards}
    subject_ids = {c.subject.pk for c in cards}
    term_ids = {c.term.pk for c in cards}
    offerings = {
        (o.subject_id, o.grade_id): o
        for o in SubjectOffering.objects.filter(
            subject_id__in=subject_ids,
            grade_id__in={c.school_class.grade_id for c in cards},
        )
    }
    active = dict(
        Enrolment.objects.studying()
        .filter(school_class_id__in=class_ids)
        .values("school_class_id")
        .annotate(n=Count("id"))
        .values_list("school_class_id", "n")
    )
    filled: dict[tuple, int] = {}
    for row in (
        Assessment.objects.filter(
            Enrolment.studying_q("student__enrolments__"),  # one join: studying in this class
            school_class_id__in=class_ids,
            subject_id__in=subject_ids,
            term_id__in=term_ids,
            student__enrolments__school_class_id=F("school_class_id"),
        )
        .filter(~Q(value="") | ~Q(text=""))
        .values("school_class_id", "subject_id", "term_id", "column")
        .annotate(n=Count("id"))
    ):
        key = (row["school_class_id"], row["subject_id"], row["term_id"], row["column"])
        filled[key] = row["n"]
    finalised = {
        (r["school_class_id"], r["subject_id"], r["term_id"]): r["n"]
        for r in SheetColumn.objects.filter(
            school_class_id__in=class_ids,
            subject_id__in=subject_ids,
            term_id__in=term_ids,
            finalised_at__isnull=False,
        )
        .values("school_class_id", "subject_id", "term_id")
        .annotate(n=Count("id"))
    }
    for card in cards:
        sc = card.school_class
        code = _ruleset_code(sc.year, sc.grade.level, sc.grade.number)
        columns = sheet_columns(
            subject=card.subject,
            offering=offerings.get((card.subject.pk, sc.grade_id)),
            term=card.term,
            ruleset=code,
        )
        required = [c for c in columns if c.required and c.kind != TEXT]
        students = active.get(sc.pk, 0)
        card.columns = len(columns)
        card.required = students * len(required)
        card.entered = sum(
            min(filled.get((sc.pk, card.subject.pk, card.term.pk, c.key), 0), students)
            for c in required
        )
        card.finalised = finalised.get((sc.pk, card.subject.pk, card.term.pk), 0)
    return cards


def _current_term(terms: list[Term]) -> Term | None:
    today = clock.today()
    for term in terms:
        if term.start_date <= today <= term.end_date:
            return term
    upcoming = [t for t in terms if t.start_date > today]
    return upcoming[0] if upcoming else (terms[-1] if terms else None)


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


@login_required
def index(request):
    """Sổ điểm: the sheets I enter (subject teacher), and the sheets I may read by class."""
    actor = request.actor
    is_reader = bool(
        actor.has(*GRADEBOOK_READERS) or actor.homeroom_class_ids or actor.department_ids
    )
    if actor.school is None or actor.year is None or (actor.staff is None and not is_reader):
        log_denied(actor, kind="forbidden", what="sổ điểm")
        raise PermissionDenied("Bạn không có quyền xem sổ điểm.")
    terms = list(Term.objects.filter(year=actor.year).order_by("number"))
    wanted = _int_param(request, "ky")
    term = next((t for t in terms if t.pk == wanted), None) or _current_term(terms)
    mine: list[SheetCard] = []
    if actor.staff is not None and term is not None:
        mine = [
            SheetCard(school_class=a.school_class, subject=a.subject, term=a.term)
            for a in teaching_on(reference_day(actor.year))
            .filter(teacher=actor.staff, term=term)
            .select_related("school_class__grade", "school_class__year", "subject", "term")
            .order_by("school_class__grade__number", "school_class__name", "subject__order")
        ]
        _with_progress(mine)
    classes: list[SchoolClass] = []
    chosen = None
    readable: list[SheetCard] = []
    if is_reader:
        classes = list(visible_classes(actor).order_by("grade__number", "name"))
        class_id = _int_param(request, "lop")
        if class_id is not None:
            chosen = access_class(actor, class_id)
            if term is not None:
                assignments = (
                    teaching_on(reference_day(actor.year))
                    .filter(school_class=chosen, term=term)
                    .select_related(
                        "school_class__grade", "school_class__year", "subject", "term", "teacher"
                    )
                    .order_by("subject__order", "subject__name")
                )
                readable = [
                    SheetCard(
                        school_class=a.school_class,
                        subject=a.subject,
                        term=a.term,
                        teacher=a.teacher,
                    )
                    for a in assignments
                    if can_read_sheet(actor, chosen, a.subject)
                ]
                _with_progress(readable)
    return render(
        request,
        "gradebook/grid_index.html",
        {
            "terms": terms,
            "term": term,
            "mine": mine,
            "is_teacher": actor.staff is not None and bool(actor.taught),
            "is_reader": is_reader,
            "classes": classes,
            "chosen": chosen,
            "readable": readable,
        },
    )


# --- locks (khóa sổ) -------------------------------------------------------------------------


class LockForm(forms.Form):
    """What to lock and from when. Empty scope fields mean "all"."""

    grade = forms.ModelChoiceField(
        queryset=GradeLevel.objects.none(), required=False, label="Khối", empty_label="Mọi khối"
    )
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(), required=False, label="Lớp", empty_label="Mọi lớp"
    )
    subject = forms.ModelChoiceField(
        queryset=Subject.objects.none(), required=False, label="Môn học", empty_label="Mọi môn"
    )
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(), required=False, label="Học kỳ", empty_label="Cả năm học"
    )
    checkpoint = forms.ChoiceField(
        choices=[("", "Mọi đợt đánh giá"), *Checkpoint.Kind.choices],
        required=False,
        label="Đợt đánh giá",
    )
    when = forms.ChoiceField(
        choices=[("now", "Khóa ngay bây giờ"), ("at", "Khóa từ thời điểm")],
        initial="now",
        widget=forms.RadioSelect,
        label="Thời điểm",
    )
    effective_at = forms.DateTimeField(
        required=False,
        label="Khóa từ",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        max_length=300, required=False, label="Lý do / căn cứ (quyết định của hiệu trưởng)"
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = GradeLevel.objects.filter(school=actor.school).order_by(
            "number"
        )
        self.fields["school_class"].queryset = SchoolClass.objects.filter(year=actor.year).order_by(
            "grade__number", "name"
        )
        self.fields["subject"].queryset = Subject.objects.filter(school=actor.school).order_by(
            "level", "order", "name"
        )
        self.fields["term"].queryset = Term.objects.filter(year=actor.year).order_by("number")

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data.get("reason"))

    def clean(self):
        data = super().clean()
        if data.get("when") == "at" and not data.get("effective_at"):
            self.add_error("effective_at", "Chọn ngày giờ bắt đầu khóa sổ.")
        return data


_CHECKPOINT_LABELS = dict(Checkpoint.Kind.choices)


def lock_scope(lock: BookLock) -> str:
    parts = []
    if lock.grade_id:
        parts.append(str(lock.grade))
    if lock.school_class_id:
        parts.append(str(lock.school_class))
    if lock.subject_id:
        parts.append(f"Môn {lock.subject.name}")
    if lock.term_id:
        parts.append(str(lock.term))
    if lock.checkpoint:
        parts.append(_CHECKPOINT_LABELS.get(lock.checkpoint, lock.checkpoint))
    return ", ".join(parts) or "Toàn trường (mọi lớp, mọi môn)"


def lock_state(lock: BookLock, now) -> tuple[str, str]:
    """(label, badge class)."""
    if lock.opened_at:
        return "Đã mở", ""
    if lock.effective_at > now:
        return "Hẹn khóa", "warn"
    return "Đang khóa", "err"


@login_required
def locks(request):
    """Khóa sổ: the principal (or the administrator on the principal's order) locks and opens."""
    actor = request.actor
    if not can_see_locks(actor):
        log_denied(actor, kind="forbidden", what="khóa sổ")
        raise PermissionDenied("Chỉ hiệu trưởng và quản trị viên được khóa, mở sổ.")
    may_lock = can_lock_books(actor) and actor.year is not None
    form = LockForm(request.POST or None, actor=actor)
    if request.method == "POST":
        if not may_lock:
            log_denied(actor, kind="forbidden", what="khóa sổ")
            raise PermissionDenied("Năm học đã khóa: không khóa thêm sổ.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.book_lock(
                    actor=actor,
                    year=actor.year,
                    effective_at=data["effective_at"] if data["when"] == "at" else None,
                    grade=data["grade"],
                    school_class=data["school_class"],
                    subject=data["subject"],
                    term=data["term"],
                    checkpoint=data["checkpoint"] or "",
                    reason=data["reason"],
                )
            except PermissionDeniedError as exc:
                log_denied(actor, kind="forbidden", what="khóa sổ")
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã khóa sổ.")
                return redirect("gradebook:locks")
    now = clock.now()
    rows = []
    if actor.year is not None:
        for lock in BookLock.objects.filter(school=actor.school, year=actor.year).select_related(
            "grade", "school_class", "subject", "term", "ordered_by", "created_by", "opened_by"
        ):
            label, badge = lock_state(lock, now)
            rows.append(
                {
                    "lock": lock,
                    "scope": lock_scope(lock),
                    "state": label,
                    "badge": badge,
                    "open": lock.opened_at is None,
                }
            )
    return render(
        request,
        "gradebook/grid_locks.html",
        {"form": form, "rows": rows, "may_lock": may_lock},
    )
