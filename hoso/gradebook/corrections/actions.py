"""Sửa điểm: the three-party correction of a finalised, locked or approved result
(seed 003 §II.2, seed 002 Đ7.4 and Đ9, seed 001 Đ5; SPEC §5).

1. The subject teacher assigned to the sheet files a request (đơn đề nghị sửa điểm): which
   result, the new value, the reason and evidence (scans of the test paper, the teacher's notes).
   The old value is captured now. At most one open request per cell. A comment (nhận xét, the
   primary ``NX_`` columns) is corrected the same way through ``old_text`` / ``new_text``.
2. The principal (or a vice principal acting under the principal's delegation) approves or
   rejects; nobody decides their own request. On approval the principal names the witness (a vice
   principal or an administrator — the admin board, "Ban quản trị") and the class's homeroom
   teacher becomes the third party.
3. The witness and the homeroom teacher each confirm their part, in any order. With the second
   confirmation the change is applied in the same transaction, recorded as made under the
   requesting teacher's account (``grade.corrected``), the minute (biên bản) gets its number
   (sequential per school and year, unique in the database) and the student's class results are
   refreshed — approved ones included (``results.corrected``).

``_correction_apply`` is the only code that writes a finalised or locked cell; ``assessment_save``
keeps refusing them (``entry.policies.ensure_writable``).

The state machine (``next_state``) and the evidence check (``sniff_evidence``) are pure; the
actions (``correction_*``) check the policy, run in one transaction and audit every transition.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock, events, files
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import nfc
from hoso.gradebook.corrections.errors import CorrectionError
from hoso.gradebook.corrections.models import (
    CorrectionEvidence,
    CorrectionItem,
    CorrectionRequest,
    display_value,
)
from hoso.gradebook.entry.columns import TEXT
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.policies import ensure_writable
from hoso.gradebook.entry.sheets import Sheet, load_sheet
from hoso.gradebook.entry.validation import clean_value
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.events import ResultsChanged
from hoso.gradebook.results import compute as results

State = CorrectionRequest.State
OPEN_STATES = (State.REQUESTED, State.APPROVED)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
MAX_REASON_CHARS = 4000
MINUTE_SUFFIX = "BB-SĐ"  # biên bản sửa điểm: "03/BB-SĐ"
AUDIT_TEXT_CHARS = 500  # comments in audit rows are cut like assessment_save's


# --- the pure state machine -------------------------------------------------------------------


class Step(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    APPLY = "apply"
    CANCEL = "cancel"


STEP_LABELS = {
    Step.APPROVE: "duyệt",
    Step.REJECT: "không duyệt",
    Step.APPLY: "sửa kết quả",
    Step.CANCEL: "rút/hủy đơn",
}

TRANSITIONS: dict[tuple[str, Step], str] = {
    (State.REQUESTED, Step.APPROVE): State.APPROVED,
    (State.REQUESTED, Step.REJECT): State.REJECTED,
    (State.REQUESTED, Step.CANCEL): State.CANCELLED,  # the teacher withdraws the request
    (State.APPROVED, Step.APPLY): State.APPLIED,
    (State.APPROVED, Step.CANCEL): State.CANCELLED,  # the principal withdraws the approval
}


def next_state(state: str, step: Step) -> str:
    """The state after ``step``, or DomainError BAD_STATE."""
    found = TRANSITIONS.get((State(state), step))
    if found is None:
        raise DomainError(
            CorrectionError.BAD_STATE,
            f"Đơn đang ở trạng thái “{State(state).label}”: không thể {STEP_LABELS[step]}.",
        )
    return found


def ready_to_apply(witness_confirmed: bool, homeroom_confirmed: bool) -> bool:
    """Both the witness and the homeroom teacher have confirmed (in any order)."""
    return witness_confirmed and homeroom_confirmed


# --- evidence (minh chứng) ----------------------------------------------------------------------

EVIDENCE_KINDS = (files.PDF, files.JPEG, files.PNG)
EVIDENCE_TYPES = {kind.ext: kind.content_type for kind in EVIDENCE_KINDS}


def sniff_evidence(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) from the first bytes of a file, whatever its name says."""
    kind = files.sniff_head(head, accept=EVIDENCE_KINDS)
    return (kind.ext, kind.content_type) if kind is not None else None


@dataclass
class _Evidence:
    upload: object
    name: str
    ext: str
    sha256: str


