"""Writes of the records package: keyword-only, policy-checked, one transaction, audited.

Every transition locks the obligation row (SELECT … FOR UPDATE) first, so two approvers (or an
approver and a withdrawing owner) never both act on the same step.
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import nfc, shorten
from hoso.organisation.models import Position, SchoolYear, Staff
from hoso.records import filetypes, schedules
from hoso.records.catalogue import entries_for
from hoso.records.errors import RecordsError
from hoso.records.models import (
    ACTING_AS_CHARS,
    Decision,
    DecisionKind,
    Obligation,
    ObligationState,
    OwnerKind,
    RecordEvent,
    RecordType,
    ScheduleKind,
    Submission,
)
from hoso.records.policies import (
    can_edit_catalogue,
    can_record_event,
    check_check,
    check_decide,
    check_submit,
)
from hoso.records.sync import obligations_sync
from hoso.records.workflow import (
    APPROVER_ROLES,
    DECIDE_STATES,
    SUBMIT_STATES,
    UPLOAD_STATES,
    effective_chain,
    next_state_after_approval,
)

logger = logging.getLogger("hoso")
S = ObligationState

__all__ = [
    "obligations_sync",
    "record_types_seed",
    "record_type_update",
    "record_event_create",
    "submission_upload",
    "obligation_submit",
    "obligation_withdraw",
    "obligation_approve",
    "obligation_return",
    "obligations_bulk_approve",
]


# --- catalogue ------------------------------------------------------------------------------


def record_types_seed(*, school, actor=None, audit: bool = True) -> list[RecordType]:
    """Create the catalogue types of ``school``'s levels that it does not have yet (by code).

    Never overwrites a school's edits; returns the types created. ``audit=False`` only for the
    demo seed, which writes its own single audit event for the whole school."""
    user = getattr(actor, "user", actor)
    with transaction.atomic():
        have = set(RecordType.objects.filter(school=school).values_list("code", flat=True))
        new = []
        for entry in entries_for(school.levels):
            if entry["code"] in have:
                continue
            new.append(
                RecordType(
                    school=school,
                    code=entry["code"],
                    name=entry["name"],
                    description=entry.get("description", ""),
                    levels=list(entry.get("levels") or []),
                    legal_basis=entry.get("legal_basis", ""),
                    owner_kind=entry["owner_kind"],
                    chain=list(entry["chain"]),
                    schedule_kind=entry["schedule_kind"],
                    schedule=dict(entry["schedule"]),
                    retention_years=entry.get("retention_years"),
                    signature_required=entry.get("signature_required", False),
                    is_active=entry.get("is_active", True),
                    order=entry["order"],
                )
            )
        RecordType.objects.bulk_create(new)
        if new and audit:
            audit_record(
                event_type="records.types_seeded",
                actor=user,
                school_id=school.pk,
                target=school,
                after={"codes": [t.code for t in new]},
            )
        return new


EDITABLE = ("name", "schedule_kind", "schedule", "chain", "retention_years", "signature_required")


def _type_state(rt: RecordType) -> dict:
    return {
        "name": rt.name,
        "schedule_kind": rt.schedule_kind,
        "schedule": rt.schedule,
        "chain": rt.chain,
        "retention_years": rt.retention_years,
        "signature_required": rt.signature_required,
        "is_active": rt.is_active,
    }


def validate_type_changes(data: dict, year: SchoolYear | None) -> dict:
    """Cleaned values, or DomainError naming the field (Vietnamese message)."""
    out = {}
    name = nfc(str(data.get("name", ""))).strip()
    if not name:
        raise DomainError(
            RecordsError.NOT_ALLOWED, "Tên loại hồ sơ không được để trống.", field="name"
        )
    out["name"] = name[:200]
    kind = data.get("schedule_kind")
    if kind not in ScheduleKind.values:
        raise DomainError(RecordsError.BAD_SCHEDULE, "Loại lịch không hợp lệ.", field="schedule")
    schedule = data.get("schedule") or {}
    if not isinstance(schedule, dict):
        raise DomainError(RecordsError.BAD_SCHEDULE, "Tham số lịch không hợp lệ.", field="schedule")
    if year is not None:
        schedules.validate(kind, schedule, year, list(year.terms.all()))
    out["schedule_kind"], out["schedule"] = kind, schedule
    chain = data.get("chain") or []
    if not isinstance(chain, list) or any(c not in APPROVER_ROLES for c in chain):
        raise DomainError(
            RecordsError.BAD_CHAIN,
            "Quy trình duyệt chỉ gồm: " + ", ".join(APPROVER_ROLES.values()) + ".",
            field="chain",
        )
    if len(set(chain)) != len(chain):
        raise DomainError(RecordsError.BAD_CHAIN, "Một vai trò chỉ duyệt một lần.", field="chain")
    out["chain"] = chain
    retention = data.get("retention_years")
    if retention not in (None, ""):
        try:
            retention = int(retention)
        except (TypeError, ValueError):
            retention = -1
        if not 1 <= retention <= 100:
            raise DomainError(
                RecordsError.BAD_RETENTION,
                "Thời hạn lưu trữ là số năm từ 1 đến 100, hoặc để trống nếu lưu vĩnh viễn.",
                field="retention_years",
            )
    else:
        retention = None
    out["retention_years"] = retention
    out["signature_required"] = bool(data.get("signature_required"))
    out["is_active"] = bool(data.get("is_active"))
    return out


def record_type_update(*, actor: Actor, record_type_id: int, data: dict) -> RecordType:
    """Change a type's name, schedule, chain, retention, signature and active flags (audited);
    the open years' obligations are re-synced after commit."""
    if not can_edit_catalogue(actor):
        raise PermissionDeniedError(
            RecordsError.NOT_ALLOWED, "Chỉ Hiệu trưởng, Phó hiệu trưởng được sửa danh mục hồ sơ."
        )
    year = actor.year if actor.year and actor.year.writable_for("records") else None
    clean = validate_type_changes(data, year)
    with transaction.atomic():
        rt = RecordType.objects.select_for_update().get(pk=record_type_id, school=actor.school)
        before = _type_state(rt)
        for key, value in clean.items():
            setattr(rt, key, value)
        after = _type_state(rt)
        if before == after:
            return rt
        rt.save()
        audit_record(
            event_type="records.type_updated",
            actor=actor.user,
            school_id=rt.school_id,
            target=rt,
            before=before,
            after=after,
            acting_as=actor.acting_as_for(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        )
        _sync_open_years_after_commit(rt.school_id)
    return rt


def _sync_open_years_after_commit(school_id: int) -> None:
    from hoso.records.tasks import records_sync_task

    def enqueue() -> None:
        for year_id in SchoolYear.objects.filter(school_id=school_id, is_closed=False).values_list(
            "pk", flat=True
        ):
            try:
                records_sync_task.enqueue(year_id)
            except Exception:  # the next sync (command, staff change) catches up
                logger.exception("Could not enqueue records sync of year %s", year_id)

    transaction.on_commit(enqueue)


def record_event_create(
    *, actor: Actor, event: str, label: str = "", occurred_on: date
) -> RecordEvent:
    """Record an event (e.g. the Đội congress) and create the obligations it starts."""
    if not can_record_event(actor):
        raise PermissionDeniedError(RecordsError.NOT_ALLOWED, "Bạn không được ghi nhận sự kiện.")
    from hoso.records.catalogue import EVENTS

    code = nfc(event).strip()
    known = {
        str(rt.schedule.get("event"))
        for rt in RecordType.objects.filter(
            school=actor.school, schedule_kind=ScheduleKind.EVENT, is_active=True
        )
    }
    if code not in known:
        raise DomainError(
            RecordsError.BAD_EVENT, "Không có loại hồ sơ nào gắn với sự kiện này.", field="event"
        )
    year = actor.year
    if not (year.start_date <= occurred_on <= year.end_date):
        raise DomainError(
            RecordsError.BAD_EVENT, "Ngày diễn ra phải nằm trong năm học.", field="occurred_on"
        )
    with transaction.atomic():
        ev = RecordEvent.objects.create(
            school=actor.school,
            year=year,
            event=code,
            label=(nfc(label).strip() or EVENTS.get(code, code))[:200],
            occurred_on=occurred_on,
            recorded_by=actor.user,
        )
        audit_record(
            event_type="records.event_recorded",
            actor=actor.user,
            school_id=actor.school_id,
            target=ev,
            after={"event": ev.event, "label": ev.label, "occurred_on": str(occurred_on)},
        )
        obligations_sync(year=year, actor=actor)
    return ev


# --- submissions and the approval chain -----------------------------------------------------


def _locked(actor: Actor, obligation_id: int) -> Obligation:
    ob = (
        Obligation.objects.select_for_update(of=("self",))
        .select_related("record_type", "year", "owner_staff", "owner_department")
        .filter(pk=obligation_id, school_id=actor.school_id)
        .first()
    )
    if ob is None:
        raise DomainError(RecordsError.NOT_ALLOWED, "Không tìm thấy hồ sơ.")
    return ob


def _snapshot(ob: Obligation) -> dict:
    return {
        "state": ob.state,
        "current_step": ob.current_step,
        "awaiting_role": ob.awaiting_role,
        "chain": list(ob.chain),
    }


def _latest(ob: Obligation) -> Submission | None:
    return ob.submissions.order_by("-version").first()


def _url(ob: Obligation) -> str:
    return reverse("records:obligation", args=[ob.pk])


def submission_upload(
    *, actor: Actor, obligation_id: int, upload, note: str = "", submit: bool = False
) -> Submission:
    """Store a new version of the obligation's file (content-checked, hashed, streamed).

    ``upload``: a Django UploadedFile (or any seekable binary file with ``name`` and ``size``).
    With ``submit`` the version is submitted at once."""
    if upload is None:
        raise DomainError(RecordsError.NO_FILE, "Hãy chọn tệp cần tải lên.", field="file")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    filetypes.check_size(size)
    kind = filetypes.sniff(upload)
    digest = filetypes.sha256_of(upload)
    original = nfc(str(getattr(upload, "name", "") or f"tep.{kind.ext}")).rsplit("/", 1)[-1]
    note = bounded(nfc(note).strip(), 500, what="Ý kiến", field="comment")
    now = clock.now()
    # Store the file before the transaction: copying 20 MB must not hold the obligation's row
    # lock (nor SQLite's write lock). The name carries the hash and a random token, not the
    # version, which is only known under the lock; if anything below fails, the file goes.
    ob = (
        Obligation.objects.select_related("record_type", "year", "owner_staff")
        .filter(pk=obligation_id, school_id=actor.school_id)
        .first()
    )
    if ob is None:
        raise DomainError(RecordsError.NOT_ALLOWED, "Không tìm thấy hồ sơ.")
    check_submit(actor, ob)
    sub = Submission(
        obligation=ob,
        original_name=original[:255],
        content_type=kind.content_type,
        size=size,
        sha256=digest,
        uploaded_by=actor.user,
        uploaded_at=now,
        note=note,
    )
    upload.seek(0)
    # FileField.save streams the file to storage chunk by chunk.
    sub.file.save(f"{original}.{kind.ext}", File(upload, name=original), save=False)
    try:
        with transaction.atomic():
            _record_upload(actor, obligation_id, sub, submit=submit, now=now)
    except BaseException:
        sub.file.storage.delete(sub.file.name)
        raise
    _extract_text_after_commit(sub.pk)
    return sub


def _record_upload(actor: Actor, obligation_id: int, sub: Submission, *, submit: bool, now):
    ob = _locked(actor, obligation_id)
    check_submit(actor, ob)
    if ob.state not in UPLOAD_STATES:
        raise DomainError(
            RecordsError.BAD_STATE,
            "Hồ sơ đang chờ duyệt hoặc đã duyệt: không thể tải thêm bản mới"
            + (" (hãy rút lại trước)." if ob.state == S.SUBMITTED else "."),
        )
    before = _snapshot(ob)
    sub.obligation = ob
    sub.version = (ob.submissions.aggregate(m=Max("version"))["m"] or 0) + 1
    sub.save()
    version, original, kind_type, size, digest = (
        sub.version,
        sub.original_name,
        sub.content_type,
        sub.size,
        sub.sha256,
    )
    if ob.state == S.PENDING:
        ob.state = S.DRAFT
        ob.save(update_fields=["state"])
    audit_record(
        event_type="records.file_uploaded",
        actor=actor.user,
        school_id=ob.school_id,
        target=ob,
        before=before,
        after={
            **_snapshot(ob),
            "version": version,
            "file": original,
            "content_type": kind_type,
            "size": size,
            "sha256": digest,
        },
    )
    if submit:
        _submit(actor, ob, now=now)


def _extract_text_after_commit(submission_id: int) -> None:
    """Ask the search package (other engineer) to extract text, when it provides the hook."""
    try:
        from hoso.records import textextract  # noqa: F401
    except ImportError:
        return
    hook = getattr(textextract, "enqueue_extraction", None)
    if hook is not None:
        transaction.on_commit(lambda: hook(submission_id))


def _submitter_flags(actor: Actor, ob: Obligation) -> dict:
    owner = ob.owner_staff
    staff = actor.staff
    positions = set()
    if staff is not None:
        positions = {staff.position} | set(staff.extra_positions.values_list("position", flat=True))
    head_of_own = False
    if owner is not None and owner.department_id:
        head_of_own = owner.department.head_id == owner.pk
    return {
        "owner_kind": ob.owner_kind,
        "owner_is_department_head": head_of_own,
        # A department without a head has nobody to approve: the step goes up a level.
        "owner_has_department": (
            bool(owner.department_id and owner.department.head_id) if owner is not None else True
        ),
        "submitter_is_vice_principal": Position.VICE_PRINCIPAL in positions,
        "submitter_is_principal": Position.PRINCIPAL in positions,
    }


def _submit(actor: Actor, ob: Obligation, *, now, comment: str = "") -> None:
    if ob.state not in SUBMIT_STATES:
        raise DomainError(RecordsError.BAD_STATE, "Hồ sơ không ở trạng thái có thể nộp.")
    latest = _latest(ob)
    if latest is None:
        raise DomainError(RecordsError.NO_FILE, "Hãy tải tệp lên trước khi nộp.", field="file")
    resubmit = ob.state == S.RETURNED
    if resubmit:
        returned_at = (
            ob.decisions.filter(kind=DecisionKind.RETURN)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if returned_at and latest.uploaded_at <= returned_at:
            raise DomainError(
                RecordsError.NO_FILE,
                "Hồ sơ đã bị trả lại: hãy tải lên bản đã sửa trước khi nộp lại.",
                field="file",
            )
    before = _snapshot(ob)
    chain = effective_chain(list(ob.record_type.chain), **_submitter_flags(actor, ob))
    ob.chain = chain
    ob.current_step = 0
    ob.submitted_at = now
    if ob.first_submitted_at is None:
        ob.first_submitted_at = now
    if chain:
        ob.state, ob.awaiting_role = S.SUBMITTED, chain[0]
    else:
        ob.state, ob.awaiting_role, ob.approved_at = S.APPROVED, "", now
    ob.save(
        update_fields=[
            "chain",
            "current_step",
            "submitted_at",
            "first_submitted_at",
            "state",
            "awaiting_role",
            "approved_at",
        ]
    )
    kind = DecisionKind.RESUBMIT if resubmit else DecisionKind.SUBMIT
    Decision.objects.create(
        obligation=ob,
        submission=latest,
        step=0,
        actor=actor.user,
        kind=kind,
        comment=nfc(comment).strip(),
        at=now,
    )
    audit_record(
        event_type=f"records.{kind}",
        actor=actor.user,
        school_id=ob.school_id,
        target=ob,
        before=before,
        after={**_snapshot(ob), "version": latest.version, "sha256": latest.sha256},
        acting_as=actor.acting_as_for(Role.DEPARTMENT_HEAD),
    )
    _notify_approvers(ob)


def obligation_submit(*, actor: Actor, obligation_id: int, comment: str = "") -> Obligation:
    with transaction.atomic():
        ob = _locked(actor, obligation_id)
        check_submit(actor, ob)
        _submit(actor, ob, now=clock.now(), comment=comment)
    return ob


def obligation_withdraw(*, actor: Actor, obligation_id: int) -> Obligation:
    """The owner takes back a submission nobody has approved yet (→ DRAFT)."""
    with transaction.atomic():
        ob = _locked(actor, obligation_id)
        check_submit(actor, ob)
        if ob.state != S.SUBMITTED or ob.current_step != 0:
            raise DomainError(
                RecordsError.BAD_STATE,
                "Chỉ rút lại được hồ sơ đã nộp mà chưa có ai duyệt.",
            )
        before = _snapshot(ob)
        ob.state, ob.awaiting_role = S.DRAFT, ""
        ob.save(update_fields=["state", "awaiting_role"])
        now = clock.now()
        Decision.objects.create(
            obligation=ob,
            submission=_latest(ob),
            step=0,
            actor=actor.user,
            kind=DecisionKind.WITHDRAW,
            at=now,
        )
        audit_record(
            event_type="records.withdraw",
            actor=actor.user,
            school_id=ob.school_id,
            target=ob,
            before=before,
            after=_snapshot(ob),
        )
    return ob


def _decide_prelude(actor: Actor, obligation_id: int):
    ob = _locked(actor, obligation_id)
    if ob.state not in DECIDE_STATES:
        raise DomainError(
            RecordsError.BAD_STATE, "Hồ sơ không còn chờ duyệt (có thể người khác đã xử lý)."
        )
    latest = _latest(ob)
    role = check_decide(actor, ob, latest)
    return ob, latest, role


def obligation_approve(*, actor: Actor, obligation_id: int, comment: str = "") -> Obligation:
    with transaction.atomic():
        ob, latest, role = _decide_prelude(actor, obligation_id)
        before = _snapshot(ob)
        now = clock.now()
        step = ob.current_step
        ob.state, ob.current_step, ob.awaiting_role = next_state_after_approval(step, ob.chain)
        if ob.state == S.APPROVED:
            ob.approved_at = now
        ob.save(update_fields=["state", "current_step", "awaiting_role", "approved_at"])
        acting = actor.acting_as_for(role)
        Decision.objects.create(
            obligation=ob,
            submission=latest,
            step=step,
            actor=actor.user,
            acting_as=shorten(acting or str(role), ACTING_AS_CHARS),
            kind=DecisionKind.APPROVE,
            comment=nfc(comment).strip(),
            at=now,
        )
        audit_record(
            event_type="records.approve",
            actor=actor.user,
            school_id=ob.school_id,
            target=ob,
            before=before,
            after={**_snapshot(ob), "version": latest.version if latest else None},
            acting_as=acting,
        )
        if ob.state == S.APPROVED:
            _notify_owner(ob, f"Hồ sơ “{ob.record_type.name} — {ob.period_label}” đã được duyệt.")
        else:
            _notify_approvers(ob)
    return ob


def obligation_return(*, actor: Actor, obligation_id: int, comment: str) -> Obligation:
    comment = nfc(comment or "").strip()
    if not comment:
        raise DomainError(
            RecordsError.COMMENT_REQUIRED,
            "Hãy ghi rõ nội dung cần sửa khi trả lại hồ sơ.",
            field="comment",
        )
    with transaction.atomic():
        ob, latest, role = _decide_prelude(actor, obligation_id)
        before = _snapshot(ob)
        now = clock.now()
        step = ob.current_step
        ob.state, ob.current_step, ob.awaiting_role = S.RETURNED, 0, ""
        ob.returned_count += 1
        ob.save(update_fields=["state", "current_step", "awaiting_role", "returned_count"])
        acting = actor.acting_as_for(role)
        Decision.objects.create(
            obligation=ob,
            submission=latest,
            step=step,
            actor=actor.user,
            acting_as=shorten(acting or str(role), ACTING_AS_CHARS),
            kind=DecisionKind.RETURN,
            comment=comment,
            at=now,
        )
        audit_record(
            event_type="records.return",
            actor=actor.user,
            school_id=ob.school_id,
            target=ob,
            before=before,
            after={**_snapshot(ob), "comment": comment, "returned_count": ob.returned_count},
            acting_as=acting,
        )
        _notify_owner(
            ob,
            f"Hồ sơ “{ob.record_type.name} — {ob.period_label}” bị trả lại: {comment}",
            key=f"records.return:{ob.pk}:{ob.returned_count}",
        )
    return ob


def obligation_check(*, actor: Actor, obligation_id: int, comment: str = "") -> Obligation:
    """Kiểm tra: a vice principal or the principal marks a submitted or approved record as
    checked, with an optional remark for the owner; the state and the chain do not change."""
    comment = nfc(comment or "").strip()
    with transaction.atomic():
        ob = _locked(actor, obligation_id)
        check_check(actor, ob)
        latest = _latest(ob)
        now = clock.now()
        before = {"checked_at": ob.checked_at.isoformat() if ob.checked_at else None}
        ob.checked_at, ob.checked_by = now, actor.user
        ob.save(update_fields=["checked_at", "checked_by"])
        role = Role.PRINCIPAL if actor.has(Role.PRINCIPAL) else Role.VICE_PRINCIPAL
        acting = actor.acting_as_for(role)
        Decision.objects.create(
            obligation=ob,
            submission=latest,
            step=ob.current_step,
            actor=actor.user,
            acting_as=shorten(acting or str(role), ACTING_AS_CHARS),
            kind=DecisionKind.CHECK,
            comment=comment,
            at=now,
        )
        audit_record(
            event_type="records.check",
            actor=actor.user,
            school_id=ob.school_id,
            target=ob,
            before=before,
            after={
                "checked_at": now.isoformat(),
                "state": ob.state,
                "version": latest.version if latest else None,
                "comment": comment,
            },
            acting_as=acting,
        )
        if comment:
            _notify_owner(
                ob,
                f"Hồ sơ “{ob.record_type.name} — {ob.period_label}” đã được kiểm tra: {comment}",
                key=f"records.check:{ob.pk}:{now.isoformat()}",
            )
    return ob


def obligations_bulk_approve(
    *, actor: Actor, obligation_ids: list[int], comment: str = ""
) -> tuple[list[int], dict[int, str]]:
    """Approve each obligation in its own transaction: (approved ids, {id: Vietnamese error})."""
    done, errors = [], {}
    for pk in dict.fromkeys(obligation_ids):
        try:
            obligation_approve(actor=actor, obligation_id=pk, comment=comment)
        except DomainError as exc:
            errors[pk] = exc.message
        else:
            done.append(pk)
    return done, errors


# --- notifications --------------------------------------------------------------------------


def _notify_owner(ob: Obligation, text: str, key: str = "") -> None:
    from hoso.notifications.actions import notify

    users = []
    if ob.owner_staff_id and ob.owner_staff.user_id:
        users.append(ob.owner_staff.user)
    elif ob.owner_department_id and ob.owner_department.head_id:
        head = ob.owner_department.head
        if head.user_id:
            users.append(head.user)
    for user in users:
        notify(
            user=user,
            school=ob.school,
            kind="records",
            text=text,
            dedupe_key=key or f"records.{ob.state}:{ob.pk}",
            url=_url(ob),
        )


def _notify_approvers(ob: Obligation) -> None:
    """Tell the approvers of the awaited step (deduplicated per obligation, step and submission)."""
    from hoso.notifications.actions import notify

    role = ob.awaiting_role
    if not role:
        return
    staff = Staff.objects.filter(school_id=ob.school_id, is_active=True, user__isnull=False)
    if role in ("department_head", "office_head"):
        dept_id = ob.owner_staff.department_id if ob.owner_staff_id else ob.owner_department_id
        staff = staff.filter(heads__pk=dept_id)
    elif role in ("vice_principal", "principal"):
        staff = staff.filter(position=role)
    else:
        return
    text = f"Hồ sơ chờ duyệt: {ob.record_type.name} — {ob.period_label}"
    owner = ob.owner_staff or ob.owner_department
    if owner is not None:
        text += f" ({owner})"
    for person in staff.select_related("user"):
        if ob.owner_staff_id == person.pk:
            continue
        notify(
            user=person.user,
            school=ob.school,
            kind="records",
            text=text,
            dedupe_key=f"records.await:{ob.pk}:{ob.current_step}:{ob.submitted_at:%s}",
            url=reverse("records:inbox"),
        )


def owner_kinds_label(kind: str) -> str:
    return OwnerKind(kind).label
