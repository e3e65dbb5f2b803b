"""Every write of attendance, each in one transaction with its audit event and an
``AttendanceChanged`` event."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.attendance import policies, selectors
from hoso.attendance.errors import AttendanceError
from hoso.attendance.events import AttendanceChanged
from hoso.attendance.models import (
    AttendanceMark,
    AttendanceRoll,
    AttendanceSettings,
    Excuse,
    Session,
    Status,
)
from hoso.audit.actions import audit_record
from hoso.core import clock, events
from hoso.core.errors import DomainError
from hoso.core.text import in_sentence, nfc
from hoso.organisation.models import SchoolClass, SubjectOffering
from hoso.students.models import Enrolment

#: What a tap on the roll may set; "present" removes the mark.
ROLL_STATUSES = ("present", Status.ABSENT, Status.LATE, Status.LEFT_EARLY)


def enrolled_on(school_class: SchoolClass, day: date) -> dict[int, Enrolment]:
    """Students members of the class on ``day`` (started, not yet left): only they are marked.
    A student who left (transfer, class change, dropout) is frozen at that date."""
    rows = (
        Enrolment.objects.filter(school_class=school_class, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .select_related("student")
    )
    return {e.student_id: e for e in rows}


def _check_day(
    school_class: SchoolClass, day: date, session: str, settings: AttendanceSettings
) -> None:
    if session not in Session.values:
        raise DomainError(AttendanceError.BAD_SESSION, "Buổi học không hợp lệ (sáng hoặc chiều).")
    if day > clock.today():
        raise DomainError(
            AttendanceError.FUTURE_DAY,
            f"Chưa đến ngày {day:%d/%m/%Y}: không điểm danh trước được.",
        )
    if day not in selectors.school_days(school_class, day, day, settings=settings):
        raise DomainError(
            AttendanceError.NOT_SCHOOL_DAY,
            f"Ngày {day:%d/%m/%Y} không phải ngày học của lớp {school_class.name} "
            "(ngoài năm học, ngày nghỉ hoặc không phải ngày học trong tuần).",
        )
    if session not in selectors.sessions_of(school_class, settings):
        raise DomainError(
            AttendanceError.BAD_SESSION,
            f"Lớp {school_class.name} không học buổi {in_sentence(Session(session).label)}.",
        )
    check_month_open(settings, day)


def check_month_open(settings, day: date) -> None:
    """Refuse a direct edit of a month whose confirmation window has closed."""
    if selectors.month_state(settings, day, clock.today()) == "closed":
        first = selectors.month_start(day)
        raise DomainError(
            AttendanceError.MONTH_CONFIRMED,
            f"Điểm danh tháng {first:%m/%Y} đã chốt (hết hạn xác nhận ngày "
            f"{selectors.window_closes(settings, first):%d/%m/%Y}): muốn sửa, hãy gửi đề nghị "
            "sửa điểm danh để hiệu trưởng duyệt.",
        )


def take_roll(
    *,
    actor: Actor,
    school_class: SchoolClass,
    day: date,
    session: str,
    marks: dict[int, str],
    period: int = 0,
    offering: SubjectOffering | None = None,
    notes: dict[int, str] | None = None,
) -> AttendanceRoll:
    """Take (or retake) a roll: ``marks`` maps student id → "absent" | "late" | "left_early" |
    "present"; every other student of the class that day is present. A student marked absent
    keeps the excuse already confirmed or asked for (a parent's leave request); a student
    marked present loses the mark. One transaction, one audit event with before and after."""
    settings = selectors.settings_for(school_class.year.school_id)
    if period:
        subject_id = offering.subject_id if offering else None
        if offering is None or offering.grade_id != school_class.grade_id:
            raise DomainError(AttendanceError.BAD_SESSION, "Điểm danh theo tiết cần môn học.")
        if not policies.can_take_period_roll(actor, school_class, subject_id, settings):
            raise PermissionDenied(f"Không được điểm danh tiết {period} lớp {school_class.name}.")
    elif not policies.can_take_session_roll(actor, school_class):
        raise PermissionDenied(f"Không được điểm danh lớp {school_class.name}.")
    _check_day(school_class, day, session, settings)
    for status in marks.values():
        if status not in ROLL_STATUSES:
            raise DomainError(AttendanceError.BAD_STATUS, f"Trạng thái “{status}” không hợp lệ.")
    notes = {k: nfc(v or "")[:300] for k, v in (notes or {}).items()}
    now = clock.now()
    with transaction.atomic():
        members = enrolled_on(school_class, day)
        strangers = set(marks) - set(members)
        if strangers:
            raise DomainError(
                AttendanceError.NOT_IN_CLASS,
                f"{len(strangers)} học sinh không học lớp {school_class.name} ngày "
                f"{day:%d/%m/%Y} (đã chuyển đi, chuyển lớp, bỏ học hoặc chưa vào lớp).",
            )
        roll, created = AttendanceRoll.objects.select_for_update().get_or_create(
            school_class=school_class,
            date=day,
            session=session,
            period=period,
            defaults={
                "school_id": school_class.year.school_id,
                "offering": offering,
                "taken_by": actor.user,
                "taken_at": now,
                "updated_at": now,
            },
        )
        existing = {
            m.student_id: m
            for m in AttendanceMark.objects.select_for_update().filter(
                student_id__in=list(members), date=day, session=session, period=period
            )
        }
        before = {str(s): m.status for s, m in existing.items()}
        to_delete, to_create, to_update = [], [], []
        for sid in members:
            want = marks.get(sid, "present")
            have = existing.get(sid)
            if want == "present":
                if have is not None:
                    to_delete.append(have.pk)
                continue
            note = notes.get(sid, have.note if have else "")
            if have is None:
                to_create.append(
                    AttendanceMark(
                        school_id=school_class.year.school_id,
                        student_id=sid,
                        school_class=school_class,
                        date=day,
                        session=session,
                        period=period,
                        status=want,
                        note=note,
                        marked_by=actor.user,
                        marked_at=now,
                    )
                )
            elif have.status != want or have.note != note:
                if want != Status.ABSENT:
                    have.excuse, have.confirmed_at, have.confirmed_by = Excuse.PENDING, None, None
                have.status, have.note = want, note
                have.marked_by, have.marked_at = actor.user, now
                to_update.append(have)
        if to_delete:
            AttendanceMark.objects.filter(pk__in=to_delete).delete()
        if to_create:
            AttendanceMark.objects.bulk_create(to_create)
        if to_update:
            AttendanceMark.objects.bulk_update(
                to_update,
                [
                    "status",
                    "note",
                    "excuse",
                    "confirmed_at",
                    "confirmed_by",
                    "marked_by",
                    "marked_at",
                ],
            )
        if not created:
            roll.taken_by, roll.updated_at = actor.user, now
            roll.save(update_fields=["taken_by", "updated_at"])
        after = {str(s): m for s, m in marks.items() if m != "present" and s in members}
        audit_record(
            event_type="attendance.roll_taken",
            actor=actor.user,
            school_id=school_class.year.school_id,
            target=roll,
            before={"marks": before, "new": created},
            after={
                "class": school_class.name,
                "date": day.isoformat(),
                "session": session,
                "period": period,
                "present": len(members) - len(after),
                "marks": after,
            },
        )
        events.publish(
            AttendanceChanged(
                school_id=school_class.year.school_id,
                school_class_id=school_class.pk,
                dates=(day,),
            )
        )
    return roll


# --- the monthly confirmation -----------------------------------------------------------------

EXCUSE_CHOICES = (Excuse.PENDING, Excuse.EXCUSED, Excuse.UNEXCUSED)


def _publish(school_id: int, class_id: int, dates) -> None:
    events.publish(
        AttendanceChanged(
            school_id=school_id, school_class_id=class_id, dates=tuple(sorted(set(dates)))
        )
    )


def confirm_month(
    *, actor: Actor, school_class: SchoolClass, month: date, excuses: dict[int, str]
) -> int:
    """Set the excuse of absences of the class in ``month``: ``excuses`` maps a mark id to ""
    (pending), "excused" (P) or "unexcused" (K). Inside the window only (the month itself, or
    the window of the next month). Returns how many marks changed; one audit event."""
    if not policies.can_confirm_month(actor, school_class):
        raise PermissionDenied(f"Không được xác nhận điểm danh lớp {school_class.name}.")
    settings = selectors.settings_for(school_class.year.school_id)
    first = selectors.month_start(month)
    state = selectors.month_state(settings, first, clock.today())
    if state == "closed":
        check_month_open(settings, first)
    if state != "open":
        raise DomainError(
            AttendanceError.WINDOW_NOT_OPEN,
            f"Chưa đến thời hạn xác nhận điểm danh tháng {first:%m/%Y} (từ ngày "
            f"{settings.confirm_from} đến ngày {settings.confirm_until} tháng sau).",
        )
    for value in excuses.values():
        if value not in EXCUSE_CHOICES:
            raise DomainError(AttendanceError.BAD_EXCUSE, f"Giá trị phép “{value}” không hợp lệ.")
    now = clock.now()
    with transaction.atomic():
        marks = list(
            AttendanceMark.objects.select_for_update().filter(
                pk__in=list(excuses),
                school_class=school_class,
                status=Status.ABSENT,
                date__gte=first,
                date__lte=selectors.month_end(first),
            )
        )
        if len(marks) != len(excuses):
            raise DomainError(
                AttendanceError.NO_MARK,
                "Có lượt vắng không thuộc lớp hoặc tháng này (trang đã cũ?): hãy tải lại trang.",
            )
        changed, before, after = [], {}, {}
        for m in marks:
            want = excuses[m.pk]
            if m.excuse == want and (m.confirmed_at is not None or want == Excuse.PENDING):
                continue
            before[str(m.pk)] = m.excuse
            after[str(m.pk)] = want
            m.excuse = want
            m.confirmed_at = now if want else None
            m.confirmed_by = actor.user if want else None
            changed.append(m)
        if not changed:
            return 0
        AttendanceMark.objects.bulk_update(changed, ["excuse", "confirmed_at", "confirmed_by"])
        audit_record(
            event_type="attendance.month_confirmed",
            actor=actor.user,
            school_id=school_class.year.school_id,
            target=school_class,
            target_repr=f"Lớp {school_class.name} tháng {first:%m/%Y}",
            before={"month": f"{first:%Y-%m}", "excuses": before},
            after={"month": f"{first:%Y-%m}", "excuses": after},
        )
        _publish(school_class.year.school_id, school_class.pk, [m.date for m in changed])
    return len(changed)


def finalise_months(*, today: date | None = None) -> list[dict]:
    """The scheduled job (``attendance_finalise``): in every school, the absences of months
    whose window has closed and that nobody confirmed become unexcused (K), ``confirmed_at``
    set and ``confirmed_by`` empty; an absence excused by a parent's leave request that the
    homeroom teacher never decided stays excused and is confirmed. One audit event per class
    and month with the counts. Idempotent: a second run finds nothing."""
    from hoso.organisation.models import School

    today = today or clock.today()
    done: list[dict] = []
    now = clock.now()
    for school in School.objects.all():
        settings = selectors.settings_for(school.pk)
        last_closed = selectors.month_end(selectors.closed_months_before(settings, today))
        with transaction.atomic():
            marks = list(
                AttendanceMark.objects.select_for_update()
                .filter(
                    school=school,
                    status=Status.ABSENT,
                    confirmed_at__isnull=True,
                    date__lte=last_closed,
                )
                .select_related("school_class")
            )
            groups: dict[tuple[int, date], list[AttendanceMark]] = {}
            for m in marks:
                groups.setdefault((m.school_class_id, selectors.month_start(m.date)), []).append(m)
            for (class_id, first), rows in sorted(groups.items(), key=lambda kv: kv[0]):
                unexcused = [m for m in rows if m.excuse == Excuse.PENDING]
                for m in rows:
                    if m.excuse == Excuse.PENDING:
                        m.excuse = Excuse.UNEXCUSED
                    m.confirmed_at, m.confirmed_by = now, None
                AttendanceMark.objects.bulk_update(rows, ["excuse", "confirmed_at", "confirmed_by"])
                school_class = rows[0].school_class
                counts = {
                    "class": school_class.name,
                    "month": f"{first:%Y-%m}",
                    "unexcused": len(unexcused),
                    "excused_kept": len(rows) - len(unexcused),
                }
                audit_record(
                    event_type="attendance.month_finalised",
                    actor=None,
                    school_id=school.pk,
                    target=school_class,
                    target_repr=f"Lớp {school_class.name} tháng {first:%m/%Y}",
                    before={"pending": len(unexcused)},
                    after=counts,
                )
                _publish(school.pk, class_id, [m.date for m in rows])
                done.append({"school": school.pk, **counts})
    return done


# --- change requests after the window -----------------------------------------------------------


def _mark_state(mark: AttendanceMark | None) -> dict:
    if mark is None:
        return {"status": "present", "excuse": ""}
    return {"status": mark.status, "excuse": mark.excuse}


def _staff_users(school_id: int, position: str):
    from hoso.organisation.models import Staff

    return [
        s.user
        for s in Staff.objects.filter(
            school_id=school_id, is_active=True, position=position, user__isnull=False
        ).select_related("user")
    ]


def _notify(users, *, school, kind: str, text: str, key: str, url: str) -> None:
    from hoso.notifications.actions import notify

    for user in users:
        notify(
            user=user,
            school=school,
            kind=kind,
            text=text,
            dedupe_key=key,
            url=url,
            email_subject="Điểm danh",
        )


def change_request_ask(
    *,
    actor: Actor,
    school_class: SchoolClass,
    student_id: int,
    day: date,
    session: str,
    status: str,
    excuse: str,
    reason: str,
    period: int = 0,
):
    """The homeroom teacher asks to change a mark of a closed month."""
    from django.urls import reverse

    from hoso.attendance.models import AttendanceChangeRequest

    if not policies.can_confirm_month(actor, school_class):
        raise PermissionDenied(f"Không được đề nghị sửa điểm danh lớp {school_class.name}.")
    settings = selectors.settings_for(school_class.year.school_id)
    if selectors.month_state(settings, day, clock.today()) != "closed":
        raise DomainError(
            AttendanceError.MONTH_OPEN,
            f"Tháng {day:%m/%Y} chưa chốt: hãy sửa trực tiếp trên trang điểm danh, không cần "
            "đề nghị.",
        )
    if session not in Session.values:
        raise DomainError(AttendanceError.BAD_SESSION, "Buổi học không hợp lệ (sáng hoặc chiều).")
    if status not in ROLL_STATUSES:
        raise DomainError(AttendanceError.BAD_STATUS, f"Trạng thái “{status}” không hợp lệ.")
    if excuse not in (Excuse.EXCUSED, Excuse.UNEXCUSED, Excuse.PENDING) or (
        status == Status.ABSENT and not excuse
    ):
        raise DomainError(AttendanceError.BAD_EXCUSE, "Vắng thì phải chọn có phép hoặc không phép.")
    if status != Status.ABSENT:
        excuse = ""
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError(AttendanceError.REASON_REQUIRED, "Hãy ghi lý do đề nghị sửa.")
    if student_id not in enrolled_on(school_class, day):
        raise DomainError(
            AttendanceError.NOT_IN_CLASS,
            f"Học sinh không học lớp {school_class.name} ngày {day:%d/%m/%Y}.",
        )
    if day not in selectors.school_days(school_class, day, day):
        raise DomainError(
            AttendanceError.NOT_SCHOOL_DAY, f"Ngày {day:%d/%m/%Y} không phải ngày học."
        )
    mark = AttendanceMark.objects.filter(
        student_id=student_id, date=day, session=session, period=period
    ).first()
    before = _mark_state(mark)
    after = {"status": status, "excuse": excuse}
    if before == after:
        raise DomainError(AttendanceError.NO_CHANGE, "Đề nghị không thay đổi gì so với hiện tại.")
    with transaction.atomic():
        req = AttendanceChangeRequest.objects.create(
            school_id=school_class.year.school_id,
            student_id=student_id,
            school_class=school_class,
            date=day,
            session=session,
            period=period,
            before=before,
            after=after,
            reason=reason[:500],
            asked_by=actor.user,
            asked_at=clock.now(),
        )
        audit_record(
            event_type="attendance.change_asked",
            actor=actor.user,
            school_id=req.school_id,
            target=req,
            target_repr=f"Đề nghị #{req.pk} — lớp {school_class.name} ngày {day:%d/%m/%Y}",
            before=before,
            after={**after, "reason": req.reason},
        )
        _notify(
            _staff_users(req.school_id, "principal"),
            school=school_class.year.school,
            kind="attendance_change",
            text=f"Đề nghị sửa điểm danh lớp {school_class.name} ngày {day:%d/%m/%Y} chờ duyệt.",
            key=f"attendance-change:{req.pk}:asked",
            url=reverse("attendance:requests"),
        )
    return req


def _locked_request(request_id: int):
    from hoso.attendance.models import AttendanceChangeRequest

    return (
        AttendanceChangeRequest.objects.select_for_update()
        .select_related("school_class__year__school", "student")
        .get(pk=request_id)
    )


def change_request_decide(*, actor: Actor, change_request, approve: bool, note: str = ""):
    """The principal approves or refuses (with a note); never its own request."""
    from django.urls import reverse

    from hoso.attendance.models import AttendanceChangeRequest

    if not policies.can_decide_change(actor) or change_request.school_id != actor.school_id:
        raise PermissionDenied("Chỉ hiệu trưởng duyệt đề nghị sửa điểm danh.")
    note = nfc(note or "").strip()[:300]
    if not approve and not note:
        raise DomainError(AttendanceError.REASON_REQUIRED, "Không đồng ý thì hãy ghi lý do.")
    with transaction.atomic():
        req = _locked_request(change_request.pk)
        if req.state != AttendanceChangeRequest.State.ASKED:
            raise DomainError(AttendanceError.REQUEST_STATE, "Đề nghị này đã được xử lý.")
        if req.asked_by_id == actor.user.pk:
            raise DomainError(
                AttendanceError.OWN_REQUEST, "Không tự duyệt đề nghị do chính mình gửi."
            )
        req.state = (
            AttendanceChangeRequest.State.APPROVED
            if approve
            else AttendanceChangeRequest.State.REFUSED
        )
        req.decided_by, req.decided_at, req.decision_note = actor.user, clock.now(), note
        req.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_record(
            event_type="attendance.change_decided",
            actor=actor.user,
            school_id=req.school_id,
            target=req,
            target_repr=f"Đề nghị #{req.pk} — lớp {req.school_class.name}",
            before={"state": AttendanceChangeRequest.State.ASKED},
            after={"state": req.state, "note": note},
        )
        school = req.school_class.year.school
        url = reverse("attendance:requests")
        if approve:
            _notify(
                _staff_users(req.school_id, "administrator"),
                school=school,
                kind="attendance_change",
                text=f"Đề nghị sửa điểm danh #{req.pk} (lớp {req.school_class.name}) đã được "
                "hiệu trưởng đồng ý: cần cập nhật.",
                key=f"attendance-change:{req.pk}:approved",
                url=url,
            )
        _notify(
            [req.asked_by],
            school=school,
            kind="attendance_change",
            text=f"Đề nghị sửa điểm danh #{req.pk}: {in_sentence(req.get_state_display())}.",
            key=f"attendance-change:{req.pk}:decided",
            url=url,
        )
    return req


def change_request_apply(*, actor: Actor, change_request):
    """The administrator applies an approved request: the mark changes (source "request"),
    audited with the request's id; never a request it asked or approved itself."""
    from hoso.attendance.models import AttendanceChangeRequest

    if not policies.can_apply_change(actor) or change_request.school_id != actor.school_id:
        raise PermissionDenied("Chỉ quản trị viên cập nhật đề nghị đã duyệt.")
    now = clock.now()
    with transaction.atomic():
        req = _locked_request(change_request.pk)
        if req.state != AttendanceChangeRequest.State.APPROVED:
            raise DomainError(
                AttendanceError.REQUEST_STATE, "Chỉ cập nhật đề nghị đã được hiệu trưởng đồng ý."
            )
        if actor.user.pk in (req.asked_by_id, req.decided_by_id):
            raise DomainError(
                AttendanceError.OWN_REQUEST,
                "Người gửi hoặc người duyệt đề nghị không tự cập nhật đề nghị đó.",
            )
        mark = (
            AttendanceMark.objects.select_for_update()
            .filter(student=req.student, date=req.date, session=req.session, period=req.period)
            .first()
        )
        before = _mark_state(mark)
        status, excuse = req.after["status"], req.after.get("excuse", "")
        if status == "present":
            if mark is not None:
                mark.delete()
        else:
            if mark is None:
                mark = AttendanceMark(
                    school_id=req.school_id,
                    student=req.student,
                    school_class=req.school_class,
                    date=req.date,
                    session=req.session,
                    period=req.period,
                )
            mark.status, mark.excuse, mark.source = status, excuse, "request"
            mark.confirmed_at = now if status == Status.ABSENT else None
            mark.confirmed_by = actor.user if status == Status.ABSENT else None
            mark.note = f"Theo đề nghị #{req.pk}"
            mark.marked_by, mark.marked_at = actor.user, now
            mark.save()
        req.state, req.applied_by, req.applied_at = (
            AttendanceChangeRequest.State.APPLIED,
            actor.user,
            now,
        )
        req.save(update_fields=["state", "applied_by", "applied_at"])
        audit_record(
            event_type="attendance.change_applied",
            actor=actor.user,
            school_id=req.school_id,
            target=req,
            target_repr=f"Đề nghị #{req.pk} — {req.student.full_name} ngày {req.date:%d/%m/%Y}",
            before={"request": req.pk, **before},
            after={"request": req.pk, **req.after},
        )
        _publish(req.school_id, req.school_class_id, [req.date])
    return req


# --- parents' leave requests ------------------------------------------------------------------


def current_class(student_id: int, day: date) -> SchoolClass | None:
    """The class the student is in on ``day``."""
    e = (
        Enrolment.objects.filter(student_id=student_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .select_related("school_class__year", "school_class__grade")
        .order_by("-start_date")
        .first()
    )
    return e.school_class if e else None


def leave_request_file(
    *, actor: Actor, student_id: int, start: date, end: date, sessions: list[str], reason: str
):
    """A parent asks leave for its own child: every school day and session of the request
    becomes an absence "excused, to confirm" (source "leave"); the homeroom teacher decides."""
    from django.urls import reverse

    from hoso.attendance.models import LeaveRequest
    from hoso.organisation.assignments.selectors import homeroom_teacher_of

    if student_id not in actor.child_ids:
        from hoso.accounts.policies import not_found

        raise not_found(actor, f"học sinh #{student_id}")
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError(AttendanceError.REASON_REQUIRED, "Hãy ghi lý do xin nghỉ.")
    if len(reason) > 500:
        raise DomainError(AttendanceError.REASON_REQUIRED, "Lý do dài quá 500 ký tự: hãy rút gọn.")
    if end < start:
        raise DomainError(AttendanceError.BAD_DATES, "Ngày kết thúc phải sau ngày bắt đầu.")
    if (end - start).days > 31:
        raise DomainError(AttendanceError.BAD_DATES, "Mỗi đơn xin nghỉ tối đa 31 ngày.")
    school_class = current_class(student_id, start)
    if school_class is None or school_class.year.school_id != actor.school_id:
        raise DomainError(AttendanceError.NOT_IN_CLASS, "Học sinh không học lớp nào vào ngày này.")
    settings = selectors.settings_for(actor.school_id)
    class_sessions = selectors.sessions_of(school_class, settings)
    sessions = [s for s in class_sessions if s in (sessions or [])]
    if not sessions:
        raise DomainError(AttendanceError.BAD_SESSION, "Hãy chọn buổi xin nghỉ.")
    days = selectors.school_days(school_class, start, end)
    for day in days:
        check_month_open(settings, day)
    members_days = [d for d in days if student_id in enrolled_on(school_class, d)]
    if not members_days:
        raise DomainError(
            AttendanceError.NO_SCHOOL_DAYS, "Không có ngày học nào trong khoảng ngày đã chọn."
        )
    now = clock.now()
    with transaction.atomic():
        req = LeaveRequest.objects.create(
            school_id=actor.school_id,
            student_id=student_id,
            start_date=start,
            end_date=end,
            sessions=sessions,
            reason=reason,
            requested_by=actor.user,
            requested_at=now,
        )
        existing = {
            (m.date, m.session): m
            for m in AttendanceMark.objects.select_for_update().filter(
                student_id=student_id, date__in=members_days, session__in=sessions, period=0
            )
        }
        created, updated = [], []
        for day in members_days:
            for session in sessions:
                m = existing.get((day, session))
                if m is None:
                    created.append(
                        AttendanceMark(
                            school_id=actor.school_id,
                            student_id=student_id,
                            school_class=school_class,
                            date=day,
                            session=session,
                            status=Status.ABSENT,
                            excuse=Excuse.EXCUSED,
                            source="leave",
                            note=f"Phụ huynh xin phép (đơn #{req.pk})",
                            marked_by=actor.user,
                            marked_at=now,
                        )
                    )
                elif m.confirmed_at is None:
                    m.status, m.excuse, m.source = Status.ABSENT, Excuse.EXCUSED, "leave"
                    m.note = f"Phụ huynh xin phép (đơn #{req.pk})"
                    updated.append(m)
        AttendanceMark.objects.bulk_create(created)
        AttendanceMark.objects.bulk_update(updated, ["status", "excuse", "source", "note"])
        audit_record(
            event_type="attendance.leave_requested",
            actor=actor.user,
            school_id=actor.school_id,
            target=req,
            target_repr=f"Đơn xin phép #{req.pk}",
            after={
                "student": student_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "sessions": sessions,
                "days": [d.isoformat() for d in members_days],
                "reason": reason,
            },
        )
        _publish(actor.school_id, school_class.pk, members_days)
        teacher = homeroom_teacher_of(school_class)
        if teacher is not None and teacher.user_id:
            _notify(
                [teacher.user],
                school=actor.school,
                kind="attendance_leave",
                text=f"Phụ huynh xin phép nghỉ học cho {req.student.full_name} "
                f"({start:%d/%m}–{end:%d/%m}).",
                key=f"attendance-leave:{req.pk}",
                url=reverse("attendance:leave_list"),
            )
    return req


def leave_marks(req) -> AttendanceMark:
    """The marks a leave request made (or turned excused)."""
    return AttendanceMark.objects.filter(
        student_id=req.student_id,
        date__gte=req.start_date,
        date__lte=req.end_date,
        session__in=req.sessions,
        period=0,
        source="leave",
    )


def leave_request_decide(*, actor: Actor, leave_request, accept: bool, note: str = ""):
    """The homeroom teacher confirms (the absences are excused, confirmed) or refuses (their
    excuse goes back to pending, with the note)."""
    from django.urls import reverse

    from hoso.attendance.models import LeaveRequest

    school_class = current_class(leave_request.student_id, leave_request.start_date)
    if school_class is None or not policies.can_confirm_month(actor, school_class):
        raise PermissionDenied("Chỉ giáo viên chủ nhiệm xác nhận đơn xin phép.")
    note = nfc(note or "").strip()[:300]
    if not accept and not note:
        raise DomainError(AttendanceError.REASON_REQUIRED, "Không chấp nhận thì hãy ghi lý do.")
    # A month already closed was settled by the finalising job: a change needs a request.
    check_month_open(selectors.settings_for(leave_request.school_id), leave_request.end_date)
    now = clock.now()
    with transaction.atomic():
        req = LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
        if req.state != LeaveRequest.State.SENT:
            raise DomainError(AttendanceError.REQUEST_STATE, "Đơn này đã được xử lý.")
        marks = list(leave_marks(req).select_for_update().filter(confirmed_at__isnull=True))
        for m in marks:
            if accept:
                m.confirmed_at, m.confirmed_by = now, actor.user
            else:
                m.excuse = Excuse.PENDING
                m.note = f"Đơn xin phép #{req.pk} không được chấp nhận: {note}"[:300]
        AttendanceMark.objects.bulk_update(
            marks, ["excuse", "confirmed_at", "confirmed_by", "note"]
        )
        req.state = LeaveRequest.State.ACCEPTED if accept else LeaveRequest.State.REFUSED
        req.decided_by, req.decided_at, req.decision_note = actor.user, now, note
        req.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_record(
            event_type="attendance.leave_decided",
            actor=actor.user,
            school_id=req.school_id,
            target=req,
            target_repr=f"Đơn xin phép #{req.pk}",
            before={"state": LeaveRequest.State.SENT},
            after={"state": req.state, "note": note, "marks": len(marks)},
        )
        _publish(req.school_id, school_class.pk, [m.date for m in marks])
        _notify(
            [req.requested_by],
            school=actor.school,
            kind="attendance_leave",
            text=f"Đơn xin phép #{req.pk}: {in_sentence(req.get_state_display())}.",
            key=f"attendance-leave:{req.pk}:decided",
            url=reverse("attendance:leave_list"),
        )
    return req


def leave_request_withdraw(*, actor: Actor, leave_request):
    """The parent withdraws a request not yet decided: the absences it made go (those on a
    taken roll stay absences, to confirm)."""
    from hoso.attendance.models import LeaveRequest

    if leave_request.student_id not in actor.child_ids:
        raise PermissionDenied("Chỉ phụ huynh của học sinh rút được đơn.")
    with transaction.atomic():
        req = LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
        if req.state != LeaveRequest.State.SENT:
            raise DomainError(AttendanceError.REQUEST_STATE, "Đơn đã được xử lý: không rút được.")
        marks = list(leave_marks(req).select_for_update().filter(confirmed_at__isnull=True))
        taken = set(
            AttendanceRoll.objects.filter(
                school_class_id__in={m.school_class_id for m in marks},
                date__in={m.date for m in marks},
                period=0,
            ).values_list("school_class_id", "date", "session")
        )
        keep = [m for m in marks if (m.school_class_id, m.date, m.session) in taken]
        for m in keep:
            m.excuse, m.source = Excuse.PENDING, "roll"
        AttendanceMark.objects.bulk_update(keep, ["excuse", "source"])
        AttendanceMark.objects.filter(pk__in=[m.pk for m in marks if m not in keep]).delete()
        req.state = LeaveRequest.State.WITHDRAWN
        req.save(update_fields=["state"])
        audit_record(
            event_type="attendance.leave_withdrawn",
            actor=actor.user,
            school_id=req.school_id,
            target=req,
            target_repr=f"Đơn xin phép #{req.pk}",
            before={"state": LeaveRequest.State.SENT},
            after={"state": req.state, "removed": len(marks) - len(keep), "kept": len(keep)},
        )
        for class_id in {m.school_class_id for m in marks}:
            _publish(
                req.school_id, class_id, [m.date for m in marks if m.school_class_id == class_id]
            )
    return req


# --- settings ---------------------------------------------------------------------------------

SETTING_FIELDS = (
    "confirm_from",
    "confirm_until",
    "main_session",
    "counted_sessions",
    "warn_from",
    "weekdays",
    "period_rolls",
    "source",
)


def settings_update(*, actor: Actor, values: dict):
    """The principal or the administrator changes the school's attendance settings."""
    from hoso.attendance.models import AttendanceSettings

    if not policies.can_manage_settings(actor):
        raise PermissionDenied("Chỉ hiệu trưởng hoặc quản trị viên sửa thiết lập điểm danh.")
    frm, until = values["confirm_from"], values["confirm_until"]
    if not (1 <= frm <= until <= 28):
        raise DomainError(
            AttendanceError.BAD_SETTINGS,
            "Thời hạn xác nhận: từ ngày 1 đến ngày 28 của tháng sau, ngày bắt đầu không sau "
            "ngày kết thúc.",
            field="confirm_until",
        )
    if not values["weekdays"]:
        raise DomainError(
            AttendanceError.BAD_SETTINGS,
            "Hãy chọn ít nhất một ngày học trong tuần.",
            field="weekdays",
        )
    with transaction.atomic():
        current, _ = AttendanceSettings.objects.select_for_update().get_or_create(
            school_id=actor.school_id,
            defaults={"weekdays": list(AttendanceSettings.DEFAULT_WEEKDAYS)},
        )
        before = {f: getattr(current, f) for f in SETTING_FIELDS}
        before["weekdays"] = list(current.school_weekdays())
        for f in SETTING_FIELDS:
            setattr(current, f, values[f])
        current.weekdays = sorted(set(values["weekdays"]))
        current.full_clean()
        current.save()
        after = {f: getattr(current, f) for f in SETTING_FIELDS}
        if before != after:
            audit_record(
                event_type="attendance.settings_changed",
                actor=actor.user,
                school_id=actor.school_id,
                target=current,
                target_repr="Thiết lập điểm danh",
                before=before,
                after=after,
            )
    return current
