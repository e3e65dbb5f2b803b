"""Every write to the grade book's entries: save a cell, set a test date, finalise (chốt),
lock and open books (khóa/mở sổ). Corrections of finalised or locked results are in
``corrections.py``; nothing else can change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock, events
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.gradebook.entry.columns import MAX_REGULAR, SCORE, TEXT, Column
from hoso.gradebook.entry.locks import lock_covering, locks_for_sheet
from hoso.gradebook.entry.models import Assessment, BookLock, SheetColumn
from hoso.gradebook.entry.policies import can_lock_books, ensure_writable, is_assigned_teacher
from hoso.gradebook.entry.sheets import Sheet
from hoso.gradebook.entry.validation import clean_value
from hoso.gradebook.errors import GradebookError
from hoso.gradebook.events import GradesChanged
from hoso.gradebook.results.models import ClassResult
from hoso.students.models import Enrolment


@dataclass
class SavedCell:
    assessment: Assessment | None  # None when a cell was cleared
    value: str
    text: str
    version: int
    changed: bool


def _target_repr(sheet: Sheet, student, column_key: str) -> str:
    return (
        f"{student.full_name} — {sheet.subject.name} — lớp {sheet.school_class.name} — "
        f"{sheet.term} — {column_key}"
    )


def _check_student(sheet: Sheet, student, enrolment: Enrolment | None = None) -> None:
    if enrolment is not None and enrolment.school_class_id == sheet.school_class.pk:
        active = enrolment.status in Enrolment.ACTIVE  # read by the caller in this request
    else:
        active = Enrolment.objects.filter(
            student=student, school_class=sheet.school_class, status__in=Enrolment.ACTIVE
        ).exists()
    if not active:
        raise DomainError(
            GradebookError.NOT_ENROLLED, f"{student.full_name} không học lớp {sheet.school_class}."
        )


def assessment_save(
    *,
    actor: Actor,
    sheet: Sheet,
    student,
    column_key: str,
    raw_value: object,
    expected_version: int | None = None,
    assessed_on: date | None = None,
    prechecked: bool = False,
    enrolment: Enrolment | None = None,
) -> SavedCell:
    """Save one result (or clear it with an empty value). ``expected_version`` (from the grid)
    refuses to overwrite a result somebody else saved in between. ``prechecked``: the caller
    (a batch save) has just run :func:`ensure_writable` for this column and checked that the
    student is enrolled in the class. ``enrolment``: the student's enrolment in this class, when
    the caller has just read it (saves a query)."""
    if not prechecked:
        ensure_writable(actor, sheet, column_key)
        _check_student(sheet, student, enrolment)
    column = sheet.column(column_key)
    value, text = clean_value(column, raw_value)
    now = clock.now()
    with transaction.atomic():
        existing = (
            Assessment.objects.select_for_update()
            .filter(student=student, subject=sheet.subject, term=sheet.term, column=column_key)
            .first()
        )
        if existing is not None and existing.school_class_id != sheet.school_class.pk:
            raise DomainError(
                GradebookError.OTHER_CLASS,
                f"Kết quả {column.label} của {student.full_name} được nhập ở lớp "
                f"{existing.school_class.name} trước khi học sinh chuyển lớp: lớp cũ giữ kết quả "
                "này; muốn sửa, giáo viên bộ môn làm đơn đề nghị sửa điểm.",
            )
        current_version = existing.version if existing else 0
        if expected_version is not None and expected_version != current_version:
            raise DomainError(
                GradebookError.CONFLICT,
                "Kết quả này vừa được lưu ở nơi khác; tải lại để xem giá trị mới.",
            )
        before = {"value": existing.value, "text": existing.text} if existing else None
        if existing and existing.value == value and existing.text == text:
            return SavedCell(existing, value, text, existing.version, False)
        if existing is None and not value and not text:
            return SavedCell(None, "", "", 0, False)
        if existing is None:
            try:
                with transaction.atomic():
                    cell = Assessment.objects.create(
                        student=student,
                        school_class=sheet.school_class,
                        subject=sheet.subject,
                        term=sheet.term,
                        column=column_key,
                        value=value,
                        text=text,
                        assessed_on=assessed_on or clock.today(),
                        entered_by=actor.user,
                        entered_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                raise DomainError(
                    GradebookError.CONFLICT,
                    "Kết quả này vừa được lưu ở nơi khác; tải lại để xem giá trị mới.",
                )
        else:
            cell = existing
            cell.value, cell.text = value, text
            cell.updated_at = now
            cell.version += 1
            if assessed_on:
                cell.assessed_on = assessed_on
            cell.save(update_fields=["value", "text", "updated_at", "version", "assessed_on"])
        after = {"value": value, "text": text}
        if column.kind == TEXT:  # comments can be long: keep the audit row readable
            after = {"text": text[:500]}
            before = {"text": before["text"][:500]} if before else None
        audit_record(
            event_type="grade.saved",
            actor=actor.user,
            school_id=actor.school_id,
            target=cell,
            target_repr=_target_repr(sheet, student, column_key),
            before=before,
            after=after
            | {
                "column": column_key,
                "subject": sheet.subject.code,
                "term": sheet.term.number,
                "student": student.pk,
            },
        )
        events.publish(GradesChanged(school_class_id=sheet.school_class.pk))
    return SavedCell(cell, value, text, cell.version, True)


def test_date_set(*, actor: Actor, sheet: Sheet, column_key: str, test_date: date | None) -> None:
    """The date of a periodic test (the 14-day deadline counts from it)."""
    ensure_writable(actor, sheet, column_key)
    with transaction.atomic():
        col, _ = SheetColumn.objects.select_for_update().get_or_create(
            school_class=sheet.school_class,
            subject=sheet.subject,
            term=sheet.term,
            column=column_key,
        )
        before = {"test_date": col.test_date.isoformat() if col.test_date else None}
        col.test_date = test_date
        col.save(update_fields=["test_date"])
        audit_record(
            event_type="grade.test_date_set",
            actor=actor.user,
            school_id=actor.school_id,
            target=col,
            target_repr=f"{sheet.subject.name} — lớp {sheet.school_class.name} — {column_key}",
            before=before,
            after={"test_date": test_date.isoformat() if test_date else None},
        )


def regular_column_add(*, actor: Actor, sheet: Sheet) -> str:
    """Thêm cột ĐĐGtx: Circular 22 sets a minimum of regular assessments, more are allowed; the
    teacher adds one more optional regular column (up to ``MAX_REGULAR``). Returns its key."""
    if not sheet.school_class.year.writable_for("gradebook"):
        raise DomainError(GradebookError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")
    if not is_assigned_teacher(actor, sheet.school_class, sheet.subject, sheet.term):
        raise PermissionDeniedError(
            GradebookError.NOT_ASSIGNED,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới được thêm cột.",
        )
    regular = [c for c in sheet.columns if c.key.startswith("TX")]
    if not regular:
        raise DomainError(
            GradebookError.UNKNOWN_COLUMN, "Sổ này không có cột đánh giá thường xuyên để thêm."
        )
    number = len(regular) + 1
    if number > MAX_REGULAR:
        raise DomainError(
            GradebookError.TOO_MANY_COLUMNS,
            f"Mỗi học kỳ có tối đa {MAX_REGULAR} cột đánh giá thường xuyên.",
        )
    key = f"TX{number}"
    new = Column(
        key, f"ĐĐGtx {number}", regular[-1].kind or SCORE, False, regular[-1].checkpoint, False
    )
    lock = lock_covering(locks_for_sheet(sheet.school_class, sheet.subject, sheet.term), new)
    if lock is not None:
        raise DomainError(GradebookError.LOCKED, f"Sổ đã khóa ({lock}): không thêm cột được.")
    if ClassResult.objects.filter(
        school_class=sheet.school_class,
        period__in=[f"term{sheet.term.number}", "year"],
        state=ClassResult.State.APPROVED,
    ).exists():
        raise DomainError(
            GradebookError.APPROVED, "Kết quả của lớp đã được phê duyệt: không thêm cột được."
        )
    with transaction.atomic():
        row, created = SheetColumn.objects.get_or_create(
            school_class=sheet.school_class, subject=sheet.subject, term=sheet.term, column=key
        )
        if created:
            audit_record(
                event_type="grade.column_added",
                actor=actor.user,
                school_id=actor.school_id,
                target=row,
                target_repr=(
                    f"{sheet.subject.name} — lớp {sheet.school_class.name} — {sheet.term} — {key}"
                ),
                before={"regular_columns": len(regular)},
                after={"regular_columns": number, "column": key},
            )
    sheet.columns.insert(sheet.columns.index(regular[-1]) + 1, new)
    return key


def columns_finalise(*, actor: Actor, sheet: Sheet, column_keys: list[str]) -> list[str]:
    """Chốt: after this the teacher can no longer change these columns (seed 003 §II.1).
    Required columns must be complete for every student studying in the class."""
    keys = column_keys or [c.key for c in sheet.columns]
    for key in keys:
        ensure_writable(actor, sheet, key)
    active = list(
        Enrolment.objects.studying()
        .filter(school_class=sheet.school_class)
        .values_list("student_id", flat=True)
    )
    filled: dict[str, set[int]] = {}
    for student_id, column, value, text in Assessment.objects.filter(
        subject=sheet.subject, term=sheet.term, student_id__in=active, column__in=keys
    ).values_list("student_id", "column", "value", "text"):
        if value or text:
            filled.setdefault(column, set()).add(student_id)
    missing = []
    for key in keys:
        column = sheet.column(key)
        if column.required and column.kind != TEXT and len(filled.get(key, ())) < len(active):
            missing.append(f"{column.label} (thiếu {len(active) - len(filled.get(key, ()))})")
    if missing:
        raise DomainError(
            GradebookError.INCOMPLETE, "Chưa chốt được: còn thiếu kết quả ở " + ", ".join(missing)
        )
    now = clock.now()
    done = []
    with transaction.atomic():
        for key in keys:
            col, _ = SheetColumn.objects.select_for_update().get_or_create(
                school_class=sheet.school_class, subject=sheet.subject, term=sheet.term, column=key
            )
            if col.finalised_at:
                continue
            col.finalised_at, col.finalised_by = now, actor.user
            col.save(update_fields=["finalised_at", "finalised_by"])
            done.append(key)
        if done:
            audit_record(
                event_type="grade.finalised",
                actor=actor.user,
                school_id=actor.school_id,
                target_type="gradebook.sheet",
                target_id=f"{sheet.school_class.pk}:{sheet.subject.pk}:{sheet.term.pk}",
                target_repr=f"{sheet.subject.name} — lớp {sheet.school_class.name} — {sheet.term}",
                after={"columns": done},
            )
    return done


# --- locks ----------------------------------------------------------------------------------


def book_lock(
    *,
    actor: Actor,
    year,
    effective_at: datetime | None = None,
    grade=None,
    school_class=None,
    subject=None,
    term=None,
    checkpoint: str = "",
    reason: str = "",
) -> BookLock:
    """Khóa sổ, now or on a calendar date. The principal decides; an administrator executes
    on the principal's order (recorded as ``ordered_by``)."""
    from hoso.organisation.models import Position, Staff

    if not can_lock_books(actor) or year.school_id != actor.school_id:
        raise PermissionDeniedError(
            GradebookError.NOT_ALLOWED, "Chỉ hiệu trưởng (hoặc quản trị viên theo lệnh) khóa sổ."
        )
    if Role.PRINCIPAL in actor.roles and actor.staff is not None:
        principal = actor.staff
    else:
        principal = Staff.objects.filter(
            school=actor.school, position=Position.PRINCIPAL, is_active=True
        ).first()
        if principal is None:
            raise DomainError(GradebookError.BAD_LOCK, "Trường chưa có hiệu trưởng để ra lệnh.")
    if checkpoint and checkpoint not in ("mid1", "end1", "mid2", "end2"):
        raise DomainError(GradebookError.BAD_LOCK, "Đợt đánh giá không hợp lệ.")
    for obj in (grade, subject):
        if obj is not None and obj.school_id != actor.school_id:
            raise DomainError(GradebookError.BAD_LOCK, "Phạm vi khóa không thuộc trường.")
    for obj in (school_class, term):
        if obj is not None and obj.year_id != year.pk:
            raise DomainError(GradebookError.BAD_LOCK, "Phạm vi khóa không thuộc năm học.")
    with transaction.atomic():
        lock = BookLock.objects.create(
            school=actor.school,
            year=year,
            grade=grade,
            school_class=school_class,
            subject=subject,
            term=term,
            checkpoint=checkpoint,
            effective_at=effective_at or clock.now(),
            reason=reason,
            ordered_by=principal,
            created_by=actor.user,
        )
        audit_record(
            event_type="book.locked",
            actor=actor.user,
            school_id=actor.school_id,
            target=lock,
            after={
                "scope": str(lock),
                "effective_at": lock.effective_at.isoformat(),
                "ordered_by": principal.full_name,
                "reason": reason,
            },
            acting_as=""
            if Role.PRINCIPAL in actor.roles
            else f"theo lệnh của Hiệu trưởng {principal.full_name}",
        )
    return lock


