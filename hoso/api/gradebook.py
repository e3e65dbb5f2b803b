"""The grade book over JSON (/api/v1/gradebook): read a sheet, save a cell, finalise columns,
request a correction. Same policies and actions as the grid:

* a sheet outside the caller's scope (another class, another school, a subject it does not
  see) answers 404, like an absent one (``policies.access_sheet``, logged);
* a caller who may read but is not the assigned teacher gets 403 on writes (logged);
* refusals by the grade book (finalised column, locked book, bad value, ...) answer 400 with the
  domain code; a cell saved elsewhere since it was read (stale ``version``) answers 409.
"""

from __future__ import annotations

import json
from functools import reduce
from importlib.util import find_spec
from operator import or_

from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from hoso.accounts.policies import log_denied, not_found
from hoso.api import gradebook_schemas as g
from hoso.api.auth import api_actor
from hoso.api.schemas import ERRORS, WRITE_ERRORS, ErrorOut
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.gradebook.entry.actions import assessment_save, columns_finalise
from hoso.gradebook.entry.locks import lock_covering, locks_for_sheet
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.entry.policies import GRADEBOOK_READERS, access_sheet, is_assigned_teacher
from hoso.gradebook.entry.selectors import KIND_HINTS, sheet_data, student_row_result
from hoso.gradebook.entry.sheets import Sheet, load_sheet
from hoso.gradebook.errors import GradebookError
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.students.models import Enrolment

router = Router(tags=["gradebook"])

SHEET = "/sheets/{class_id}/{subject_id}/{term_id}"
NOT_READY = "NOT_IMPLEMENTED"


# --- helpers --------------------------------------------------------------------------------


def _class_ref(c) -> dict:
    return {"id": c.pk, "name": c.name, "grade": c.grade.number}


def _subject_ref(s) -> dict:
    return {"id": s.pk, "code": s.code, "name": s.name, "assessment": s.assessment}


def _term_ref(t) -> dict:
    return {"id": t.pk, "number": t.number}


def _sheet_url(class_id: int, subject_id: int, term_id: int) -> str:
    return reverse(
        "api-v1:gradebook_sheet",
        kwargs={"class_id": class_id, "subject_id": subject_id, "term_id": term_id},
    )


def _result(value) -> str | None:
    """The rule set's term result as text: scores with one decimal ('7.7'), levels as is."""
    if value is None:
        return None
    if isinstance(value, float | int):
        return f"{value:.1f}"
    return str(value)


def _cell(cell: Assessment) -> dict:
    return {"value": cell.value, "text": cell.text, "version": cell.version}


def _columns(sheet: Sheet, *, finalised: dict, locked: dict, test_dates: dict) -> list[dict]:
    return [
        {
            "key": c.key,
            "label": c.label,
            "kind": c.kind,
            "hint": KIND_HINTS.get(c.kind, ""),
            "choices": list(c.choices),
            "required": c.required,
            "periodic": c.periodic,
            "checkpoint": c.checkpoint,
            "test_date": test_dates.get(c.key),
            "finalised": c.key in finalised,
            "finalised_at": finalised[c.key].finalised_at if c.key in finalised else None,
            "locked": c.key in locked,
            "lock": str(locked[c.key]) if c.key in locked else None,
        }
        for c in sheet.columns
    ]


def _column_states(sheet: Sheet) -> list[dict]:
    """Finalisation, locks and test dates of the columns, without reading the cells."""
    rows = SheetColumn.objects.filter(
        school_class=sheet.school_class, subject=sheet.subject, term=sheet.term
    )
    by_key = {r.column: r for r in rows}
    locks = locks_for_sheet(sheet.school_class, sheet.subject, sheet.term)
    locked = {c.key: lock for c in sheet.columns if (lock := lock_covering(locks, c))}
    return _columns(
        sheet,
        finalised={k: r for k, r in by_key.items() if r.finalised_at},
        locked=locked,
        test_dates={k: r.test_date for k, r in by_key.items() if r.test_date},
    )


def _sheet(request: HttpRequest, class_id: int, subject_id: int, term_id: int):
    actor = api_actor(request)
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    return actor, load_sheet(school_class, subject, term)


