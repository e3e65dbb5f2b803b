"""Doors of the correction procedure (sửa điểm): parse → access → action/selector → render.

The grid links each finalised or locked cell to
``{% url 'gradebook:correction_new' %}?class=<id>&subject=<id>&term=<id>&student=<id>&column=<key>``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from hoso.accounts.models import User
from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.gradebook.corrections import selectors as sel
from hoso.gradebook.corrections.actions import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    OPEN_STATES,
    CellChange,
    CorrectionRowsError,
    correction_cancel,
    correction_confirm,
    correction_decide,
    correction_request,
    correction_request_cells,
    protection_error,
)
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.corrections.policies import access_correction, access_evidence
from hoso.gradebook.entry.columns import TEXT
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.policies import access_sheet, is_assigned_teacher
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.entry.validation import clean_value
from hoso.students.models import Enrolment, Student

State = CorrectionRequest.State


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404("Không tìm thấy.")


def _grid_url(school_class, subject, term) -> str:
    """The grade grid of the sheet, when the grid area provides it (else '')."""
    for name, kwargs in (
        (
            "gradebook:grid",
            {"class_id": school_class.pk, "subject_id": subject.pk, "term_id": term.pk},
        ),
        (
            "gradebook:sheet",
            {"class_id": school_class.pk, "subject_id": subject.pk, "term_id": term.pk},
        ),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


# --- the teacher's request ------------------------------------------------------------------------


def _cell(request):
    """The cell named by ?class=&subject=&term=&student=&column= (404 when out of scope)."""
    actor = request.actor
    params = request.GET
    school_class, subject, term = access_sheet(
        actor, _int(params.get("class")), _int(params.get("subject")), _int(params.get("term"))
    )
    student_id = _int(params.get("student"))
    enrolled = Enrolment.objects.filter(student_id=student_id, school_class=school_class).exists()
    student = Student.objects.filter(pk=student_id, school=actor.school).first()
    sheet = load_sheet(school_class, subject, term)
    key = nfc(params.get("column", ""))
    column = sheet.column(key)
    if student is None or not enrolled or column is None:
        raise not_found(actor, f"ô điểm {key} học sinh #{student_id} lớp #{school_class.pk}")
    return sheet, student, column


@login_required
def correction_new(request):
    """Đơn đề nghị sửa điểm for one cell; only its assigned subject teacher files it."""
    actor = request.actor
    sheet, student, column = _cell(request)
    if not is_assigned_teacher(actor, sheet.school_class, sheet.subject, sheet.term):
        log_denied(actor, kind="forbidden", what=f"làm đơn sửa điểm {column.key} #{student.pk}")
        raise PermissionDenied("Chỉ giáo viên bộ môn được phân công mới làm đơn sửa điểm.")
    cell = Assessment.objects.filter(
        student=student, subject=sheet.subject, term=sheet.term, column=column.key
    ).first()
    is_text = column.kind == TEXT
    context = {
        "sheet": sheet,
        "student": student,
        "column": column,
        "is_text": is_text,
        "current": sel.display_value(cell.value if cell else ""),
        "current_text": cell.text if cell else "",
        "grid_url": _grid_url(sheet.school_class, sheet.subject, sheet.term),
        "max_mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
        "max_files": MAX_EVIDENCE_FILES,
        "accept": ",".join([".pdf", ".jpg", ".jpeg", ".png", *EVIDENCE_TYPES.values()]),
        # A comment is corrected by editing it: the form starts from the current text.
        "values": {"new_value": cell.text if is_text and cell else "", "reason": ""},
    }
    try:
        context["protected"] = protection_error(actor, sheet, column.key, student)
    except DomainError as exc:  # e.g. the year is closed
        context["blocked"] = exc.message
    context["open_request"] = CorrectionRequest.objects.filter(
        items__student=student,
        items__column=column.key,
        items__is_open=True,
        subject=sheet.subject,
        term=sheet.term,
        state__in=OPEN_STATES,
    ).first()
    if request.method == "POST":
        raw = request.POST.get("new_value", "")
        values = {
            # A comment keeps its line breaks: the action normalises it line by line.
            "new_value": raw if is_text else nfc(raw),
            "reason": request.POST.get("reason", ""),
        }
        context["values"] = values
        try:
            correction = correction_request(
                actor=actor,
                sheet=sheet,
                student=student,
                column_key=column.key,
                new_value=values["new_value"],
                reason=values["reason"],
                files=request.FILES.getlist("evidence"),
            )
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            context["error"] = exc
            return render(request, "gradebook/correction_new.html", context, status=400)
        messages.success(request, "Đã gửi đơn đề nghị sửa điểm; đơn chờ Hiệu trưởng duyệt.")
        return redirect("gradebook:correction_detail", correction_id=correction.pk)
    return render(request, "gradebook/correction_new.html", context)


# --- a request for a column or several cells of one sheet ---------------------------------------


def _cells_rows(request, sheet) -> list[dict]:
    """The rows of the form: ?column=<key> (the whole column, every student studying in the
    class) or ?cell=<student id>:<key> repeated (chosen cells). 404 for an unknown column or a
    student out of the class."""
    actor = request.actor
    params = request.GET
    enrolments = {
        e.student_id: e
        for e in Enrolment.objects.filter(school_class=sheet.school_class)
        .select_related("student")
        .order_by("student__sort_name", "student__pk")
    }
    wanted: list[tuple[int, str]] = []
    column_key = nfc(params.get("column", ""))
    if column_key:
        if sheet.column(column_key) is None:
            raise not_found(actor, f"cột {column_key} lớp #{sheet.school_class.pk}")
        wanted = [(sid, column_key) for sid, e in enrolments.items() if e.is_studying]
    else:
        for raw in params.getlist("cell"):
            sid, _, key = nfc(raw).partition(":")
            if not sid.isdigit() or int(sid) not in enrolments or sheet.column(key) is None:
                raise not_found(actor, f"ô điểm {raw} lớp #{sheet.school_class.pk}")
            if (int(sid), key) not in wanted:
                wanted.append((int(sid), key))
    if not wanted:
        raise Http404("Không có ô nào để sửa.")
    cells = {
        (a.student_id, a.column): a
        for a in Assessment.objects.filter(
            student__in=[sid for sid, _ in wanted],
            subject=sheet.subject,
            term=sheet.term,
            column__in={key for _, key in wanted},
        )
    }
    rows = []
    for n, (sid, key) in enumerate(wanted, start=1):
        column = sheet.column(key)
        cell = cells.get((sid, key))
        is_text = column.kind == TEXT
        stored = (cell.text if is_text else cell.value) if cell else ""
        shown = stored if is_text else (sel.display_value(stored) if stored else "")
        rows.append(
            {
                "n": n,
                "student": enrolments[sid].student,
                "column": column,
                "is_text": is_text,
                "stored": stored,
                "current": shown,
                "name": f"v_{sid}_{key}",
                "value": shown,
                "error": None,
            }
        )
    return rows


def _unchanged(row: dict, raw: str) -> bool:
    """What the teacher left as it was: the same text, or a value that means the same ("8.5"
    for "8,5")."""
    if row["is_text"]:
        return raw.strip() == row["stored"].strip()
    if nfc(raw).strip() == row["current"]:
        return True
    try:
        value, _ = clean_value(row["column"], raw)
    except DomainError:
        return False
    return value == row["stored"]


@login_required
def correction_new_cells(request):
    """Yêu cầu sửa điểm for a whole column or chosen cells of one sheet: the form shows every
    cell with its current value; the teacher edits the wrong ones and only the changed cells
    become the request's items (one decision, one witnessed application, one minute)."""
    actor = request.actor
    params = request.GET
    school_class, subject, term = access_sheet(
        actor, _int(params.get("class")), _int(params.get("subject")), _int(params.get("term"))
    )
    sheet = load_sheet(school_class, subject, term)
    if not is_assigned_teacher(actor, school_class, subject, term):
        log_denied(actor, kind="forbidden", what=f"làm đơn sửa điểm lớp #{school_class.pk}")
        raise PermissionDenied("Chỉ giáo viên bộ môn được phân công mới làm đơn sửa điểm.")
    rows = _cells_rows(request, sheet)
    context = {
        "sheet": sheet,
        "rows": rows,
        "column": sheet.column(nfc(params.get("column", ""))) if params.get("column") else None,
        "grid_url": _grid_url(school_class, subject, term),
        "max_mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
        "max_files": MAX_EVIDENCE_FILES,
        "accept": ",".join([".pdf", ".jpg", ".jpeg", ".png", *EVIDENCE_TYPES.values()]),
        "values": {"reason": ""},
    }
    if request.method == "POST":
        context["values"] = {"reason": request.POST.get("reason", "")}
        changes, changed_rows = [], []
        for row in rows:
            raw = request.POST.get(row["name"], row["value"])
            row["value"] = raw if row["is_text"] else nfc(raw)
            if not _unchanged(row, raw):
                changes.append(CellChange(row["student"], row["column"].key, row["value"]))
                changed_rows.append(row)
        try:
            correction = correction_request_cells(
                actor=actor,
                sheet=sheet,
                changes=changes,
                reason=context["values"]["reason"],
                files=request.FILES.getlist("evidence"),
            )
        except PermissionDeniedError:
            raise
        except CorrectionRowsError as exc:
            for number, error in exc.rows.items():
                changed_rows[number - 1]["error"] = error
            context["error"] = exc
            return render(request, "gradebook/correction_new_cells.html", context, status=400)
        except DomainError as exc:
            if len(changed_rows) == 1 and exc.field in ("new_value", None):
                changed_rows[0]["error"] = exc
            context["error"] = exc
            return render(request, "gradebook/correction_new_cells.html", context, status=400)
        messages.success(
            request,
            f"Đã gửi đơn đề nghị sửa {len(changes)} kết quả; đơn chờ Hiệu trưởng duyệt.",
        )
        return redirect("gradebook:correction_detail", correction_id=correction.pk)
    return render(request, "gradebook/correction_new_cells.html", context)


