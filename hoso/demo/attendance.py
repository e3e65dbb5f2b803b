"""Demo data of attendance (điểm danh), called by hoso.demo.actions.demo_seed.

For every class of the current year with a homeroom teacher: the rolls of the last school days
before the reference day ``today`` (about a month, never before the year starts), every session
the class has, taken by its homeroom teacher; a realistic handful of absences (about one student
in a hundred per session), a few late arrivals and early departures. Absences of a month whose
window has closed are confirmed (P by the teacher, K by the finalising job); in an open month
some are confirmed P and the rest wait. The well-known parent has one leave request for its
child waiting for the homeroom teacher. Written in bulk (one ``demo.seeded`` event per school).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from hoso.attendance import selectors
from hoso.attendance.models import (
    AttendanceMark,
    AttendanceRoll,
    Excuse,
    LeaveRequest,
    Status,
)
from hoso.core import clock
from hoso.organisation.models import HomeroomAssignment, SchoolClass
from hoso.students.models import Enrolment, StudentGuardian

DAYS = 22  # school days of rolls before the reference day
REASONS = ("Ốm, sốt", "Đi khám bệnh", "Việc gia đình", "Về quê dự đám cưới", "Đau bụng")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.VN_TZ)


def seed_demo(school, year, *, today: date) -> None:
    if AttendanceRoll.objects.filter(school=school).exists():
        return  # already seeded
    settings = selectors.settings_for(school.pk)
    rng = random.Random(f"attendance-{school.code}")
    homerooms = {
        h.school_class_id: h.teacher.user
        for h in HomeroomAssignment.objects.filter(
            school_class__year=year, teacher__user__isnull=False
        ).select_related("teacher__user")
    }
    classes = SchoolClass.objects.filter(year=year, pk__in=list(homerooms)).select_related("year")
    rolls: list[AttendanceRoll] = []
    marks: list[AttendanceMark] = []
    for school_class in classes.order_by("grade__number", "name"):
        teacher = homerooms[school_class.pk]
        days = selectors.school_days(school_class, today - timedelta(days=45), today)
        days = [d for d in days if d < today][-DAYS:]
        sessions = selectors.sessions_of(school_class, settings)
        enrolments = list(
            Enrolment.objects.filter(school_class=school_class).values_list(
                "student_id", "start_date", "end_date"
            )
        )
        for day in days:
            members = sorted(
                sid for sid, start, end in enrolments if start <= day and (end is None or end > day)
            )
            if not members:
                continue
            for session in sessions:
                taken_at = _at(day, 7 if session == "morning" else 13, rng.randint(5, 40))
                rolls.append(
                    AttendanceRoll(
                        school=school,
                        school_class=school_class,
                        date=day,
                        session=session,
                        taken_by=teacher,
                        taken_at=taken_at,
                        updated_at=taken_at,
                    )
                )
                for sid in members:
                    roll = rng.random()
                    if roll < 0.010:
                        status = Status.ABSENT
                    elif roll < 0.016:
                        status = Status.LATE
                    elif roll < 0.019:
                        status = Status.LEFT_EARLY
                    else:
                        continue
                    mark = AttendanceMark(
                        school=school,
                        student_id=sid,
                        school_class=school_class,
                        date=day,
                        session=session,
                        status=status,
                        marked_by=teacher,
                        marked_at=taken_at,
                    )
                    if status == Status.ABSENT:
                        _excuse(mark, rng, settings, today, teacher)
                    marks.append(mark)
    AttendanceRoll.objects.bulk_create(rolls, batch_size=1000)
    AttendanceMark.objects.bulk_create(marks, batch_size=1000)
    leave = _leave_request(school, year, settings, today, rng)
    from hoso.audit.actions import audit_record

    audit_record(
        event_type="demo.seeded",
        school_id=school.pk,
        target=school,
        target_repr=f"Điểm danh mẫu — {school.name}",
        after={
            "module": "attendance",
            "rolls": len(rolls),
            "marks": len(marks),
            "leave_request": leave.pk if leave else None,
        },
    )
    if rolls:
        _results_follow(year)


def _results_follow(year) -> None:
    """The rolls were written in bulk (no AttendanceChanged): the grade book's term totals of
    absences follow now, as its background task would after a roll, and the results with them."""
    from hoso.gradebook.results.absences import sync_absences
    from hoso.gradebook.results.compute import recompute_school

    summary = sync_absences(
        year, SchoolClass.objects.filter(year=year).values_list("pk", flat=True)
    )
    if summary.changed:
        recompute_school(year, trigger="demo")


def _excuse(mark: AttendanceMark, rng: random.Random, settings, today: date, teacher) -> None:
    state = selectors.month_state(settings, mark.date, today)
    first = selectors.month_start(mark.date)
    if state == "closed":
        if rng.random() < 0.7:
            mark.excuse = Excuse.EXCUSED
            confirmed = min(_at(mark.date, 17), _at(today, 7))
            mark.confirmed_at, mark.confirmed_by = confirmed, teacher
            mark.note = rng.choice(REASONS)
        else:  # left unconfirmed: the finalising job made it unexcused the day after the window
            mark.excuse = Excuse.UNEXCUSED
            mark.confirmed_at = _at(selectors.window_closes(settings, first) + timedelta(1), 0, 20)
    elif rng.random() < 0.5:
        mark.excuse = Excuse.EXCUSED
        mark.confirmed_at, mark.confirmed_by = _at(mark.date, 17), teacher
        mark.note = rng.choice(REASONS)


def _leave_request(school, year, settings, today: date, rng: random.Random):
    """The well-known parent asked leave for its child on the reference day (or the last school
    day before it), not yet decided."""
    from hoso.demo.gradebook import login_user

    parent = login_user(school, "phuhuynh")
    link = (
        StudentGuardian.objects.filter(guardian__user=parent, guardian__school=school)
        .select_related("student")
        .first()
        if parent
        else None
    )
    if link is None:
        return None
    enrolment = (
        Enrolment.objects.filter(student=link.student, school_class__year=year, end_date=None)
        .select_related("school_class__year")
        .first()
    )
    if enrolment is None:
        return None
    school_class = enrolment.school_class
    days = selectors.school_days(school_class, today - timedelta(days=14), today)
    if not days or selectors.month_state(settings, days[-1], today) != "open":
        return None
    day = days[-1]
    asked_at = min(_at(day, 6, 30), clock.now_on(today))
    session = selectors.sessions_of(school_class, settings)[0]
    request = LeaveRequest.objects.create(
        school=school,
        student=link.student,
        start_date=day,
        end_date=day,
        sessions=[session],
        reason="Cháu bị sốt, gia đình xin cho cháu nghỉ học để đi khám.",
        requested_by=parent,
        requested_at=asked_at,
    )
    AttendanceMark.objects.update_or_create(
        student=link.student,
        date=day,
        session=session,
        period=0,
        defaults={
            "school": school,
            "school_class": school_class,
            "status": Status.ABSENT,
            "excuse": Excuse.EXCUSED,
            "confirmed_at": None,
            "confirmed_by": None,
            "source": "leave",
            "note": f"Phụ huynh xin phép (đơn #{request.pk})",
            "marked_by": parent,
            "marked_at": asked_at,
        },
    )
    return request
