"""Every write of transfers (chuyển trường). Keyword-only, policy-checked, one transaction with
its history row and audit event; notifications after commit.

Transfer out: record (``transfer_out_create``) → the student leaves at the date
(``transfer_out_leave``: the enrolment ends as ``transferred_out``, then the transcript of the
year is drafted as the extract at the leaving date) → the transcript is signed and issued through hoso/transcripts' chain (homeroom teacher,
vice principal, principal, clerk's seal: each needs that person's certificate and password, so
the transfer waits and shows it) → ``transfer_out_handover`` (the signed PDF goes to the parent /
receiving school).

Transfer in: record with the documents checklist (``transfer_in_create``) → the receiving
principal's decision (``transfer_decide``) within the limit → optional import of the other
school's signed transcript (``transfer_import_transcript``: verified or refused, nothing half
imported) → placement in a class (``transfer_place``), reusing the student's row when the school
already knows the code."""

from __future__ import annotations

import io
import json
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core import clock, files
from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc
from hoso.organisation.models import LEVEL_GRADES, SchoolClass
from hoso.organisation.workdays import add_working_days
from hoso.students.actions import enrolment_end, student_enrol
from hoso.students.models import Enrolment, Student
from hoso.transcripts import engines
from hoso.transcripts.actions import transcripts_draft_class
from hoso.transcripts.models import Transcript
from hoso.transcripts.verification import verify_upload
from hoso.transfers import policies, rules
from hoso.transfers.errors import TransferError, fail
from hoso.transfers.models import (
    PriorRecord,
    Transfer,
    TransferEvent,
    TransferSettings,
    TransferStep,
)

logger = logging.getLogger("hoso.transfers")
T = Transfer.State
MAX_UPLOAD_MB = 10

SNAPSHOT = ["state", "effective_on", "documents", "decision_reason", "decided_on", "transcript_id"]


def _snapshot(t: Transfer) -> dict:
    out = {name: getattr(t, name) for name in SNAPSHOT}
    out["effective_on"] = t.effective_on.isoformat() if t.effective_on else None
    out["decided_on"] = t.decided_on.isoformat() if t.decided_on else None
    out["placed_class"] = t.placed_class.name if t.placed_class_id else None
    return out


def _record(transfer: Transfer, *, kind: str, text: str, actor: Actor, before: dict | None) -> None:
    TransferEvent.objects.create(
        transfer=transfer, kind=kind, text=nfc(text)[:500], actor=actor.user, at=clock.now()
    )
    audit_record(
        event_type=f"transfer.{kind}",
        actor=actor.user,
        school_id=transfer.school_id,
        target=transfer,
        before=before,
        after=_snapshot(transfer),
        acting_as=actor.acting_as_for(*actor.roles),
    )


def settings_for(school) -> TransferSettings:
    """The school's settings row (unsaved defaults when it has none)."""
    found = TransferSettings.objects.filter(school=school).first()
    return found or TransferSettings(school=school)


def step_days(transfer: Transfer, code: str) -> int | None:
    """The limit of a step in working days: the regulation's, else the school's setting."""
    procedure = rules.procedure_for(transfer.procedure)
    school_settings = settings_for(transfer.school)
    if code == rules.DECIDE:
        return rules.decision_days(
            procedure, school_settings, other_province=transfer.from_other_province
        )
    rule = procedure.step(transfer.direction, code)
    if code in (rules.EXTRACT, rules.HANDOVER) and not rule.confirmed:
        return school_settings.handover_days
    return rule.days


def _due(transfer: Transfer, code: str, start: date) -> date | None:
    days = step_days(transfer, code)
    if days is None:
        return None
    return add_working_days(transfer.school_id, start, days)


def _create_steps(transfer: Transfer) -> None:
    procedure = rules.procedure_for(transfer.procedure)
    steps = procedure.incoming if transfer.direction == "in" else procedure.outgoing
    for seq, rule in enumerate(steps, start=1):
        if rule.code == rules.LEAVE:
            due = transfer.effective_on
        elif rule.code == rules.PLACE:
            due = None  # counted from the decision
        else:
            due = _due(transfer, rule.code, transfer.filed_on)
        TransferStep.objects.create(transfer=transfer, code=rule.code, seq=seq, due_on=due)