def _check_evidence(files: list) -> list[_Evidence]:
    if not files:
        raise DomainError(
            CorrectionError.EVIDENCE_REQUIRED,
            "Đính kèm minh chứng (bài kiểm tra, sổ ghi kết quả đánh giá…): PDF, JPEG hoặc PNG.",
            field="evidence",
        )
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            CorrectionError.TOO_MANY_FILES,
            f"Tối đa {MAX_EVIDENCE_FILES} tệp minh chứng cho một đơn.",
            field="evidence",
        )
    checked = []
    limit_mb = MAX_EVIDENCE_BYTES // (1024 * 1024)
    for upload in files:
        name = nfc(os.path.basename(str(getattr(upload, "name", "") or "")))[:200] or "minh-chung"
        if (getattr(upload, "size", 0) or 0) > MAX_EVIDENCE_BYTES:
            raise DomainError(
                CorrectionError.EVIDENCE_TOO_LARGE,
                f"Tệp “{name}” lớn hơn {limit_mb} MB.",
                field="evidence",
            )
        upload.seek(0)
        kind = sniff_evidence(upload.read(16))
        upload.seek(0)
        if kind is None:
            raise DomainError(
                CorrectionError.BAD_EVIDENCE,
                f"Tệp “{name}” không phải PDF, JPEG hay PNG (hệ thống kiểm tra nội dung tệp, "
                "không dựa vào tên tệp).",
                field="evidence",
            )
        digest, size = hashlib.sha256(), 0
        for chunk in upload.chunks():
            size += len(chunk)
            digest.update(chunk)
        upload.seek(0)
        if size > MAX_EVIDENCE_BYTES:
            raise DomainError(
                CorrectionError.EVIDENCE_TOO_LARGE,
                f"Tệp “{name}” lớn hơn {limit_mb} MB.",
                field="evidence",
            )
        checked.append(_Evidence(upload, name, kind[0], digest.hexdigest()))
    return checked


# --- helpers --------------------------------------------------------------------------------------


def _forbidden(actor: Actor, code: str, message: str, what: str) -> PermissionDeniedError:
    """403, written to the audit trail like the other refusals (``raise _forbidden(...)``)."""
    log_denied(actor, kind="forbidden", what=what)
    return PermissionDeniedError(code, message)


def _check_school(actor: Actor, correction: CorrectionRequest) -> None:
    if correction.school_id != actor.school_id:
        raise _forbidden(
            actor,
            GradebookError.NOT_ALLOWED,
            "Đơn sửa điểm không thuộc trường của bạn.",
            f"đơn sửa điểm #{correction.pk}",
        )


def _check_year_open(correction: CorrectionRequest) -> None:
    if not correction.school_class.year.writable_for("gradebook"):
        raise DomainError(
            CorrectionError.YEAR_CLOSED, "Năm học đã khóa: không xử lý đơn sửa điểm được nữa."
        )


def _target_repr(correction: CorrectionRequest) -> str:
    cell = correction.single
    where = f"{correction.subject.name} — lớp {correction.school_class.name} — {correction.term}"
    if cell is not None:
        return f"{cell.student.full_name} — {where} — {cell.column}"[:300]
    return f"{where} — {len(correction.cells)} kết quả ({_columns(correction)})"[:300]


def _columns(correction: CorrectionRequest) -> str:
    return ", ".join(dict.fromkeys(item.column for item in correction.cells))


def multiline(value: object) -> str:
    """NFC per line, line breaks kept (``core.text.nfc`` collapses them): reasons and notes."""
    lines = unicodedata.normalize("NFC", str(value or "")).splitlines()
    return "\n".join(nfc(line) for line in lines).strip()


def is_text_correction(item: CorrectionItem) -> bool:
    """A comment (nhận xét) item carries ``old_text`` / ``new_text`` and no values (a value
    correction always has a new value: ``EMPTY_VALUE``)."""
    return not item.old_value and not item.new_value


def old_of(item: CorrectionItem) -> str:
    """What the cell held when the request was filed (its text for a comment)."""
    return item.old_text if is_text_correction(item) else item.old_value


def new_of(item: CorrectionItem) -> str:
    return item.new_text if is_text_correction(item) else item.new_value


def short_text(text: str, limit: int = 60) -> str:
    """One line of a comment for messages and lists: "Em chăm ngoan, …"."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _change(item: CorrectionItem) -> str:
    """ "7,0 → 8,0" (decimal comma, "Đ"/"CĐ" for levels); for a comment "“Em …” → “Em …”"."""
    if is_text_correction(item):
        old, new = item.old_text, item.new_text
        return (
            f"{f'“{short_text(old)}”' if old else 'trống'} → "
            f"{f'“{short_text(new)}”' if new else 'trống'}"
        )
    old = display_value(item.old_value) if item.old_value else "trống"
    return f"{old} → {display_value(item.new_value)}"


def _changes(correction: CorrectionRequest) -> str:
    """One change, or how many: "7,0 → 8,0" / "38 kết quả"."""
    cell = correction.single
    return _change(cell) if cell is not None else f"{len(correction.cells)} kết quả"


def _audit_content(item: CorrectionItem, content: str) -> dict:
    """{"value": …} or, for a comment, {"text": …} cut like assessment_save's audit rows."""
    if is_text_correction(item):
        return {"text": content[:AUDIT_TEXT_CHARS]}
    return {"value": content}


def _item_summary(item: CorrectionItem) -> dict:
    out = {"row": item.row, "student": item.student_id, "column": item.column}
    if is_text_correction(item):
        return out | {
            "old_text": item.old_text[:AUDIT_TEXT_CHARS],
            "new_text": item.new_text[:AUDIT_TEXT_CHARS],
        }
    return out | {"old_value": item.old_value, "new_value": item.new_value}


def _summary(correction: CorrectionRequest) -> dict:
    """The request for its audit row: the sheet and every cell (a single cell's fields also at
    the top, as before several-cell requests)."""
    out = {
        "class": correction.school_class_id,
        "subject": correction.subject.code,
        "term": correction.term.number,
        "items": [_item_summary(item) for item in correction.cells],
    }
    cell = correction.single
    if cell is not None:
        out |= {k: v for k, v in _item_summary(cell).items() if k != "row"}
    return out