# --- lists ----------------------------------------------------------------------------------------


@login_required
def corrections(request):
    """Sửa điểm: the person's lists with their counts."""
    actor = request.actor
    if actor.school is None:
        raise Http404("Không tìm thấy.")
    return render(
        request,
        "gradebook/correction_home.html",
        {
            "counts": sel.todo_counts(actor),
            "is_principal": Role.PRINCIPAL in actor.roles,
            "is_leader": actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        },
    )


def _list(request, *, title: str, intro: str, items, empty: str, sections=None):
    return render(
        request,
        "gradebook/correction_list.html",
        {"title": title, "intro": intro, "items": items, "empty": empty, "sections": sections},
    )


@login_required
def correction_mine(request):
    actor = request.actor
    return _list(
        request,
        title="Đơn sửa điểm của tôi",
        intro="Để làm đơn mới, mở sổ điểm và chọn ô điểm đã chốt hoặc đã khóa.",
        items=sel.my_requests(actor),
        empty="Bạn chưa làm đơn sửa điểm nào trong năm học này.",
    )


@login_required
def correction_inbox(request):
    """Đơn chờ Hiệu trưởng duyệt (principals, and a vice principal under delegation)."""
    actor = request.actor
    if Role.PRINCIPAL not in actor.roles and Role.VICE_PRINCIPAL not in actor.roles:
        log_denied(actor, kind="forbidden", what="danh sách đơn sửa điểm chờ duyệt")
        raise PermissionDenied("Chỉ Ban giám hiệu xem danh sách đơn sửa điểm chờ duyệt.")
    approved = sel.approved_waiting(actor)
    sections = [
        {
            "title": "Đã duyệt, kết quả đã thay đổi từ khi làm đơn — cần hủy quyết định",
            "items": [c for c in approved if c.cell_changed],
            "warn": True,
        },
        {
            "title": "Đã duyệt, chờ người chứng kiến và GVCN xác nhận",
            "items": [c for c in approved if not c.cell_changed],
        },
        {"title": "Đã xử lý gần đây", "items": sel.recently_decided(actor)},
    ]
    return _list(
        request,
        title="Đơn sửa điểm chờ duyệt",
        intro="Hiệu trưởng duyệt hoặc không duyệt; không ai tự duyệt đơn của mình.",
        items=sel.decision_inbox(actor),
        empty="Không có đơn nào chờ duyệt.",
        sections=sections,
    )