def _step_done(transfer: Transfer, code: str, actor: Actor) -> None:
    TransferStep.objects.filter(transfer=transfer, code=code, done_on__isnull=True).update(
        done_on=clock.today(), done_by=actor.user
    )


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("school", "placed_class", "year")
        .get(pk=transfer.pk)
    )


def _require_state(transfer: Transfer, *states: str) -> None:
    if transfer.state not in states:
        raise fail(TransferError.WRONG_STATE, state=transfer.get_state_display())


def _text(value: str, *, what: str, limit: int, required: bool = False) -> str:
    cleaned = nfc(value or "").strip()
    if required and not cleaned:
        raise DomainError(TransferError.MISSING, f"Thiếu {what}.", field=what)
    if len(cleaned) > limit:
        raise DomainError(
            TransferError.MISSING, f"{what} quá dài (tối đa {limit} ký tự).", field=what
        )
    return cleaned


def _level_of_grade(grade: int) -> str:
    for level, grades in LEVEL_GRADES.items():
        if grade in grades and level != "continuing":
            return str(level)
    return "lower_secondary"


def _other_province(school, province: str) -> bool:
    return bool(province) and bool(school.province) and fold(province) != fold(school.province)


# ------------------------------------------------------------------------------ transfer out


def transfer_out_create(
    *,
    actor: Actor,
    student: Student,
    filed_on: date,
    leaving_on: date,
    other_school_name: str,
    other_school_code: str = "",
    other_province: str = "",
    reason: str = "",
) -> Transfer:
    """Record a transfer out: the parent's application, the destination and the leaving date."""
    policies.require_manage(actor, f"ghi nhận chuyển đi của {student}")
    if student.school_id != actor.school_id or actor.year is None:
        raise fail(TransferError.NOT_STUDYING)
    enrolment = (
        Enrolment.objects.studying()
        .filter(student=student, year=actor.year)
        .select_related("school_class__grade")
        .first()
    )
    if enrolment is None:
        raise fail(TransferError.NOT_STUDYING)
    today = clock.today()
    if filed_on > today:
        raise fail(TransferError.BAD_DATE, what="Ngày nhận đơn", detail="sau hôm nay")
    if leaving_on < enrolment.start_date:
        raise fail(
            TransferError.BAD_DATE,
            what="Ngày chuyển đi",
            detail=f"trước ngày vào lớp {enrolment.start_date:%d/%m/%Y}",
        )
    if leaving_on > actor.year.end_date:
        raise fail(TransferError.BAD_DATE, what="Ngày chuyển đi", detail="sau khi năm học kết thúc")
    name = _text(other_school_name, what="Trường chuyển đến", limit=200, required=True)
    grade = enrolment.school_class.grade.number
    with transaction.atomic():
        Student.objects.select_for_update().get(pk=student.pk)
        if Transfer.objects.filter(
            school=actor.school, student=student, direction="out", state__in=[T.OPEN, T.LEFT]
        ).exists():
            raise fail(TransferError.WRONG_STATE, state="đã có hồ sơ chuyển đi đang xử lý")
        transfer = Transfer.objects.create(
            school=actor.school,
            year=actor.year,
            direction=Transfer.Direction.OUT,
            procedure=rules.procedure_for(_level_of_grade(grade)).key,
            student=student,
            enrolment=enrolment,
            student_code=student.student_code,
            personal_id=student.personal_id,
            family_name=student.family_name,
            middle_name=student.middle_name,
            given_name=student.given_name,
            gender=student.gender,
            birth_date=student.birth_date,
            grade=grade,
            other_school_name=name,
            other_school_code=_text(other_school_code, what="Mã trường", limit=20),
            other_province=_text(other_province, what="Tỉnh/thành phố", limit=80),
            from_other_province=_other_province(actor.school, other_province),
            reason=_text(reason, what="Lý do", limit=500),
            filed_on=filed_on,
            effective_on=leaving_on,
            created_by=actor.user,
        )
        transfer.school = actor.school
        _create_steps(transfer)
        _record(
            transfer,
            kind="out_created",
            text=f"Ghi nhận đơn chuyển đi đến {name}, ngày chuyển {leaving_on:%d/%m/%Y}.",
            actor=actor,
            before=None,
        )
    return transfer


def _living_transcript(transfer: Transfer) -> Transcript | None:
    return (
        Transcript.objects.filter(student_id=transfer.student_id, year_id=transfer.year_id)
        .exclude(state__in=Transcript.DEAD_STATES)
        .order_by("-version")
        .first()
    )