def _current_value(item: CorrectionItem, *, lock: bool = False) -> tuple[object, str]:
    """The cell and what it holds now, comparable with ``old_of``: its value, or its text for a
    comment correction."""
    cells = Assessment.objects.filter(
        student=item.student_id, subject=item.subject_id, term=item.term_id, column=item.column
    )
    cell = (cells.select_for_update() if lock else cells).first()
    if cell is None:
        return None, ""
    return cell, (cell.text if is_text_correction(item) else cell.value)


def _row_label(item: CorrectionItem) -> str:
    return f"Dòng {item.row} ({item.student.full_name}, cột {item.column})"


def _cell_changed_error(item: CorrectionItem, current: str) -> DomainError:
    old = old_of(item)
    if is_text_correction(item):
        old, current = short_text(old), short_text(current)
    return DomainError(
        CorrectionError.CELL_CHANGED,
        f"{_row_label(item)}: kết quả đã thay đổi từ khi làm đơn (lúc làm đơn: "
        f"“{old or 'trống'}”, hiện tại: “{current or 'trống'}”): không sửa theo đơn này — "
        "không ô nào được sửa. Hiệu trưởng cần hủy quyết định duyệt; giáo viên làm đơn mới nếu "
        "vẫn cần sửa.",
    )


def protection_error(
    actor: Actor, sheet: Sheet, column_key: str, student=None
) -> DomainError | None:
    """Why the cell can no longer be changed by its teacher (finalised, locked, results
    approved; with ``student``, also a result entered in the student's former class before a
    class change) — the reason a correction is needed — or None when it is still open.
    Other refusals of ``ensure_writable`` (not the assigned teacher, closed year, unknown
    column) are raised."""
    try:
        ensure_writable(actor, sheet, column_key)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        if exc.code in (GradebookError.FINALISED, GradebookError.LOCKED, GradebookError.APPROVED):
            return exc
        raise
    if student is not None:
        cell = (
            Assessment.objects.filter(
                student=student, subject=sheet.subject, term=sheet.term, column=column_key
            )
            .exclude(school_class=sheet.school_class)
            .select_related("school_class")
            .first()
        )
        if cell is not None:
            return DomainError(
                GradebookError.OTHER_CLASS,
                f"Kết quả này được nhập ở lớp {cell.school_class.name} trước khi học sinh chuyển "
                "lớp: lớp cũ giữ kết quả, chỉ sửa bằng đơn đề nghị sửa điểm.",
            )
    return None


def is_witness_eligible(school, user) -> bool:
    """A vice principal or an administrator (the admin board) of the school, active."""
    from hoso.organisation.models import Position, Staff

    if user is None or not getattr(user, "pk", None) or not user.is_active:
        return False
    roles = (Position.VICE_PRINCIPAL, Position.ADMINISTRATOR)
    staff = Staff.objects.filter(school=school, user=user, is_active=True).first()
    if staff is None:
        return False
    return staff.position in roles or staff.extra_positions.filter(position__in=roles).exists()


def _homeroom_user(school_class):
    from hoso.organisation.assignments.selectors import homeroom_teacher_of

    teacher = homeroom_teacher_of(school_class)
    user = teacher.user if teacher else None
    if user is None or not user.is_active:
        raise DomainError(
            CorrectionError.NO_HOMEROOM,
            f"Lớp {school_class.name} chưa có giáo viên chủ nhiệm có tài khoản: chưa duyệt được "
            "(cần giáo viên chủ nhiệm chứng kiến việc sửa).",
        )
    return user


def decided_as(correction: CorrectionRequest) -> str:
    """The delegation label recorded when the request was decided ('' for the principal)."""
    from hoso.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(
            event_type="correction.decided",
            target_type=CorrectionRequest._meta.label_lower,
            target_id=str(correction.pk),
        )
        .order_by("-seq")
        .values_list("acting_as", flat=True)
        .first()
        or ""
    )


def session_label(correction: CorrectionRequest, decided_as: str = "") -> str:
    """How the change is attributed besides the teacher's account (AuditEvent.acting_as)."""
    decider = correction.decided_by.get_full_name()
    who = f"{decider} {decided_as}".strip() if decided_as else f"Hiệu trưởng {decider}"
    text = (
        f"phiên sửa điểm có chứng kiến của {correction.witness.get_full_name()} và GVCN "
        f"{correction.homeroom.get_full_name()}, theo quyết định của {who}"
    )
    return text[:200]


def _next_minute_number(correction: CorrectionRequest) -> str:
    """Biên bản số, sequential per school and year: "01/BB-SĐ", "02/BB-SĐ", … Called inside the
    applying transaction; the year row is locked so two sessions wait for each other, and the
    database refuses a number used twice in a school year (``correction_unique_minute_number``)."""
    from hoso.organisation.models import SchoolYear

    year = SchoolYear.objects.select_for_update().get(pk=correction.year_id)
    numbers = CorrectionRequest.objects.filter(school=correction.school_id, year=year).exclude(
        minute_number=""
    )
    highest = 0
    for text in numbers.values_list("minute_number", flat=True):
        head = text.split("/", 1)[0]
        if head.isdigit():
            highest = max(highest, int(head))
    return f"{highest + 1:02d}/{MINUTE_SUFFIX}"