def _describe(sheet: Sheet) -> str:
    return f"sổ điểm {sheet.subject.name} lớp {sheet.school_class.name} {sheet.term} (API)"


def _refused(actor, sheet: Sheet, exc: PermissionDeniedError, what: str) -> None:
    """403s of the grade book are logged like those of ``require``."""
    log_denied(actor, kind="forbidden", what=f"{exc.code} {what} — {_describe(sheet)}")


# --- list -----------------------------------------------------------------------------------


@router.get("/sheets", response={200: list[g.SheetBriefOut], **ERRORS}, summary="Các sổ điểm")
def sheets(
    request: HttpRequest,
    class_id: int | None = Query(None, description="Chỉ các sổ của lớp này."),
    subject_id: int | None = Query(None, description="Chỉ các sổ của môn này."),
    term: int | None = Query(None, ge=1, le=2, description="Học kì: 1 hoặc 2."),
):
    """Sổ điểm (lớp × môn × học kì) of the current year the caller may read: a subject teacher
    its assignments (and the other terms of the subjects it teaches), a homeroom teacher its
    class, a department head its members' sheets, leaders, clerk and administrator all."""
    actor = api_actor(request)
    if actor.school is None or actor.year is None:
        return []
    qs = teaching_on(reference_day(actor.year)).filter(school_class__year=actor.year)
    if not actor.has(*GRADEBOOK_READERS):
        scope = [Q(school_class_id__in=actor.homeroom_class_ids)]
        if actor.staff is not None:
            scope.append(Q(teacher=actor.staff))
        scope += [
            Q(school_class_id=class_pk, subject_id__in=subject_ids)
            for class_pk, subject_ids in actor.taught.items()
        ]
        if actor.department_ids:
            scope.append(Q(teacher__department_id__in=actor.department_ids))
        qs = qs.filter(reduce(or_, scope))
    if class_id is not None:
        qs = qs.filter(school_class_id=class_id)
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if term is not None:
        qs = qs.filter(term__number=term)
    qs = qs.select_related("school_class__grade", "subject", "term", "teacher").order_by(
        "school_class__grade__number",
        "school_class__name",
        "subject__order",
        "subject__name",
        "term__number",
    )
    mine = actor.staff.pk if actor.staff is not None else None
    return [
        {
            "school_class": _class_ref(t.school_class),
            "subject": _subject_ref(t.subject),
            "term": _term_ref(t.term),
            "teacher": t.teacher.full_name,
            "is_mine": t.teacher_id == mine,
            "url": _sheet_url(t.school_class_id, t.subject_id, t.term_id),
        }
        for t in qs
    ]


# --- one sheet ------------------------------------------------------------------------------


@router.get(
    SHEET,
    response={200: g.SheetOut, **ERRORS},
    url_name="gradebook_sheet",
    summary="Một sổ điểm",
)
def sheet_detail(request: HttpRequest, class_id: int, subject_id: int, term_id: int):
    """Columns (kind, label, required, finalised, locked) and one row per student of the class
    (including those who left, ``active`` false), in Vietnamese name order, with the cells
    ``{column: {value, version}}`` and the term result as the rule set computes it."""
    actor, sheet = _sheet(request, class_id, subject_id, term_id)
    return sheet_payload(actor, sheet)


def sheet_payload(actor, sheet: Sheet) -> dict:
    """The body of GET /sheets/{class}/{subject}/{term} (also used by bench/gradebook.py)."""
    data = sheet_data(sheet)
    return {
        "school_class": _class_ref(sheet.school_class),
        "subject": _subject_ref(sheet.subject),
        "term": _term_ref(sheet.term),
        "ruleset": sheet.ruleset,
        "can_edit": sheet.school_class.year.writable_for("gradebook")
        and is_assigned_teacher(actor, sheet.school_class, sheet.subject, sheet.term),
        "columns": _columns(
            sheet, finalised=data.finalised, locked=data.locked, test_dates=data.test_dates
        ),
        "rows": [
            {
                "student": {
                    "id": row.student.pk,
                    "student_code": row.student.student_code,
                    "full_name": row.student.full_name,
                },
                "active": row.active,
                "status": row.enrolment.status,
                "cells": {key: _cell(cell) for key, cell in row.cells.items()},
                "result": _result(row.result),
                "errors": row.errors,
            }
            for row in data.rows
        ],
    }


