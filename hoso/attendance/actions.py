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
    Excuse,
    Session,
    Status,
)
from hoso.audit.actions import audit_record
from hoso.core import clock, events
from hoso.core.errors import DomainError
from hoso.core.text import nfc
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


def _check_day(school_class: SchoolClass, day: date, session: str) -> None:
    if session not in Session.values:
        raise DomainError(AttendanceError.BAD_SESSION, "Buổi học không hợp lệ (sáng hoặc chiều).")
    if day > clock.today():
        raise DomainError(
            AttendanceError.FUTURE_DAY,
            f"Chưa đến ngày {day:%d/%m/%Y}: không điểm danh trước được.",
        )
    if day not in selectors.school_days(school_class, day, day):
        raise DomainError(
            AttendanceError.NOT_SCHOOL_DAY,
            f"Ngày {day:%d/%m/%Y} không phải ngày học của lớp {school_class.name} "
            "(ngoài năm học, ngày nghỉ hoặc không phải ngày học trong tuần).",
        )
    settings = selectors.settings_for(school_class.year.school_id)
    if session not in selectors.sessions_of(school_class, settings):
        raise DomainError(
            AttendanceError.BAD_SESSION,
            f"Lớp {school_class.name} không học buổi {Session(session).label.lower()}.",
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
    _check_day(school_class, day, session)
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
