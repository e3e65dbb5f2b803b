"""Every write about personal data: the notice and its settings, consents (online and on paper),
requests about a child's data and their reminders, and the log of outsiders' reads. Each in one
transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.clock import VN_TZ
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import in_sentence, nfc
from hoso.privacy import policies
from hoso.privacy.errors import PrivacyError
from hoso.privacy.models import (
    Consent,
    DataRequest,
    EndReason,
    PrivacyNotice,
    PrivacySettings,
    Purpose,
)
from hoso.privacy.selectors import current_notice, settings_of

CHILD_AGE = 7  # a child aged 7 or more agrees too to publication (Luật 91/2025)


def _refuse(actor: Actor, what: str) -> None:
    log_denied(actor, kind="forbidden", what=what)
    raise PermissionDeniedError("FORBIDDEN", "Bạn không có quyền thực hiện thao tác này.")


# --- the notice ---------------------------------------------------------------------------


def settings_save(*, actor: Actor, request_hours: int, contact: str) -> PrivacySettings:
    if not policies.can_write_notice(actor):
        _refuse(actor, "cài đặt dữ liệu cá nhân")
    if not 1 <= int(request_hours) <= 24 * 30:
        raise DomainError(
            PrivacyError.BAD_SETTING,
            "Thời hạn trả lời phải từ 1 giờ đến 720 giờ (30 ngày).",
            field="request_hours",
        )
    with transaction.atomic():
        row, _ = PrivacySettings.objects.select_for_update().get_or_create(school=actor.school)
        before = {"request_hours": row.request_hours, "contact": row.contact}
        row.request_hours, row.contact = int(request_hours), nfc(contact).strip()[:300]
        row.save()
        audit_record(
            event_type="privacy.settings_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target=row,
            before=before,
            after={"request_hours": row.request_hours, "contact": row.contact},
        )
    return row


def notice_draft_save(*, actor: Actor, text: str, processors: str) -> PrivacyNotice:
    """Write the next version (a draft until published; a published version never changes)."""
    if not policies.can_write_notice(actor):
        _refuse(actor, "soạn thông báo xử lý dữ liệu cá nhân")
    text, processors = nfc(text).strip(), nfc(processors).strip()
    if not text:
        raise DomainError(PrivacyError.EMPTY_NOTICE, "Thông báo chưa có nội dung.", field="text")
    with transaction.atomic():
        draft = (
            PrivacyNotice.objects.select_for_update()
            .filter(school=actor.school, published_at__isnull=True)
            .first()
        )
        if draft is None:
            last = PrivacyNotice.objects.filter(school=actor.school).aggregate(v=Max("version"))
            draft = PrivacyNotice(
                school=actor.school, version=(last["v"] or 0) + 1, created_at=clock.now()
            )
        draft.text, draft.processors = text, processors
        draft.save()
        audit_record(
            event_type="privacy.notice_drafted",
            actor=actor.user,
            school_id=actor.school_id,
            target=draft,
            after={"version": draft.version, "length": len(text)},
        )
    return draft


def notice_publish(
    *, actor: Actor, notice_id: int, changed_purposes: list[str] | None = None
) -> tuple[PrivacyNotice, int]:
    """Publish the draft. From the second version on, ``changed_purposes`` names the purposes
    whose data, processors or use changed: consents given under an older version lapse for
    them (silence is not consent: the guardian is asked again); consents for the other
    purposes stay live until the guardian answers the new version. Returns the notice and how
    many consents lapsed."""
    if not policies.can_write_notice(actor):
        _refuse(actor, "công bố thông báo xử lý dữ liệu cá nhân")
    changed = [p for p in dict.fromkeys(changed_purposes or []) if p in Purpose.values]
    now = clock.now()
    with transaction.atomic():
        notice = (
            PrivacyNotice.objects.select_for_update()
            .filter(pk=notice_id, school=actor.school)
            .first()
        )
        if notice is None:
            raise DomainError(PrivacyError.NO_NOTICE, "Không tìm thấy bản thảo thông báo.")
        if notice.published_at is not None:
            raise DomainError(
                PrivacyError.PUBLISHED,
                f"Phiên bản {notice.version} đã công bố và không sửa được nữa: hãy soạn phiên "
                "bản mới.",
            )
        if not notice.text.strip():
            raise DomainError(PrivacyError.EMPTY_NOTICE, "Thông báo chưa có nội dung.")
        notice.published_at, notice.published_by = now, actor.user
        notice.changed_purposes = changed if notice.version > 1 else []
        notice.save(update_fields=["published_at", "published_by", "changed_purposes"])
        lapsed = 0
        if notice.changed_purposes:
            lapsed = Consent.objects.filter(
                school=actor.school,
                purpose__in=notice.changed_purposes,
                withdrawn_at__isnull=True,
                notice__version__lt=notice.version,
            ).update(withdrawn_at=now, ended_reason=EndReason.LAPSED)
        audit_record(
            event_type="privacy.notice_published",
            actor=actor.user,
            school_id=actor.school_id,
            target=notice,
            after={
                "version": notice.version,
                "changed_purposes": notice.changed_purposes,
                "consents_lapsed": lapsed,
            },
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
    return notice, lapsed


# --- consents -----------------------------------------------------------------------------


def age_on(birth, day) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _create_consent(
    *,
    school,
    user,
    purpose: str,
    student,
    child_agreed: bool,
    source: str,
    recorded_by,
    paper_note: str = "",
    actor_user,
    acting_as: str = "",
) -> Consent:
    if purpose not in Purpose.values:
        raise DomainError(PrivacyError.BAD_PURPOSE, "Mục đích không hợp lệ.")
    notice = current_notice(school_id=school.pk)
    if notice is None:
        raise DomainError(
            PrivacyError.NO_NOTICE,
            "Nhà trường chưa công bố thông báo xử lý dữ liệu cá nhân: chưa thể ghi nhận đồng ý.",
        )
    if purpose == Purpose.PUBLICATION:
        if student is None:
            raise DomainError(
                PrivacyError.CHILD_REQUIRED, "Đồng ý công bố hình ảnh, thành tích là cho từng con."
            )
        if age_on(student.birth_date, clock.today()) >= CHILD_AGE and not child_agreed:
            raise DomainError(
                PrivacyError.CHILD_AGREEMENT,
                f"{student.full_name} từ đủ 7 tuổi: cần cả con đồng ý (đánh dấu “con đã đồng ý”).",
                field="child_agreed",
            )
    else:
        student, child_agreed = None, False
    now = clock.now()
    live = Consent.objects.select_for_update().filter(
        school=school, user=user, purpose=purpose, student=student, withdrawn_at__isnull=True
    )
    replaced = [c.pk for c in live]
    live.update(withdrawn_at=now, ended_reason=EndReason.RENEWED)
    consent = Consent.objects.create(
        school=school,
        user=user,
        student=student,
        purpose=purpose,
        notice=notice,
        source=source,
        given_at=now,
        recorded_by=recorded_by,
        child_agreed=child_agreed,
        paper_note=nfc(paper_note).strip()[:200],
    )
    audit_record(
        event_type="privacy.consent_given",
        actor=actor_user,
        school_id=school.pk,
        target=consent,
        target_repr=f"{consent.get_purpose_display()} — {user.get_full_name()}"[:300],
        after={
            "user": user.pk,
            "purpose": purpose,
            "student": student.pk if student else None,
            "notice_version": notice.version,
            "source": source,
            "child_agreed": child_agreed,
            "replaced": replaced,
            **({"paper_note": consent.paper_note} if paper_note else {}),
        },
        acting_as=acting_as,
    )
    return consent


def consent_give(
    *, actor: Actor, purpose: str, student_id: int | None = None, child_agreed: bool = False
) -> Consent:
    """The guardian consents (one click) under the school's current notice."""
    if not policies.is_guardian(actor):
        _refuse(actor, "đồng ý xử lý dữ liệu cá nhân")
    student = policies.access_child(actor, student_id) if student_id else None
    with transaction.atomic():
        return _create_consent(
            school=actor.school,
            user=actor.user,
            purpose=purpose,
            student=student,
            child_agreed=child_agreed,
            source=Consent.Source.ONLINE,
            recorded_by=actor.user,
            actor_user=actor.user,
        )