def transfer_out_leave(*, actor: Actor, transfer: Transfer) -> Transfer:
    """The student leaves at the transfer date: the enrolment ends as ``transferred_out`` —
    from that day the attendance refuses marks for the student — and then the student's
    transcript of the year is drafted (or its draft brought up to date) as the extract at the
    leaving date (``left``, the periods not completed, the scores and absences so far), so it
    can be signed and handed over now. One transaction: a failure leaves the student studying.
    A transcript that cannot be drafted (e.g. no public address) is said in the history and
    drafted later from the class board."""
    policies.require_manage(actor, f"kết thúc học của {transfer.full_name}")
    _require_state(transfer, T.OPEN)
    enrolment = transfer.enrolment
    if enrolment is None or not enrolment.is_studying:
        raise fail(TransferError.NOT_STUDYING)
    drafted = ""
    with transaction.atomic():
        locked = _lock(transfer)
        _require_state(locked, T.OPEN)
        before = _snapshot(locked)
        ended = enrolment_end(
            actor=actor,
            enrolment=enrolment,
            status=Enrolment.Status.TRANSFERRED_OUT,
            end_date=locked.effective_on,
            note=Enrolment.transfer_note(locked.other_school_name),
        )
        try:
            with transaction.atomic():  # a savepoint: a refused draft keeps the leaving
                transcripts_draft_class(
                    actor=actor, school_class=ended.school_class, student=locked.student
                )
        except DomainError as exc:
            drafted = f" Chưa lập được học bạ: {exc.message}"
        locked.state = T.LEFT
        locked.transcript = _living_transcript(locked)
        locked.save(update_fields=["state", "transcript"])
        _step_done(locked, rules.LEAVE, actor)
        _record(
            locked,
            kind="out_left",
            text=(
                f"Học sinh thôi học tại trường từ {locked.effective_on:%d/%m/%Y} "
                f"(chuyển đi).{drafted}"
            ),
            actor=actor,
            before=before,
        )
    return locked


def transfer_out_handover(*, actor: Actor, transfer: Transfer) -> Transfer:
    """The records go out: only with the year's transcript signed and issued (the extract)."""
    policies.require_manage(actor, f"bàn giao hồ sơ của {transfer.full_name}")
    with transaction.atomic():
        locked = _lock(transfer)
        _require_state(locked, T.LEFT)
        issued = (
            Transcript.objects.filter(
                student_id=locked.student_id, year_id=locked.year_id, state=Transcript.State.ISSUED
            )
            .order_by("-version")
            .first()
        )
        if issued is None:
            living = _living_transcript(locked)
            raise fail(
                TransferError.TRANSCRIPT_NOT_ISSUED,
                year=locked.year.name,
                state=living.get_state_display() if living else "chưa lập",
            )
        before = _snapshot(locked)
        locked.transcript = issued
        locked.state = T.COMPLETED
        locked.completed_at = clock.now()
        locked.save(update_fields=["transcript", "state", "completed_at"])
        _step_done(locked, rules.EXTRACT, actor)
        _step_done(locked, rules.HANDOVER, actor)
        _record(
            locked,
            kind="out_handed_over",
            text=f"Bàn giao hồ sơ; học bạ số mã {issued.code} (bản {issued.version}).",
            actor=actor,
            before=before,
        )
    return locked


# ------------------------------------------------------------------------------- transfer in


def _documents(transfer_procedure: str, ticked, *, other_province: bool) -> dict[str, bool]:
    procedure = rules.procedure_for(transfer_procedure)
    chosen = set(ticked or ())
    return {
        d.code: d.code in chosen for d in procedure.documents_for(other_province=other_province)
    }