def _enrolment_in(actor, sheet: Sheet, student_id: int) -> Enrolment:
    """The student's enrolment in this class (an active one first); a student who was never in
    the class is out of scope → 404."""
    enrolment = (
        Enrolment.objects.filter(school_class=sheet.school_class, student_id=student_id)
        .select_related("student")
        .order_by(F("end_date").desc(nulls_first=True))
        .first()
    )
    if enrolment is None:
        raise not_found(actor, f"học sinh #{student_id} trong {_describe(sheet)}")
    return enrolment


def _student_in(actor, sheet: Sheet, student_id: int):
    return _enrolment_in(actor, sheet, student_id).student


def _row_result(sheet: Sheet, student) -> tuple[str | None, list[str]]:
    value, errors = student_row_result(sheet, student)
    return _result(value), errors


@router.put(
    SHEET + "/cells",
    response={200: g.CellSavedOut, 409: g.ConflictOut, **WRITE_ERRORS},
    summary="Lưu một ô",
)
def cell_save(
    request: HttpRequest, class_id: int, subject_id: int, term_id: int, payload: g.CellIn
):
    """Save one result (an empty value or null clears the cell). Only the assigned subject
    teacher, in an open year, on a column not finalised (chốt) and not locked (khóa sổ).
    Send the ``version`` you read: if somebody saved the cell since, the answer is 409 with the
    current value and nothing is overwritten. Every change is in the audit trail."""
    actor, sheet = _sheet(request, class_id, subject_id, term_id)
    enrolment = _enrolment_in(actor, sheet, payload.student)
    student = enrolment.student
    column_key = nfc(payload.column.strip())
    raw = payload.value
    if raw is None:
        raw = ""
    elif not isinstance(raw, str):
        raw = str(raw)
    try:
        saved = assessment_save(
            actor=actor,
            sheet=sheet,
            student=student,
            column_key=column_key,
            raw_value=raw,
            expected_version=payload.version,
            assessed_on=payload.assessed_on,
            enrolment=enrolment,
        )
    except PermissionDeniedError as exc:
        _refused(actor, sheet, exc, f"lưu ô {column_key}")
        raise
    except DomainError as exc:
        if exc.code != GradebookError.CONFLICT:
            raise
        current = Assessment.objects.filter(
            student=student, subject=sheet.subject, term=sheet.term, column=column_key
        ).first()
        return Status(
            409,
            {
                "code": exc.code,
                "detail": exc.message,
                "field": "version",
                "current": _cell(current) if current else None,
            },
        )
    result, errors = _row_result(sheet, student)
    return {
        "student": student.pk,
        "column": column_key,
        "value": saved.value,
        "text": saved.text,
        "version": saved.version,
        "changed": saved.changed,
        "result": result,
        "errors": errors,
    }


@router.post(SHEET + "/finalise", response={200: g.FinaliseOut, **WRITE_ERRORS}, summary="Chốt")
def finalise(
    request: HttpRequest, class_id: int, subject_id: int, term_id: int, payload: g.FinaliseIn
):
    """Chốt: after this the teacher can no longer change these columns (only a correction can).
    Required columns must be complete for every student studying in the class (else 400
    ``INCOMPLETE``). An empty list means every column not finalised yet."""
    actor, sheet = _sheet(request, class_id, subject_id, term_id)
    keys = list(dict.fromkeys(nfc(k.strip()) for k in payload.columns))
    if not keys:
        already = set(
            SheetColumn.objects.filter(
                school_class=sheet.school_class,
                subject=sheet.subject,
                term=sheet.term,
                finalised_at__isnull=False,
            ).values_list("column", flat=True)
        )
        keys = [c.key for c in sheet.columns if c.key not in already]
    done: list[str] = []
    if keys:
        try:
            done = columns_finalise(actor=actor, sheet=sheet, column_keys=keys)
        except PermissionDeniedError as exc:
            _refused(actor, sheet, exc, "chốt " + ", ".join(keys))
            raise
    return {"finalised": done, "columns": _column_states(sheet)}


# --- corrections ----------------------------------------------------------------------------