def consent_withdraw(*, actor: Actor, purpose: str, student_id: int | None = None) -> Consent:
    """The guardian withdraws (one click): sending on that channel stops at once."""
    if not policies.is_guardian(actor):
        _refuse(actor, "rút lại sự đồng ý")
    student = policies.access_child(actor, student_id) if student_id else None
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(
                school=actor.school,
                user=actor.user,
                purpose=purpose,
                student=student,
                withdrawn_at__isnull=True,
            )
            .first()
        )
        if consent is None:
            raise DomainError(PrivacyError.NO_CONSENT, "Không có sự đồng ý nào đang hiệu lực.")
        consent.withdrawn_at, consent.ended_reason = clock.now(), EndReason.WITHDRAWN
        consent.save(update_fields=["withdrawn_at", "ended_reason"])
        audit_record(
            event_type="privacy.consent_withdrawn",
            actor=actor.user,
            school_id=actor.school_id,
            target=consent,
            target_repr=consent.get_purpose_display(),
            after={
                "purpose": purpose,
                "student": student.pk if student else None,
                "notice_version": consent.notice.version,
            },
        )
    return consent


def consent_record_paper(
    *,
    actor: Actor,
    guardian_id: int,
    purpose: str,
    student_id: int | None = None,
    child_agreed: bool = False,
    paper_note: str = "",
) -> Consent:
    """A member of staff records a signed paper form (source "paper") for a parent without a
    smartphone: the homeroom teacher for their class's guardians, the clerk for any."""
    guardian = policies.access_paper_guardian(actor, guardian_id)
    if guardian.user is None:
        raise DomainError(
            PrivacyError.NO_ACCOUNT,
            f"{guardian.full_name} chưa có tài khoản HoSo: hãy in phiếu mời trước (tài khoản vẫn "
            "dùng để nhận SMS, Zalo dù phụ huynh không đăng nhập).",
        )
    student = None
    if student_id:
        student = guardian.student_links.filter(student_id=student_id).first()
        student = student.student if student else None
        if student is None:
            raise DomainError(PrivacyError.CHILD_REQUIRED, "Học sinh không phải con của phụ huynh.")
    if not nfc(paper_note).strip():
        raise DomainError(
            PrivacyError.BAD_REQUEST,
            "Ghi số hoặc ngày ký của phiếu giấy (để đối chiếu khi cần).",
            field="paper_note",
        )
    with transaction.atomic():
        return _create_consent(
            school=actor.school,
            user=guardian.user,
            purpose=purpose,
            student=student,
            child_agreed=child_agreed,
            source=Consent.Source.PAPER,
            recorded_by=actor.user,
            paper_note=paper_note,
            actor_user=actor.user,
        )