def _principal_users(school_id: int, *, exclude_id: int | None) -> list:
    """Who decides: the principal(s) and vice principals holding a principal delegation now."""
    from django.db.models import Q

    from hoso.organisation.models import Position, Staff

    now = clock.now()
    staff = (
        Staff.objects.filter(school=school_id, is_active=True, user__isnull=False)
        .filter(
            Q(position=Position.PRINCIPAL)
            | Q(extra_positions__position=Position.PRINCIPAL)
            | Q(
                delegations_received__kind="principal",
                delegations_received__revoked_at__isnull=True,
                delegations_received__starts_at__lte=now,
                delegations_received__ends_at__gt=now,
            )
        )
        .select_related("user")
        .distinct()
    )
    return [s.user for s in staff if s.user_id != exclude_id]


def _notify_later(correction: CorrectionRequest, users: list, text: str, phase: str) -> None:
    """In-app notifications (hoso.notifications) after commit; a failure there never undoes or
    blocks the procedure (the lists "chờ duyệt" / "cần xác nhận" are the source of truth)."""
    from importlib.util import find_spec

    from django.urls import reverse

    if find_spec("hoso.notifications.actions") is None:
        return
    recipients = {u.pk: u for u in users if u is not None and getattr(u, "pk", None)}
    if not recipients:
        return
    url = reverse("gradebook:correction_detail", kwargs={"correction_id": correction.pk})
    school_id, correction_id = correction.school_id, correction.pk

    def send() -> None:
        from hoso.notifications.actions import notify
        from hoso.organisation.models import School

        school = School.objects.get(pk=school_id)
        for user in recipients.values():
            notify(
                user=user,
                school=school,
                kind="correction",
                text=text,
                dedupe_key=f"correction:{correction_id}:{phase}",
                url=url,
                email_subject="Sửa điểm",
            )

    transaction.on_commit(send, robust=True)


def _what(correction: CorrectionRequest) -> str:
    cell = correction.single
    if cell is not None:
        return (
            f"{cell.column} môn {correction.subject.name} của {cell.student.full_name} "
            f"lớp {correction.school_class.name}"
        )
    return (
        f"{len(correction.cells)} kết quả ({_columns(correction)}) môn {correction.subject.name} "
        f"lớp {correction.school_class.name}"
    )