def transfer_in_create(
    *,
    actor: Actor,
    student_code: str,
    personal_id: str = "",
    family_name: str,
    middle_name: str = "",
    given_name: str,
    gender: str,
    birth_date: date,
    grade: int,
    other_school_name: str,
    other_school_code: str = "",
    other_province: str = "",
    filed_on: date,
    reason: str = "",
    documents=(),
) -> Transfer:
    """Record an application to transfer in (received by the school: the receiving step 1)."""
    policies.require_manage(actor, "ghi nhận hồ sơ chuyển đến")
    if actor.year is None:
        raise fail(TransferError.MISSING, what="năm học")
    school = actor.school
    grades = {g for level in school.levels for g in LEVEL_GRADES.get(level, ())}
    if grade not in grades:
        raise DomainError(
            TransferError.BAD_CLASS,
            f"Trường không có khối {grade}.",
            field="grade",
        )
    if filed_on > clock.today():
        raise fail(TransferError.BAD_DATE, what="Ngày nhận đơn", detail="sau hôm nay")
    code = _text(student_code, what="Mã học sinh", limit=20, required=True)
    pid = _text(personal_id, what="Mã định danh cá nhân", limit=12)
    if pid and not (pid.isdigit() and len(pid) == 12):
        raise DomainError(
            TransferError.MISSING, "Mã định danh cá nhân phải gồm 12 chữ số.", field="personal_id"
        )
    if gender not in ("M", "F"):
        raise DomainError(TransferError.MISSING, "Thiếu giới tính.", field="gender")
    province = _text(other_province, what="Tỉnh/thành phố", limit=80)
    other = _other_province(school, province)
    procedure = rules.procedure_for(_level_of_grade(grade)).key
    with transaction.atomic():
        transfer = Transfer.objects.create(
            school=school,
            year=actor.year,
            direction=Transfer.Direction.IN,
            procedure=procedure,
            student_code=code,
            personal_id=pid,
            family_name=_text(family_name, what="Họ", limit=60, required=True),
            middle_name=_text(middle_name, what="Tên đệm", limit=60),
            given_name=_text(given_name, what="Tên", limit=40, required=True),
            gender=gender,
            birth_date=birth_date,
            grade=grade,
            other_school_name=_text(
                other_school_name, what="Trường chuyển đi", limit=200, required=True
            ),
            other_school_code=_text(other_school_code, what="Mã trường", limit=20),
            other_province=province,
            from_other_province=other,
            reason=_text(reason, what="Lý do", limit=500),
            filed_on=filed_on,
            documents=_documents(procedure, documents, other_province=other),
            created_by=actor.user,
        )
        transfer.school = school
        _create_steps(transfer)
        _record(
            transfer,
            kind="in_created",
            text=(
                f"Nhận đơn chuyển đến từ {transfer.other_school_name}"
                f"{' (tỉnh khác)' if other else ''}, vào khối {grade}."
            ),
            actor=actor,
            before=None,
        )
    return transfer


def transfer_documents_set(*, actor: Actor, transfer: Transfer, documents) -> Transfer:
    """Tick the documents received (the checklist of the procedure)."""
    policies.require_manage(actor, f"cập nhật hồ sơ chuyển trường của {transfer.full_name}")
    with transaction.atomic():
        locked = _lock(transfer)
        _require_state(locked, T.OPEN, T.ACCEPTED)
        before = _snapshot(locked)
        locked.documents = _documents(
            locked.procedure, documents, other_province=locked.from_other_province
        )
        if locked.documents == before["documents"]:
            return locked
        locked.save(update_fields=["documents"])
        _record(locked, kind="documents_set", text="Cập nhật hồ sơ đã nhận.", actor=actor,
                before=before)  # fmt: skip
    return locked


def missing_documents(transfer: Transfer) -> list[str]:
    procedure = rules.procedure_for(transfer.procedure)
    return [
        d.label
        for d in procedure.documents_for(other_province=transfer.from_other_province)
        if d.required and not transfer.documents.get(d.code)
    ]


def transfer_decide(
    *, actor: Actor, transfer: Transfer, accept: bool, reason: str = ""
) -> Transfer:
    """The receiving principal's answer: consent, or refusal with its reason."""
    policies.require_decide(actor, f"quyết định tiếp nhận {transfer.full_name}")
    text = _text(reason, what="Lý do", limit=500)
    if not accept and not text:
        raise fail(TransferError.REASON_REQUIRED)
    with transaction.atomic():
        locked = _lock(transfer)
        if locked.direction != "in":
            raise fail(TransferError.WRONG_STATE, state=locked.get_direction_display())
        _require_state(locked, T.OPEN)
        before = _snapshot(locked)
        today = clock.today()
        locked.state = T.ACCEPTED if accept else T.REFUSED
        locked.decision_reason, locked.decided_on, locked.decided_by = text, today, actor.user
        if not accept:
            locked.completed_at = clock.now()
        locked.save(
            update_fields=["state", "decision_reason", "decided_on", "decided_by", "completed_at"]
        )
        _step_done(locked, rules.DECIDE, actor)
        if accept:
            TransferStep.objects.filter(transfer=locked, code=rules.PLACE).update(
                due_on=_due(locked, rules.PLACE, today)
            )
        _record(
            locked,
            kind="decided",
            text=("Hiệu trưởng đồng ý tiếp nhận." if accept else "Hiệu trưởng từ chối tiếp nhận: ")
            + (text if not accept else (f" {text}" if text else "")),
            actor=actor,
            before=before,
        )
    return locked