@login_required
def correction_to_confirm(request):
    return _list(
        request,
        title="Đơn sửa điểm cần tôi xác nhận",
        intro=(
            "Người chứng kiến và giáo viên chủ nhiệm xác nhận việc sửa; khi cả hai đã xác nhận, "
            "kết quả được sửa dưới tài khoản của giáo viên đề nghị."
        ),
        items=sel.to_confirm(request.actor),
        empty="Không có đơn nào cần bạn xác nhận.",
    )


# --- one request ----------------------------------------------------------------------------------


def _render_detail(request, correction, *, error=None, values=None, status=200):
    actor = request.actor
    sel.correction_view(correction)
    uid = actor.user.pk
    is_requester = correction.requested_by_id == uid
    is_principal = Role.PRINCIPAL in actor.roles
    state = correction.state
    can_decide = state == State.REQUESTED and is_principal and not is_requester
    context = {
        "c": correction,
        "is_requester": is_requester,
        "can_cancel": state == State.REQUESTED and is_requester,
        "can_decide": can_decide,
        "can_withdraw": state == State.APPROVED and is_principal and not is_requester,
        "confirm_part": _confirm_part(correction, uid),
        "witnesses": sel.witness_candidates(correction, decider=actor.user) if can_decide else [],
        "error": error,
        "values": values or {},
        "grid_url": _grid_url(correction.school_class, correction.subject, correction.term),
    }
    return render(request, "gradebook/correction_detail.html", context, status=status)