def consent_withdraw_paper(
    *, actor: Actor, guardian_id: int, consent_id: int, paper_note: str
) -> Consent:
    """A member of staff records a parent's withdrawal made on paper (as easy as giving):
    effective at once, audited with who recorded it and the form's reference."""
    guardian = policies.access_paper_guardian(actor, guardian_id)
    if not nfc(paper_note).strip():
        raise DomainError(
            PrivacyError.BAD_REQUEST,
            "Ghi số hoặc ngày ký của phiếu rút lại.",
            field="paper_note",
        )
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .select_related("notice")
            .filter(
                pk=consent_id,
                school=actor.school,
                user_id=guardian.user_id,
                withdrawn_at__isnull=True,
            )
            .first()
        )
        if consent is None or guardian.user_id is None:
            raise DomainError(PrivacyError.NO_CONSENT, "Không có sự đồng ý nào đang hiệu lực.")
        consent.withdrawn_at, consent.ended_reason = clock.now(), EndReason.WITHDRAWN
        consent.save(update_fields=["withdrawn_at", "ended_reason"])
        audit_record(
            event_type="privacy.consent_withdrawn",
            actor=actor.user,
            school_id=actor.school_id,
            target=consent,
            target_repr=consent.get_purpose_display(),
            after={
                "purpose": consent.purpose,
                "student": consent.student_id,
                "notice_version": consent.notice.version,
                "source": Consent.Source.PAPER,
                "paper_note": nfc(paper_note).strip()[:200],
            },
        )
    return consent


# --- outsiders' reads ---------------------------------------------------------------------


def is_outsider(actor: Actor) -> bool:
    """Not the school's staff at work: a parent, an inspector (or someone with no role)."""
    return actor.staff is None or not (set(actor.roles) - {Role.PARENT, Role.INSPECTOR})