#: The longest reason for opening a locked book (lý do mở sổ).
OPEN_REASON_MAX = 300


def book_open(*, actor: Actor, lock: BookLock, reason: str) -> BookLock:
    """Mở sổ: ends a lock (kept, with who opened it and when); the reason is required."""
    if not can_lock_books(actor) or lock.school_id != actor.school_id:
        raise PermissionDeniedError(
            GradebookError.NOT_ALLOWED, "Chỉ hiệu trưởng (hoặc quản trị viên theo lệnh) mở sổ."
        )
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError(GradebookError.REASON_REQUIRED, "Hãy ghi lý do mở sổ.")
    if len(reason) > OPEN_REASON_MAX:
        raise DomainError(
            GradebookError.REASON_REQUIRED,
            f"Lý do mở sổ dài quá {OPEN_REASON_MAX} ký tự: hãy rút gọn.",
        )
    with transaction.atomic():
        locked = BookLock.objects.select_for_update().get(pk=lock.pk)
        if locked.opened_at:
            raise DomainError(GradebookError.BAD_LOCK, "Khóa này đã được mở.")
        locked.opened_at, locked.opened_by = clock.now(), actor.user
        locked.save(update_fields=["opened_at", "opened_by"])
        audit_record(
            event_type="book.opened",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            before={"scope": str(locked)},
            after={"opened_at": locked.opened_at.isoformat(), "reason": reason},
        )
    return locked