MAX_ITEM_VALUE = 2000  # a comment's length; a score is a few characters


def _correction_cells(payload: g.CorrectionIn) -> list[tuple[int, str, str]]:
    """(student, column, new value) of each cell: ``items`` (JSON) or the single-cell fields."""
    if not payload.items.strip():
        if payload.student is None or not (payload.column or "").strip():
            raise DomainError(
                "BAD_ITEMS", "Cho biết học sinh và cột (hoặc danh sách items).", field="items"
            )
        return [(payload.student, payload.column, payload.new_value)]
    try:
        items = json.loads(payload.items)
    except ValueError:
        items = None
    if not isinstance(items, list) or not items:
        raise DomainError(
            "BAD_ITEMS",
            'items phải là danh sách JSON [{"student": …, "column": …, "new_value": …}].',
            field="items",
        )
    out = []
    for n, item in enumerate(items, start=1):
        ok = isinstance(item, dict) and isinstance(item.get("student"), int)
        if not ok or not isinstance(item.get("column"), str) or not item["column"].strip():
            raise DomainError(
                "BAD_ITEMS", f"Dòng {n} của items thiếu học sinh hoặc cột.", field="items"
            )
        value = str(item.get("new_value", ""))
        if len(value) > MAX_ITEM_VALUE:
            raise DomainError(
                "BAD_ITEMS",
                f"Dòng {n} của items: giá trị mới dài quá {MAX_ITEM_VALUE} ký tự.",
                field="items",
            )
        out.append((item["student"], item["column"], value))
    return out


@router.post(
    "/corrections",
    response={201: g.CorrectionOut, 501: ErrorOut, **WRITE_ERRORS},
    summary="Đề nghị sửa điểm",
)
def correction_create(
    request: HttpRequest,
    payload: Form[g.CorrectionIn],
    evidence: File[list[UploadedFile]] = None,
):
    """Đơn đề nghị sửa điểm (multipart/form-data) for a result the teacher can no longer change
    (finalised, locked, or in approved class results): only the subject teacher assigned to the
    sheet; the principal decides, the change is then made with a witness and the homeroom
    teacher. A result that is still open is changed directly (400 ``NOT_PROTECTED``).
    ``evidence``: the test paper, the teacher's notes — PDF, JPEG or PNG, 1 to 10 files."""
    actor = api_actor(request)
    if find_spec("hoso.gradebook.corrections.actions") is None:
        return Status(
            501,
            {
                "code": NOT_READY,
                "detail": "Chức năng đề nghị sửa điểm qua API chưa sẵn sàng; hãy dùng giao diện web.",
                "field": None,
            },
        )
    from hoso.gradebook.corrections.actions import CellChange, correction_request_cells

    school_class, subject, term = access_sheet(
        actor, payload.school_class, payload.subject, payload.term
    )
    sheet = load_sheet(school_class, subject, term)
    changes = [
        CellChange(_student_in(actor, sheet, student_id), nfc(column.strip()), new_value)
        for student_id, column, new_value in _correction_cells(payload)
    ]
    what = ", ".join(dict.fromkeys(c.column_key for c in changes))
    try:
        correction = correction_request_cells(
            actor=actor,
            sheet=sheet,
            changes=changes,
            reason=payload.reason,
            files=list(evidence or []),
        )
    except PermissionDeniedError as exc:
        _refused(actor, sheet, exc, f"đề nghị sửa ô {what}")
        raise
    cells = correction.cells
    one = correction.single
    return Status(
        201,
        {
            "id": correction.pk,
            "state": correction.state,
            "state_label": correction.get_state_display(),
            "student": one.student_id if one else None,
            "column": one.column if one else "",
            "old_value": one.old_value if one else "",
            "new_value": one.new_value if one else "",
            "old_text": one.old_text if one else "",
            "new_text": one.new_text if one else "",
            "items": [
                {
                    "row": i.row,
                    "student": i.student_id,
                    "column": i.column,
                    "old_value": i.old_value,
                    "new_value": i.new_value,
                    "old_text": i.old_text,
                    "new_text": i.new_text,
                }
                for i in cells
            ],
            "requested_at": correction.requested_at,
            "evidence": list(correction.evidence.values_list("original_name", flat=True)),
        },
    )