def child_data_viewed(*, actor: Actor, student, what: str) -> None:
    """Log that someone outside the school's staff read ``student``'s data (``what``: the page
    or file). Staff reads are not logged here (their writes are). Its own transaction."""
    if actor is None or actor.school is None or not is_outsider(actor):
        return
    role = "parent" if student.pk in actor.child_ids else "inspector"
    if not actor.has(Role.INSPECTOR) and role != "parent":
        role = "other"
    with transaction.atomic():
        audit_record(
            event_type="privacy.child_data_viewed",
            actor=actor.user,
            school_id=actor.school_id,
            target=student,
            after={"what": what[:120], "as": role},
        )


def class_data_viewed(*, actor: Actor, school_class, what: str) -> None:
    """Log that someone outside the school's staff (an inspector) read a page about a whole
    class (its list, grade sheet, attendance month): one event for the class; each child's
    data page counts it for the children enrolled in that class."""
    if actor is None or actor.school is None or not is_outsider(actor):
        return
    with transaction.atomic():
        audit_record(
            event_type="privacy.class_data_viewed",
            actor=actor.user,
            school_id=actor.school_id,
            target=school_class,
            after={"what": what[:120], "as": "inspector" if actor.has(Role.INSPECTOR) else "other"},
        )


# --- requests about a child's data --------------------------------------------------------


def request_create(
    *,
    actor: Actor,
    student_id: int,
    kind: str,
    field: str,
    what_is_wrong: str,
    right_value: str = "",
) -> DataRequest:
    """A guardian asks to correct (or delete, restrict) the child's data; the deadline is the
    school's setting from now. The request handlers are told."""
    if not policies.is_guardian(actor):
        _refuse(actor, "yêu cầu về dữ liệu cá nhân")
    student = policies.access_child(actor, student_id)
    field, what_is_wrong, right_value = (
        nfc(field).strip(),
        nfc(what_is_wrong).strip(),
        nfc(right_value).strip(),
    )
    if kind not in DataRequest.Kind.values:
        raise DomainError(PrivacyError.BAD_REQUEST, "Hãy chọn loại yêu cầu.", field="kind")
    if not field:
        raise DomainError(PrivacyError.BAD_REQUEST, "Hãy ghi thông tin nào.", field="field")
    if not what_is_wrong:
        raise DomainError(
            PrivacyError.BAD_REQUEST, "Hãy ghi sai ở đâu, vì sao.", field="what_is_wrong"
        )
    if kind == DataRequest.Kind.CORRECT and not right_value:
        raise DomainError(PrivacyError.BAD_REQUEST, "Hãy ghi thông tin đúng.", field="right_value")
    now = clock.now()
    hours = settings_of(actor.school).request_hours
    with transaction.atomic():
        request = DataRequest.objects.create(
            school=actor.school,
            student=student,
            requested_by=actor.user,
            kind=kind,
            field=field[:120],
            what_is_wrong=what_is_wrong[:2000],
            right_value=right_value[:500],
            received_at=now,
            due_at=now + timedelta(hours=hours),
        )
        audit_record(
            event_type="privacy.request_received",
            actor=actor.user,
            school_id=actor.school_id,
            target=request,
            after={
                "student": student.pk,
                "kind": kind,
                "field": request.field,
                "due_at": request.due_at.isoformat(),
            },
        )
        _notify_handlers(
            request,
            text=(
                f"Yêu cầu {in_sentence(request.get_kind_display())} dữ liệu của {student.full_name} "
                f"({request.field}); hạn trả lời {request.due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}."
            ),
            key=f"privacy_request:{request.pk}:received",
        )
    return request


TRANSITIONS = {
    DataRequest.State.RECEIVED: {
        DataRequest.State.IN_PROGRESS,
        DataRequest.State.DONE,
        DataRequest.State.REFUSED,
    },
    DataRequest.State.IN_PROGRESS: {DataRequest.State.DONE, DataRequest.State.REFUSED},
}