def _existing_student(transfer: Transfer) -> Student | None:
    """The school's own row for this student, by the national code or the personal ID."""
    q = Q(student_code=transfer.student_code)
    if transfer.personal_id:
        q |= Q(personal_id=transfer.personal_id)
    found = list(Student.objects.select_for_update().filter(Q(school_id=transfer.school_id) & q))
    if len(found) > 1:
        raise fail(
            TransferError.CODE_CONFLICT, code=transfer.student_code, pid=transfer.personal_id
        )
    return found[0] if found else None


def transfer_place(
    *, actor: Actor, transfer: Transfer, school_class: SchoolClass, start_date: date
) -> Transfer:
    """Place the accepted student in a class of the right grade from ``start_date``: the school's
    existing row is reused (a returning student; never a duplicate), else the student is created
    with the same national code."""
    policies.require_manage(actor, f"xếp lớp cho {transfer.full_name}")
    if (
        school_class.year_id != getattr(actor.year, "pk", None)
        or school_class.grade.number != transfer.grade
        or school_class.year.school_id != actor.school_id
    ):
        raise fail(TransferError.BAD_CLASS, name=school_class.name, grade=transfer.grade)
    year = school_class.year
    if not (year.start_date <= start_date <= year.end_date):
        raise fail(TransferError.BAD_DATE, what="Ngày vào học", detail="ngoài năm học")
    with transaction.atomic():
        locked = _lock(transfer)
        _require_state(locked, T.ACCEPTED)
        missing = missing_documents(locked)
        if missing:
            raise fail(TransferError.DOCUMENTS_MISSING, items="; ".join(missing))
        before = _snapshot(locked)
        student = _existing_student(locked)
        if student is not None:
            open_enrolment = (
                Enrolment.objects.filter(student=student, year=year, end_date__isnull=True)
                .select_related("school_class")
                .first()
            )
            if open_enrolment is not None:
                raise fail(
                    TransferError.ALREADY_ENROLLED,
                    name=student.full_name,
                    class_name=open_enrolment.school_class.name,
                )
            enrolment = Enrolment.objects.create(
                student=student,
                year=year,
                school_class=school_class,
                status=Enrolment.Status.TRANSFERRED_IN,
                start_date=start_date,
                note=f"Chuyển đến từ {locked.other_school_name}"[:300],
            )
            audit_record(
                event_type="enrolment.transferred_in",
                actor=actor.user,
                school_id=actor.school_id,
                target=enrolment,
                after={
                    "student": student.student_code,
                    "class_name": school_class.name,
                    "start_date": start_date.isoformat(),
                    "status": enrolment.status,
                    "returning": True,
                },
                acting_as=actor.acting_as_for(*actor.roles),
            )
            locked.reused_student = True
        else:
            try:
                with transaction.atomic():
                    student = student_enrol(
                        actor=actor,
                        school_class=school_class,
                        profile={
                            "student_code": locked.student_code,
                            "personal_id": locked.personal_id,
                            "family_name": locked.family_name,
                            "middle_name": locked.middle_name,
                            "given_name": locked.given_name,
                            "gender": locked.gender,
                            "birth_date": locked.birth_date,
                        },
                        start_date=start_date,
                        status=Enrolment.Status.TRANSFERRED_IN,
                    )
            except IntegrityError as exc:
                raise fail(
                    TransferError.CODE_CONFLICT,
                    code=locked.student_code,
                    pid=locked.personal_id,
                ) from exc
            enrolment = Enrolment.objects.get(student=student, year=year, end_date__isnull=True)
        locked.student, locked.enrolment = student, enrolment
        locked.placed_class, locked.effective_on = school_class, start_date
        locked.state, locked.completed_at = T.COMPLETED, clock.now()
        locked.save(
            update_fields=[
                "student", "enrolment", "placed_class", "effective_on", "state",
                "completed_at", "reused_student",
            ]
        )  # fmt: skip
        PriorRecord.objects.filter(transfer=locked).update(student=student)
        _step_done(locked, rules.PLACE, actor)
        _record(
            locked,
            kind="placed",
            text=(
                f"Xếp vào lớp {school_class.name} từ {start_date:%d/%m/%Y}"
                + (" (học sinh cũ của trường: dùng lại hồ sơ)." if locked.reused_student else ".")
            ),
            actor=actor,
            before=before,
        )
    return locked