# --- actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """One cell asked to change: the student, the column's key and the new value (for a comment
    column the new text, line breaks kept; empty clears the comment)."""

    student: object
    column_key: str
    new_value: object


class CorrectionRowsError(DomainError):
    """Several cells of a request were refused: nothing is filed. ``rows`` maps the row number
    (1-based, the order of ``changes``) to the refusal of that cell."""

    def __init__(self, rows: dict[int, DomainError]):
        self.rows = rows
        first = min(rows)
        listed = "; ".join(f"dòng {n}: {rows[n].message.rstrip('.')}" for n in sorted(rows)[:5])
        more = f" (và {len(rows) - 5} dòng khác)" if len(rows) > 5 else ""
        super().__init__(
            rows[first].code,
            f"Đơn chưa gửi: {len(rows)} dòng có lỗi — {listed}{more}. Sửa các dòng đó rồi gửi "
            "lại; không ô nào được ghi.",
            field="items",
        )


@dataclass
class _Checked:
    row: int
    student: object
    column: object
    value: str
    text: str
    protected: DomainError


def _check_cell(actor: Actor, sheet: Sheet, change: CellChange, row: int) -> _Checked:
    """The same rules as a single-cell request: the cell is protected (finalised, locked,
    approved, or a result of the student's former class), the student is in the class, the new
    value is valid for the column and different from what the cell holds, and no other request
    is open for it. Not being the assigned teacher → PermissionDeniedError (for the whole
    request)."""
    from hoso.students.models import Enrolment

    student, column_key = change.student, change.column_key
    protected = protection_error(actor, sheet, column_key, student)
    column = sheet.column(column_key)
    if protected is None:
        raise DomainError(
            CorrectionError.NOT_PROTECTED,
            f"Cột {column.label} chưa chốt và sổ chưa khóa: thầy/cô sửa trực tiếp trong sổ điểm, "
            "không cần làm đơn.",
        )
    if not Enrolment.objects.filter(student=student, school_class=sheet.school_class).exists():
        raise DomainError(
            GradebookError.NOT_ENROLLED, f"{student.full_name} không học lớp {sheet.school_class}."
        )
    try:
        value, text = clean_value(column, change.new_value)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="new_value")
    text_column = column.kind == TEXT
    if not value and not text_column:
        raise DomainError(
            CorrectionError.EMPTY_VALUE, "Nhập kết quả mới cần sửa thành.", field="new_value"
        )
    if CorrectionItem.objects.filter(
        is_open=True,
        student=student,
        subject=sheet.subject,
        term=sheet.term,
        column=column_key,
    ).exists():
        raise _open_exists()
    return _Checked(row, student, column, value, text if text_column else "", protected)


def _same_value_error(checked: _Checked, cell) -> DomainError | None:
    if checked.column.kind == TEXT:
        if (cell.text if cell else "") == checked.text:
            return DomainError(
                CorrectionError.SAME_VALUE,
                "Nhận xét hiện tại đã đúng như vậy: không có gì để sửa.",
                field="new_value",
            )
        return None
    old = cell.value if cell else ""
    if old == checked.value:
        return DomainError(
            CorrectionError.SAME_VALUE,
            f"Kết quả hiện tại đã là “{old}”: không có gì để sửa.",
            field="new_value",
        )
    return None


def correction_request(
    *,
    actor: Actor,
    sheet: Sheet,
    student,
    column_key: str,
    new_value: object,
    reason: str,
    files: list,
) -> CorrectionRequest:
    """Đơn đề nghị sửa điểm for one cell (``correction_request_cells`` with one change); a
    refusal is that cell's own error."""
    return correction_request_cells(
        actor=actor,
        sheet=sheet,
        changes=[CellChange(student, column_key, new_value)],
        reason=reason,
        files=files,
    )


def correction_request_cells(
    *,
    actor: Actor,
    sheet: Sheet,
    changes: list[CellChange],
    reason: str,
    files: list,
) -> CorrectionRequest:
    """Đơn đề nghị sửa điểm, filed by the subject teacher assigned to the sheet, for one or
    several results of that sheet (a whole column, or chosen cells) that are finalised, locked
    or part of approved class results. Every cell is checked by the rules of a single cell;
    one refused cell refuses the whole request (``CorrectionRowsError`` naming each refused row;
    with one cell, that cell's error). Evidence is kept with its SHA-256."""
    if not changes:
        raise DomainError(
            CorrectionError.NO_CHANGES,
            "Chưa có kết quả nào được sửa trong đơn: nhập giá trị mới cho ít nhất một ô.",
            field="items",
        )
    seen: dict[tuple, int] = {}
    refused: dict[int, DomainError] = {}
    checked: list[_Checked] = []
    for row, change in enumerate(changes, start=1):
        key = (change.student.pk, change.column_key)
        if key in seen:
            refused[row] = DomainError(
                CorrectionError.DUPLICATE_CELL,
                f"Ô này đã có ở dòng {seen[key]} của đơn.",
                field="new_value",
            )
            continue
        seen[key] = row
        try:
            checked.append(_check_cell(actor, sheet, change, row))
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            refused[row] = exc
    cells = {
        (a.student_id, a.column): a
        for a in Assessment.objects.filter(
            student__in=[c.student.pk for c in checked],
            subject=sheet.subject,
            term=sheet.term,
            column__in=[c.column.key for c in checked],
        )
    }
    for item in checked:
        same = _same_value_error(item, cells.get((item.student.pk, item.column.key)))
        if same is not None:
            refused[item.row] = same
    if refused:
        if len(changes) == 1:
            raise refused[1]
        raise CorrectionRowsError(refused)
    reason = multiline(reason)
    if not reason:
        raise DomainError(
            CorrectionError.REASON_REQUIRED, "Ghi rõ lý do đề nghị sửa.", field="reason"
        )
    if len(reason) > MAX_REASON_CHARS:
        raise DomainError(
            CorrectionError.REASON_REQUIRED,
            f"Lý do dài quá {MAX_REASON_CHARS} ký tự; phần chi tiết hãy đưa vào minh chứng.",
            field="reason",
        )
    evidence = _check_evidence(list(files or []))
    school_id = sheet.school_class.year.school_id
    stored: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    correction = CorrectionRequest.objects.create(
                        school_id=school_id,
                        year=sheet.school_class.year,
                        school_class=sheet.school_class,
                        subject=sheet.subject,
                        term=sheet.term,
                        reason=reason,
                        requested_by=actor.user,
                    )
                    items = []
                    for n, item in enumerate(checked, start=1):
                        cell = cells.get((item.student.pk, item.column.key))
                        text_column = item.column.kind == TEXT
                        items.append(
                            CorrectionItem(
                                request=correction,
                                school_id=school_id,
                                row=n,
                                student=item.student,
                                subject=sheet.subject,
                                term=sheet.term,
                                column=item.column.key,
                                old_value="" if text_column else (cell.value if cell else ""),
                                new_value="" if text_column else item.value,
                                old_text=(cell.text if cell else "") if text_column else "",
                                new_text=item.text,
                            )
                        )
                    CorrectionItem.objects.bulk_create(items)
            except IntegrityError:  # correction_one_open_per_cell: another request got there
                raise _open_exists()
            correction._cells = items
            names = []
            for ev in evidence:
                row = CorrectionEvidence(
                    request=correction, original_name=ev.name, sha256=ev.sha256
                )
                row.file.save(f"{uuid.uuid4().hex}.{ev.ext}", ev.upload, save=False)
                stored.append((row.file.storage, row.file.name))
                row.save()
                names.append({"name": ev.name, "sha256": ev.sha256})
            whys = sorted({str(item.protected.code) for item in checked})
            audit_record(
                event_type="correction.requested",
                actor=actor.user,
                school_id=actor.school_id,
                target=correction,
                target_repr=_target_repr(correction),
                after=_summary(correction)
                | {
                    "reason": reason[:500],
                    "why": whys[0] if len(whys) == 1 else whys,
                    "evidence": names,
                },
            )
            _notify_later(
                correction,
                _principal_users(correction.school_id, exclude_id=actor.user.pk),
                f"{actor.user.get_full_name()} đề nghị sửa {_what(correction)}: "
                f"{_changes(correction)}. Chờ Hiệu trưởng duyệt.",
                "requested",
            )
    except BaseException:
        for storage, name in stored:  # the rows rolled back: do not keep orphan files
            storage.delete(name)
        raise
    return correction


def _open_exists() -> DomainError:
    return DomainError(
        CorrectionError.OPEN_EXISTS,
        "Kết quả này đã có một đơn sửa điểm đang xử lý; chờ đơn đó xong (hoặc rút đơn) rồi mới "
        "làm đơn mới.",
    )


def correction_decide(
    *,
    actor: Actor,
    correction: CorrectionRequest,
    approve: bool,
    note: str = "",
    witness=None,
) -> CorrectionRequest:
    """Hiệu trưởng duyệt / không duyệt. On approval ``witness`` (a User: vice principal or
    administrator, not the requester) is named and the homeroom teacher is set from the class."""
    _check_school(actor, correction)
    if Role.PRINCIPAL not in actor.roles:
        raise _forbidden(
            actor,
            CorrectionError.NOT_PRINCIPAL,
            "Chỉ Hiệu trưởng (hoặc Phó hiệu trưởng được Hiệu trưởng ủy quyền) duyệt đơn sửa điểm.",
            f"duyệt đơn sửa điểm #{correction.pk}",
        )
    if correction.requested_by_id == actor.user.pk:
        raise _forbidden(
            actor,
            CorrectionError.OWN_REQUEST,
            "Không ai được tự duyệt đơn sửa điểm của chính mình.",
            f"tự duyệt đơn sửa điểm #{correction.pk}",
        )
    _check_year_open(correction)
    note = bounded(multiline(note), 2000, what="Ý kiến", field="note")
    now = clock.now()
    with transaction.atomic():
        locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
        before = locked.state
        step = Step.APPROVE if approve else Step.REJECT
        state = next_state(locked.state, step)
        after = {"decision": state, "note": note}
        if approve:
            homeroom = _homeroom_user(locked.school_class)
            _check_witness(locked, witness, decider=actor.user, homeroom=homeroom)
            locked.witness, locked.homeroom = witness, homeroom
            after |= {"witness": witness.get_full_name(), "homeroom": homeroom.get_full_name()}
        elif not note:
            raise DomainError(CorrectionError.NOTE_REQUIRED, "Ghi lý do không duyệt.", field="note")
        locked.state = state
        if not approve:
            locked.items.update(is_open=False)
        locked.decided_by, locked.decided_at, locked.decision_note = actor.user, now, note
        locked.save(
            update_fields=[
                "state",
                "decided_by",
                "decided_at",
                "decision_note",
                "witness",
                "homeroom",
            ]
        )
        audit_record(
            event_type="correction.decided",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            target_repr=_target_repr(locked),
            before={"state": before},
            after=after,
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
        if approve:
            _notify_later(
                locked,
                [locked.requested_by],
                f"Đơn sửa {_what(locked)} đã được duyệt; chờ người chứng kiến và GVCN xác nhận.",
                "approved",
            )
            _notify_later(
                locked,
                [locked.witness, locked.homeroom],
                f"Cần bạn xác nhận việc sửa {_what(locked)}: {_changes(locked)}.",
                "confirm",
            )
        else:
            _notify_later(
                locked,
                [locked.requested_by],
                f"Đơn sửa {_what(locked)} không được duyệt: {note}",
                "rejected",
            )
    return locked


def _check_witness(correction: CorrectionRequest, witness, *, decider, homeroom) -> None:
    def refuse(message: str) -> DomainError:
        return DomainError(CorrectionError.BAD_WITNESS, message, field="witness")

    if witness is None:
        raise refuse(
            "Chọn người chứng kiến việc sửa (Phó hiệu trưởng hoặc thành viên Ban quản trị)."
        )
    if witness.pk == correction.requested_by_id:
        raise refuse("Người đề nghị sửa không được là người chứng kiến.")
    if witness.pk == decider.pk:
        raise refuse("Người duyệt đơn không tự làm người chứng kiến; chọn người khác.")
    if witness.pk == homeroom.pk:
        raise refuse("Giáo viên chủ nhiệm đã là một bên xác nhận; chọn một người chứng kiến khác.")
    if not is_witness_eligible(correction.school, witness):
        raise refuse(
            "Người chứng kiến phải là Phó hiệu trưởng hoặc thành viên Ban quản trị (quản trị "
            "viên) của trường."
        )


def correction_confirm(*, actor: Actor, correction: CorrectionRequest) -> CorrectionRequest:
    """Người chứng kiến / GVCN xác nhận. The second confirmation applies the change in the same
    transaction; if the result changed since the request, nothing is saved and the refusal is
    recorded (``correction.apply_refused``) for the principal."""
    _check_school(actor, correction)
    user_id = actor.user.pk
    if user_id not in (correction.witness_id, correction.homeroom_id):
        raise _forbidden(
            actor,
            CorrectionError.NOT_PARTY,
            "Chỉ người chứng kiến và giáo viên chủ nhiệm được chỉ định mới xác nhận việc sửa.",
            f"xác nhận đơn sửa điểm #{correction.pk}",
        )
    _check_year_open(correction)
    try:
        return _confirm(actor, correction)
    except DomainError as exc:
        if exc.code != CorrectionError.CELL_CHANGED:
            raise
        changed = []
        for item in correction.cells:
            _, current = _current_value(item)
            if current != old_of(item):
                changed.append((item, current))
        with transaction.atomic():  # the confirmation rolled back; the refusal is kept
            before, after = {}, {"reason": "cell_changed"}
            for item, current in changed:
                kind = "text" if is_text_correction(item) else "value"
                if correction.single is not None:
                    before[f"old_{kind}"] = old_of(item)[:AUDIT_TEXT_CHARS]
                    after[f"current_{kind}"] = current[:AUDIT_TEXT_CHARS]
                else:
                    before.setdefault("items", []).append(
                        {"row": item.row, f"old_{kind}": old_of(item)[:AUDIT_TEXT_CHARS]}
                    )
                    after.setdefault("items", []).append(
                        {"row": item.row, f"current_{kind}": current[:AUDIT_TEXT_CHARS]}
                    )
            audit_record(
                event_type="correction.apply_refused",
                actor=actor.user,
                school_id=actor.school_id,
                target=correction,
                target_repr=_target_repr(correction),
                before=before,
                after=after,
            )
            currents = ",".join(current for _, current in changed)
            _notify_later(
                correction,
                [correction.decided_by],
                f"Không sửa được {_what(correction)} theo đơn đã duyệt: kết quả đã thay đổi từ "
                "khi làm đơn. Cần hủy quyết định duyệt.",
                f"refused:{currents}"[:200],
            )
        raise


def _confirm(actor: Actor, correction: CorrectionRequest) -> CorrectionRequest:
    now = clock.now()
    with transaction.atomic():
        locked = (
            CorrectionRequest.objects.select_for_update(of=("self",))
            .select_related(
                "subject",
                "term",
                "school_class__year",
                "requested_by",
                "decided_by",
                "witness",
                "homeroom",
            )
            .get(pk=correction.pk)
        )
        if locked.state != State.APPROVED:
            raise DomainError(
                CorrectionError.BAD_STATE,
                f"Đơn đang ở trạng thái “{State(locked.state).label}”: không cần xác nhận.",
            )
        part = "witness" if actor.user.pk == locked.witness_id else "homeroom"
        field = f"{part}_confirmed_at"
        if getattr(locked, field) is not None:
            raise DomainError(
                CorrectionError.ALREADY_CONFIRMED, "Bạn đã xác nhận phần của mình trong đơn này."
            )
        for item in _locked_items(locked):
            _, current = _current_value(item, lock=True)
            if current != old_of(item):
                raise _cell_changed_error(item, current)
        setattr(locked, field, now)
        locked.save(update_fields=[field])
        audit_record(
            event_type="correction.confirmed",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            target_repr=_target_repr(locked),
            after={"part": part, "confirmed_at": now.isoformat()},
        )
        if ready_to_apply(
            locked.witness_confirmed_at is not None, locked.homeroom_confirmed_at is not None
        ):
            _correction_apply(actor, locked, now=now)
    return locked


def _locked_items(correction: CorrectionRequest) -> list[CorrectionItem]:
    """The request's items in row order, with their students (the request row is locked)."""
    items = list(correction.items.select_related("student").order_by("row"))
    correction._cells = items
    return items


def _correction_apply(actor: Actor, correction: CorrectionRequest, *, now) -> list[Assessment]:
    """Write the approved values (or comments) into the grade book — the ONLY write that
    bypasses the finalised/locked/approved checks of ``ensure_writable``. Runs inside the
    transaction of the second confirmation, all or nothing: every cell is locked
    (``SELECT … FOR UPDATE``, in row order) and checked again before any is written. Each change
    is recorded under the requesting teacher's account (one ``grade.corrected`` per cell), the
    minute is numbered once, and the class results of the corrected students (approved ones
    too) are recomputed once."""
    sheet = load_sheet(correction.school_class, correction.subject, correction.term)
    planned = []
    for item in _locked_items(correction):
        column = sheet.column(item.column)
        text_column = is_text_correction(item)
        if column is None or (column.kind == TEXT) != text_column:
            raise DomainError(
                GradebookError.UNKNOWN_COLUMN,
                f"{_row_label(item)}: cột “{item.column}” không còn trong sổ.",
            )
        # Checked again: the rule set may have changed since the request.
        try:
            value, text = clean_value(column, new_of(item))
        except DomainError as exc:
            raise DomainError(exc.code, f"{_row_label(item)}: {exc.message}")
        cell, current = _current_value(item, lock=True)
        if current != old_of(item):
            raise _cell_changed_error(item, current)
        planned.append((item, cell, value, text))
    next_state(correction.state, Step.APPLY)
    correction.state = State.APPLIED
    correction.applied_at = now
    correction.minute_number = _next_minute_number(correction)
    try:
        with transaction.atomic():
            correction.save(update_fields=["state", "applied_at", "minute_number"])
    except IntegrityError:  # correction_unique_minute_number: never two minutes with one number
        raise DomainError(
            CorrectionError.MINUTE_NUMBER_TAKEN,
            f"Số biên bản {correction.minute_number} vừa được dùng cho một việc sửa khác: chưa "
            "sửa gì; xác nhận lại để nhận số mới.",
        )
    correction.items.update(is_open=False)
    teacher = correction.requested_by
    label = session_label(correction, decided_as(correction))
    written, applied = [], []
    for item, cell, value, text in planned:
        text_column = is_text_correction(item)
        new = text if text_column else value
        if cell is None:
            cell = Assessment.objects.create(
                student=item.student,
                school_class=correction.school_class,
                subject=correction.subject,
                term=correction.term,
                column=item.column,
                value=value,
                text=text,
                assessed_on=clock.today(),
                entered_by=teacher,
                entered_at=now,
                updated_at=now,
            )
        else:
            field = "text" if text_column else "value"
            setattr(cell, field, new)
            cell.updated_at, cell.version = now, cell.version + 1
            cell.save(update_fields=[field, "updated_at", "version"])
        written.append(cell)
        audit_record(
            event_type="grade.corrected",
            actor=teacher,  # made under the requesting teacher's account (seed 003 §II.2)
            school_id=correction.school_id,
            target=cell,
            target_repr=(
                f"{item.student.full_name} — {correction.subject.name} — lớp "
                f"{correction.school_class.name} — {correction.term} — {item.column}"
            )[:300],
            before=_audit_content(item, old_of(item)),
            after=_audit_content(item, new)
            | {
                "column": item.column,
                "subject": correction.subject.code,
                "term": correction.term.number,
                "student": item.student_id,
                "correction": correction.pk,
                "row": item.row,
                "minute_number": correction.minute_number,
            },
            acting_as=label,
        )
        applied.append(
            {"row": item.row, "assessment": cell.pk, "version": cell.version}
            | {f"old_{k}": v for k, v in _audit_content(item, old_of(item)).items()}
            | {f"new_{k}": v for k, v in _audit_content(item, new).items()}
        )
    single = correction.single
    if single is not None:
        item, cell = single, written[0]
        new = new_of(item) if is_text_correction(item) else planned[0][2]
        before = _audit_content(item, old_of(item))
        after = _audit_content(item, new) | {"assessment": cell.pk, "version": cell.version}
    else:
        before, after = {}, {"items": applied}
    audit_record(
        event_type="correction.applied",
        actor=actor.user,
        school_id=correction.school_id,
        target=correction,
        target_repr=_target_repr(correction),
        before=before,
        after=after | {"minute_number": correction.minute_number},
        acting_as=label,
    )
    # The class results follow, approved periods included (results.corrected), once for all
    # the corrected students, in this transaction: a failure there leaves the grade book and
    # the minute as they were.
    students = list({item.student_id: item.student for item in correction.cells}.values())
    results.result_refresh_after_correction(
        actor=actor,
        school_class=correction.school_class,
        students=students,
        reason=f"biên bản số {correction.minute_number}",
    )
    events.publish(
        ResultsChanged(
            school_id=correction.school_id,
            year_id=correction.year_id,
            student_ids=tuple(s.pk for s in students),
        )
    )
    _notify_later(
        correction,
        [teacher, correction.decided_by],
        f"Đã sửa {_what(correction)}: {_changes(correction)} "
        f"(biên bản số {correction.minute_number}).",
        "applied",
    )
    return written


def correction_cancel(
    *, actor: Actor, correction: CorrectionRequest, note: str = ""
) -> CorrectionRequest:
    """The teacher withdraws a request not yet decided (rút đơn); a principal withdraws an
    approval not yet applied (e.g. the result changed in between), saying why."""
    _check_school(actor, correction)
    note = bounded(multiline(note), 2000, what="Ý kiến", field="note")
    is_requester = correction.requested_by_id == actor.user.pk
    if correction.state == State.APPROVED:
        if Role.PRINCIPAL not in actor.roles or is_requester:
            raise _forbidden(
                actor,
                CorrectionError.NOT_PRINCIPAL,
                "Đơn đã được duyệt: chỉ Hiệu trưởng hủy được quyết định duyệt.",
                f"hủy đơn sửa điểm #{correction.pk}",
            )
        if not note:
            raise DomainError(
                CorrectionError.NOTE_REQUIRED, "Ghi lý do hủy quyết định duyệt.", field="note"
            )
    elif not is_requester:
        raise _forbidden(
            actor,
            CorrectionError.NOT_REQUESTER,
            "Chỉ giáo viên làm đơn mới rút được đơn.",
            f"rút đơn sửa điểm #{correction.pk}",
        )
    with transaction.atomic():
        locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
        if locked.state != correction.state:  # decided in between: check again from the top
            raise DomainError(
                CorrectionError.BAD_STATE,
                f"Đơn vừa chuyển sang “{State(locked.state).label}”: tải lại trang.",
            )
        locked.state = next_state(locked.state, Step.CANCEL)
        locked.items.update(is_open=False)
        fields = ["state"]
        if note:
            locked.decision_note = (
                f"{locked.decision_note}\n— Hủy: {note}" if locked.decision_note else note
            )
            fields.append("decision_note")
        locked.save(update_fields=fields)
        audit_record(
            event_type="correction.cancelled",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            target_repr=_target_repr(locked),
            before={"state": correction.state},
            after={"state": locked.state, "note": note},
            acting_as="" if is_requester else actor.acting_as_for(Role.PRINCIPAL),
        )
        if not is_requester:
            _notify_later(
                locked,
                [locked.requested_by, locked.witness, locked.homeroom],
                f"Hiệu trưởng đã hủy quyết định duyệt đơn sửa {_what(locked)}: {note}",
                "cancelled",
            )
    return locked