def request_update(*, actor: Actor, request_id: int, state: str, answer: str = "") -> DataRequest:
    """The clerk or a leader moves a request on (in progress, done, refused with a reason);
    the guardian is told when it is closed."""
    if not policies.can_handle_requests(actor):
        _refuse(actor, f"xử lý yêu cầu dữ liệu #{request_id}")
    answer = nfc(answer).strip()
    with transaction.atomic():
        request = (
            DataRequest.objects.select_for_update()
            .select_related("student")
            .filter(pk=request_id, school=actor.school)
            .first()
        )
        if request is None:
            from hoso.accounts.policies import not_found

            raise not_found(actor, f"yêu cầu dữ liệu #{request_id}")
        if state not in TRANSITIONS.get(request.state, set()):
            raise DomainError(
                PrivacyError.BAD_STATE,
                f"Yêu cầu đang ở trạng thái “{request.get_state_display()}”: không chuyển được.",
            )
        if state == DataRequest.State.REFUSED and not answer:
            raise DomainError(
                PrivacyError.REASON_REQUIRED, "Từ chối phải ghi lý do.", field="answer"
            )
        before = {"state": request.state}
        request.state, request.handled_by = state, actor.user
        if answer:
            request.answer = answer[:2000]
        if state in (DataRequest.State.DONE, DataRequest.State.REFUSED):
            request.closed_at = clock.now()
        request.save()
        audit_record(
            event_type="privacy.request_updated",
            actor=actor.user,
            school_id=actor.school_id,
            target=request,
            before=before,
            after={
                "state": state,
                "answer": request.answer,
                "late": bool(request.closed_at and request.closed_at > request.due_at),
            },
        )
        if not request.is_open:
            from hoso.notifications.actions import notify

            notify(
                user=request.requested_by,
                school=actor.school,
                kind="privacy.request",
                text=(
                    f"Yêu cầu {in_sentence(request.get_kind_display())} “{request.field}” của "
                    f"{request.student.full_name}: {in_sentence(request.get_state_display())}."
                    + (f" {request.answer}" if request.answer else "")
                ),
                dedupe_key=f"privacy_request:{request.pk}:closed",
            )
    return request


def _handlers(school):
    """Who is told about requests: the school's clerks and principal, at work now."""
    from django.db.models import Q

    from hoso.organisation.models import Position, Staff

    positions = [Position.CLERK, Position.PRINCIPAL]
    return [
        s.user
        for s in Staff.objects.filter(
            school=school, is_active=True, user__isnull=False, user__is_active=True
        )
        .filter(Q(position__in=positions) | Q(extra_positions__position__in=positions))
        .select_related("user")
        .distinct()
    ]


def _notify_handlers(request: DataRequest, *, text: str, key: str) -> int:
    from hoso.notifications.actions import notify

    sent = 0
    for user in _handlers(request.school):
        if notify(
            user=user,
            school=request.school,
            kind="privacy.request",
            text=text,
            dedupe_key=key,
        ):
            sent += 1
    return sent


@dataclass
class ReminderRun:
    schools: int = 0
    open: int = 0
    created: int = 0

    def as_dict(self) -> dict:
        return {"schools": self.schools, "open": self.open, "created": self.created}


REMIND_BEFORE = timedelta(hours=24)


def request_reminders_send(*, now: datetime | None = None, schools=None) -> ReminderRun:
    """Remind the handlers of requests within 24 hours of their deadline, and again once it
    passed (each once: running twice sends nothing twice)."""
    from hoso.organisation.models import School

    now = now or clock.now()
    run = ReminderRun()
    for school in schools if schools is not None else School.objects.all():
        run.schools += 1
        due = DataRequest.objects.filter(
            school=school,
            state__in=[DataRequest.State.RECEIVED, DataRequest.State.IN_PROGRESS],
            due_at__lte=now + REMIND_BEFORE,
        ).select_related("student", "school")
        created = 0
        for request in due:
            run.open += 1
            late = request.due_at <= now
            stage = "late" if late else "soon"
            text = (
                f"{'Đã quá hạn' if late else 'Sắp đến hạn'} trả lời yêu cầu "
                f"{in_sentence(request.get_kind_display())} dữ liệu của {request.student.full_name} "
                f"({request.field}): hạn {request.due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}."
            )
            with transaction.atomic():
                created += _notify_handlers(
                    request, text=text, key=f"privacy_request:{request.pk}:{stage}"
                )
        if created:
            with transaction.atomic():
                audit_record(
                    event_type="privacy.request_reminders_sent",
                    school_id=school.pk,
                    target_type="privacy.datarequest",
                    target_repr="Nhắc hạn trả lời yêu cầu về dữ liệu cá nhân",
                    after={"notifications": created},
                )
        run.created += created
    return run