# ------------------------------------------------------------- importing a signed transcript


def _embedded_data(blob: bytes) -> dict:
    from pypdf import PdfReader

    try:
        attachments = PdfReader(io.BytesIO(blob)).attachments
        raw = attachments.get(engines.JSON_NAME)
    except Exception as exc:  # a damaged file: pypdf raises many kinds
        raise fail(TransferError.NO_DATA, detail="không đọc được tệp") from exc
    if not raw:
        raise fail(TransferError.NO_DATA, detail="không có tệp dữ liệu đính kèm")
    try:
        data = json.loads(raw[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise fail(TransferError.NO_DATA, detail="dữ liệu không phải JSON") from exc
    content = data.get("content") if isinstance(data, dict) else None
    if not isinstance(content, dict) or not isinstance(content.get("student"), dict):
        raise fail(TransferError.NO_DATA, detail="thiếu phần nội dung học bạ")
    return data


def _summary(content: dict) -> dict:
    """What the history shows of a year (the rest stays in the signed PDF)."""
    keys = ("learning", "training", "title", "decision", "overall", "completed", "absences")
    out = {k: content.get(k) for k in keys if content.get(k) not in (None, "", {})}
    subjects = []
    for row in content.get("subjects") or []:
        value = row.get("year") if "year" in row else row.get("level")
        subjects.append({"name": row.get("name", ""), "value": value})
    out["subjects"] = subjects
    out["pending"] = content.get("pending") or []
    return out


def _refusal_detail(validation) -> str:
    if validation.modified_after_last_signature:
        return "tệp đã bị thêm, sửa sau chữ ký cuối"
    if not validation.signatures:
        return "tệp không có chữ ký số"
    for sig in validation.signatures:
        if not sig.intact:
            return f"chữ ký “{sig.role or sig.field}” không còn nguyên vẹn (tệp đã bị sửa)"
        if not sig.trusted:
            return f"chữ ký “{sig.role or sig.field}” không thuộc tổ chức cung cấp dịch vụ tin cậy"
        if not sig.valid:
            return f"chữ ký “{sig.role or sig.field}” không hợp lệ"
    return validation.error or "chữ ký số không hợp lệ"


def transfer_import_transcript(
    *, actor: Actor, transfer: Transfer, upload, ip: str | None = None
) -> PriorRecord:
    """Verify the other school's signed transcript (signatures valid and trusted, nothing
    appended after the last one, the school's seal present; when it was issued by this HoSo,
    also current and with the same data hash) and import its year as a history row. Anything
    that fails is refused with its reason and nothing is stored."""
    policies.require_manage(actor, f"nhập học bạ của {transfer.full_name}")
    if transfer.direction != "in" or transfer.state == T.REFUSED:
        raise fail(TransferError.WRONG_STATE, state=transfer.get_state_display())
    if upload is None:
        raise fail(TransferError.UPLOAD_MISSING)
    limit = MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise fail(TransferError.UPLOAD_TOO_LARGE, limit=MAX_UPLOAD_MB)
    upload.seek(0)
    blob = upload.read(limit + 1)
    if not files.is_pdf(blob):
        raise fail(TransferError.UPLOAD_NOT_PDF)
    upload.seek(0)
    report = verify_upload(upload=upload, ip=ip)
    validation = report.validation
    if not validation.ok:
        raise fail(TransferError.NOT_VERIFIED, detail=_refusal_detail(validation))
    seal_field = engines.FIELDS["seal"][0]
    if not any(sig.field == seal_field for sig in validation.signatures):
        raise fail(
            TransferError.NOT_VERIFIED,
            detail="học bạ chưa được cấp (chưa có chữ ký số của nhà trường)",
        )
    data = _embedded_data(blob)
    content = data["content"]
    digest = engines.data_hash(data)
    if report.matched is not None:
        matched = report.matched
        if matched.state == Transcript.State.REVOKED:
            raise fail(
                TransferError.REVOKED,
                when=f"{matched.revoked_at:%d/%m/%Y}" if matched.revoked_at else "",
            )
        if matched.data_hash != digest:
            raise fail(TransferError.NOT_VERIFIED, detail="dữ liệu không khớp với bản đã cấp")
    found = content["student"]
    same = found.get("code") == transfer.student_code or (
        transfer.personal_id and found.get("personal_id") == transfer.personal_id
    )
    if not same:
        raise fail(
            TransferError.OTHER_STUDENT,
            found=found.get("code", "?"),
            expected=transfer.student_code,
        )
    signers = [{"role": s.role, "name": s.signer, "at": s.signed_at} for s in validation.signatures]
    name = f"transfers/{transfer.school_id}/{transfer.pk}-{report.sha256[:16]}.pdf"
    with transaction.atomic():
        locked = _lock(transfer)
        if PriorRecord.objects.filter(transfer=locked, data_hash=digest).exists():
            raise fail(TransferError.WRONG_STATE, state="học bạ này đã được nhập")
        before = _snapshot(locked)
        stored = default_storage.save(name, ContentFile(blob))
        try:
            record = PriorRecord.objects.create(
                school_id=locked.school_id,
                transfer=locked,
                student_id=locked.student_id,
                school_name=nfc(str((content.get("school") or {}).get("name", "")))[:200],
                year_name=str(content.get("year", ""))[:20],
                class_name=str(content.get("class", ""))[:40],
                grade=content.get("grade") if isinstance(content.get("grade"), int) else None,
                summary=_summary(content),
                transcript_code=report.matched.code if report.matched else "",
                data_hash=digest,
                pdf_sha256=report.sha256,
                pdf=stored,
                signers=signers,
                verified_at=clock.now(),
                imported_by=actor.user,
            )
        except Exception:
            default_storage.delete(stored)
            raise
        _record(
            locked,
            kind="transcript_imported",
            text=(
                f"Nhập học bạ năm học {record.year_name} lớp {record.class_name} "
                f"({record.school_name}) — đã xác thực chữ ký số."
            ),
            actor=actor,
            before=before,
        )
    return record


# ---------------------------------------------------------------------------------- settings


def transfer_settings_update(
    *,
    actor: Actor,
    decision_days: int,
    decision_days_other_province: int,
    handover_days: int,
) -> TransferSettings:
    """The UNCONFIRMED limits of the draft charter, per school (principal)."""
    policies.require_decide(actor, "đổi thiết lập chuyển trường")
    values = {
        "decision_days": decision_days,
        "decision_days_other_province": decision_days_other_province,
        "handover_days": handover_days,
    }
    for key, value in values.items():
        if not 1 <= int(value) <= 30:
            raise DomainError(
                TransferError.BAD_DATE, "Số ngày làm việc phải từ 1 đến 30.", field=key
            )
    with transaction.atomic():
        row, _ = TransferSettings.objects.select_for_update().get_or_create(school=actor.school)
        before = {k: getattr(row, k) for k in values}
        for key, value in values.items():
            setattr(row, key, int(value))
        row.save()
        audit_record(
            event_type="transfer.settings_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target=row,
            before=before,
            after=values,
            acting_as=actor.acting_as_for(*actor.roles),
        )
    return row


# --------------------------------------------------------------------------------- downloads


def transfer_pdf_download(*, actor: Actor, transfer: Transfer, record: PriorRecord | None = None):
    """The signed PDF handed over (transfer out) or a verified one imported (transfer in), as
    (file name, bytes); each download is audited."""
    from hoso.transcripts.actions import read_pdf

    if record is not None:
        with record.pdf.open("rb") as fh:
            blob = fh.read()
        name = f"hoc-ba-{record.year_name}-{record.class_name}.pdf"
        sha = record.pdf_sha256
    else:
        if transfer.transcript is None or transfer.state != T.COMPLETED:
            raise fail(TransferError.WRONG_STATE, state=transfer.get_state_display())
        blob = read_pdf(transfer.transcript)
        name = f"hoc-ba-{transfer.transcript.code}.pdf"
        sha = transfer.transcript.pdf_sha256
    audit_record(
        event_type="transfer.pdf_downloaded",
        actor=actor.user,
        school_id=transfer.school_id,
        target=transfer,
        after={"file": name, "sha256": sha},
        acting_as=actor.acting_as_for(*actor.roles),
    )
    return name, blob