def _confirm_part(correction, uid) -> str:
    if correction.state != State.APPROVED:
        return ""
    if correction.witness_id == uid and correction.witness_confirmed_at is None:
        return "witness"
    if correction.homeroom_id == uid and correction.homeroom_confirmed_at is None:
        return "homeroom"
    return ""


@login_required
def correction_detail(request, correction_id: int):
    correction = access_correction(request.actor, correction_id)
    return _render_detail(request, correction)


@login_required
@require_POST
def correction_decide_view(request, correction_id: int):
    actor = request.actor
    correction = access_correction(actor, correction_id)
    decision = request.POST.get("decision", "")
    values = {
        "decision": decision,
        "note": request.POST.get("note", ""),
        "witness": request.POST.get("witness", ""),
    }
    witness = None
    if values["witness"].isdigit():
        witness = User.objects.filter(pk=int(values["witness"])).first()
    try:
        if decision not in ("approve", "reject"):
            raise DomainError("BAD_DECISION", "Chọn “Duyệt” hoặc “Không duyệt”.", field="decision")
        correction_decide(
            actor=actor,
            correction=correction,
            approve=decision == "approve",
            note=values["note"],
            witness=witness,
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _render_detail(request, correction, error=exc, values=values, status=400)
    messages.success(
        request,
        "Đã duyệt đơn; chờ người chứng kiến và giáo viên chủ nhiệm xác nhận việc sửa."
        if decision == "approve"
        else "Đã ghi quyết định không duyệt.",
    )
    return redirect("gradebook:correction_detail", correction_id=correction.pk)


@login_required
@require_POST
def correction_confirm_view(request, correction_id: int):
    actor = request.actor
    correction = access_correction(actor, correction_id)
    try:
        done = correction_confirm(actor=actor, correction=correction)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        correction.refresh_from_db()
        return _render_detail(request, correction, error=exc, status=400)
    if done.state == State.APPLIED:
        messages.success(request, f"Đã sửa kết quả theo đơn; biên bản số {done.minute_number}.")
    else:
        messages.success(request, "Đã xác nhận; chờ bên còn lại xác nhận.")
    return redirect("gradebook:correction_detail", correction_id=correction.pk)


@login_required
@require_POST
def correction_cancel_view(request, correction_id: int):
    actor = request.actor
    correction = access_correction(actor, correction_id)
    note = request.POST.get("note", "")
    try:
        correction_cancel(actor=actor, correction=correction, note=note)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        correction.refresh_from_db()
        return _render_detail(request, correction, error=exc, values={"note": note}, status=400)
    messages.success(
        request,
        "Đã rút đơn." if correction.state == State.REQUESTED else "Đã hủy quyết định duyệt.",
    )
    return redirect("gradebook:correction_detail", correction_id=correction.pk)


@login_required
def correction_minute(request, correction_id: int):
    """Biên bản sửa điểm, printable as HTML (the PDF and signatures come with printing)."""
    correction = access_correction(request.actor, correction_id)
    return render(request, "gradebook/correction_minute.html", {"m": sel.minute_data(correction)})


@login_required
def correction_evidence(request, evidence_id: int):
    """A minh chứng file, for the parties and the leaders only (never a public media URL)."""
    evidence = access_evidence(request.actor, evidence_id)
    ext = evidence.file.name.rsplit(".", 1)[-1].lower()
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp minh chứng không còn trên máy chủ.")
    response = FileResponse(
        handle,
        content_type=EVIDENCE_TYPES.get(ext, "application/octet-stream"),
        filename=evidence.original_name,
        as_attachment=ext not in EVIDENCE_TYPES,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
