"""Change requests after the window, and parents' leave requests."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hoso.attendance import actions
from hoso.attendance.models import (
    AttendanceChangeRequest,
    AttendanceMark,
    LeaveRequest,
)
from hoso.audit.models import AuditEvent
from hoso.core.clock import VN_TZ
from hoso.core.errors import DomainError
from hoso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _october_absence(w):
    with time_machine.travel(datetime(2026, 10, 15, 9, tzinfo=VN_TZ), tick=False):
        actions.take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=date(2026, 10, 14),
            session="morning",
            marks={w.student_a.id: "absent"},
        )
    actions.finalise_months()
    return AttendanceMark.objects.get(student=w.student_a)


def _ask(w, who="homeroom", **kw):
    args = {
        "school_class": w.class_a,
        "student_id": w.student_a.id,
        "day": date(2026, 10, 14),
        "session": "morning",
        "status": "absent",
        "excuse": "excused",
        "reason": "Phụ huynh nộp giấy khám bệnh muộn",
    }
    args.update(kw)
    return actions.change_request_ask(actor=w.actor(who), **args)


def test_asked_approved_applied(world):
    w = world
    mark = _october_absence(w)
    assert mark.letter == "K"
    req = _ask(w)
    assert req.before == {"status": "absent", "excuse": "unexcused"}
    assert Notification.objects.filter(user=w.users["principal"], kind="attendance_change").exists()
    with pytest.raises(DomainError):
        actions.change_request_apply(actor=w.actor("admin"), change_request=req)  # not approved
    actions.change_request_decide(actor=w.actor("principal"), change_request=req, approve=True)
    assert Notification.objects.filter(user=w.users["admin"], kind="attendance_change").exists()
    with pytest.raises(PermissionDenied):
        actions.change_request_apply(actor=w.actor("principal"), change_request=req)
    req = actions.change_request_apply(actor=w.actor("admin"), change_request=req)
    assert req.state == AttendanceChangeRequest.State.APPLIED
    mark.refresh_from_db()
    assert (mark.letter, mark.source, mark.confirmed_by) == ("P", "request", w.users["admin"])
    applied = AuditEvent.objects.get(event_type="attendance.change_applied")
    assert applied.before["request"] == req.pk and applied.after["excuse"] == "excused"
    assert applied.before["excuse"] == "unexcused"


def test_apply_before_approval_is_refused(world):
    w = world
    _october_absence(w)
    req = _ask(w)
    with pytest.raises(DomainError) as exc:
        actions.change_request_apply(actor=w.actor("admin"), change_request=req)
    assert exc.value.code == "attendance_request_state"


def test_refused_with_a_note_and_kept(world):
    w = world
    mark = _october_absence(w)
    req = _ask(w)
    with pytest.raises(DomainError):
        actions.change_request_decide(
            actor=w.actor("principal"), change_request=req, approve=False, note=""
        )
    actions.change_request_decide(
        actor=w.actor("principal"), change_request=req, approve=False, note="Không có giấy tờ"
    )
    req.refresh_from_db()
    assert req.state == "refused" and req.decision_note == "Không có giấy tờ"
    with pytest.raises(DomainError):
        actions.change_request_apply(actor=w.actor("admin"), change_request=req)
    mark.refresh_from_db()
    assert mark.letter == "K"
    assert list(
        AuditEvent.objects.filter(event_type__startswith="attendance.change").values_list(
            "event_type", flat=True
        )
    ) == ["attendance.change_asked", "attendance.change_decided"]


def test_no_self_approval_and_no_request_while_open(world):
    w = world
    _october_absence(w)
    req = _ask(w, who="principal")
    with pytest.raises(DomainError) as exc:
        actions.change_request_decide(actor=w.actor("principal"), change_request=req, approve=True)
    assert exc.value.code == "attendance_own_request"
    with pytest.raises(DomainError) as exc:
        _ask(w, day=date(2026, 11, 19))
    assert exc.value.code == "attendance_month_open"
    with pytest.raises(DomainError) as exc:
        _ask(w, excuse="unexcused")
    assert exc.value.code == "attendance_no_change"
    with pytest.raises(PermissionDenied):
        _ask(w, who="subject")


def test_a_parent_asks_leave_the_teacher_confirms(world):
    w = world
    # Friday 20 to Monday 23 November: two school days, the weekend skipped.
    req = actions.leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.id,
        start=date(2026, 11, 20),
        end=date(2026, 11, 23),
        sessions=["morning"],
        reason="Con bị sốt",
    )
    marks = list(AttendanceMark.objects.filter(student=w.student_a).order_by("date"))
    assert [m.date for m in marks] == [date(2026, 11, 20), date(2026, 11, 23)]
    assert {(m.status, m.excuse, m.source, m.confirmed_at) for m in marks} == {
        ("absent", "excused", "leave", None)
    }
    assert Notification.objects.filter(user=w.users["homeroom"], kind="attendance_leave").exists()
    # The roll of that morning shows it as known.
    from hoso.attendance.selectors import roll_rows

    row = next(r for r in roll_rows(w.class_a, date(2026, 11, 20), "morning", 0) if r.mark)
    assert row.info == "Vắng – xin phép, chờ xác nhận"
    with pytest.raises(PermissionDenied):
        actions.leave_request_decide(actor=w.actor("subject"), leave_request=req, accept=True)
    actions.leave_request_decide(actor=w.actor("homeroom"), leave_request=req, accept=True)
    req.refresh_from_db()
    assert req.state == LeaveRequest.State.ACCEPTED
    assert all(
        m.confirmed_by == w.users["homeroom"]
        for m in AttendanceMark.objects.filter(student=w.student_a)
    )
    assert (
        AuditEvent.objects.filter(
            event_type__in=["attendance.leave_requested", "attendance.leave_decided"]
        ).count()
        == 2
    )
    with pytest.raises(DomainError):
        actions.leave_request_withdraw(actor=w.actor("parent"), leave_request=req)


def test_refused_leave_goes_back_to_pending(world):
    w = world
    req = actions.leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.id,
        start=date(2026, 11, 19),
        end=date(2026, 11, 19),
        sessions=["morning"],
        reason="Việc gia đình",
    )
    actions.leave_request_decide(
        actor=w.actor("homeroom"), leave_request=req, accept=False, note="Không rõ lý do"
    )
    mark = AttendanceMark.objects.get(student=w.student_a)
    assert (mark.excuse, mark.confirmed_at) == ("", None)
    assert "Không rõ lý do" in mark.note


def test_withdraw_removes_what_no_roll_took(world):
    w = world
    req = actions.leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.id,
        start=date(2026, 11, 19),
        end=date(2026, 11, 20),
        sessions=["morning"],
        reason="Về quê",
    )
    actions.take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=date(2026, 11, 19),
        session="morning",
        marks={w.student_a.id: "absent"},
    )
    actions.leave_request_withdraw(actor=w.actor("parent"), leave_request=req)
    marks = list(AttendanceMark.objects.filter(student=w.student_a))
    assert [(m.date, m.excuse, m.source) for m in marks] == [(date(2026, 11, 19), "", "roll")]
    req.refresh_from_db()
    assert req.state == "withdrawn"


def test_a_parent_only_for_its_own_child(world):
    w = world
    with pytest.raises(Http404):
        actions.leave_request_file(
            actor=w.actor("parent"),
            student_id=w.student_b.id,
            start=date(2026, 11, 20),
            end=date(2026, 11, 20),
            sessions=["morning"],
            reason="x",
        )
    with pytest.raises(DomainError) as exc:
        actions.leave_request_file(
            actor=w.actor("parent"),
            student_id=w.student_a.id,
            start=date(2026, 11, 21),
            end=date(2026, 11, 22),
            sessions=["morning"],
            reason="Cuối tuần",
        )
    assert exc.value.code == "attendance_no_school_days"
    assert not LeaveRequest.objects.exists()


def test_a_subject_teacher_takes_only_its_own_periods(world):
    w = world
    from hoso.organisation.models import SubjectOffering

    math = SubjectOffering.objects.get(subject=w.math, grade=w.class_a.grade)
    lit = SubjectOffering.objects.get(subject=w.literature, grade=w.class_a.grade)
    actions.take_roll(
        actor=w.actor("subject"),
        school_class=w.class_a,
        day=date(2026, 11, 19),
        session="morning",
        period=2,
        offering=math,
        marks={w.student_a.id: "late"},
    )
    assert AttendanceMark.objects.get().period == 2
    with pytest.raises(PermissionDenied):
        actions.take_roll(
            actor=w.actor("subject"),
            school_class=w.class_a,
            day=date(2026, 11, 19),
            session="morning",
            period=3,
            offering=lit,
            marks={},
        )
    with pytest.raises(PermissionDenied):
        actions.take_roll(
            actor=w.actor("subject"),
            school_class=w.class_a,
            day=date(2026, 11, 19),
            session="morning",
            marks={},
        )


def test_settings_changed_audited(world):
    w = world
    values = {
        "confirm_from": 1,
        "confirm_until": 7,
        "main_session": "morning",
        "counted_sessions": "main",
        "warn_from": 25,
        "weekdays": [0, 1, 2, 3, 4, 5],
        "period_rolls": False,
        "source": "daily",
    }
    with pytest.raises(PermissionDenied):
        actions.settings_update(actor=w.actor("homeroom"), values=values)
    s = actions.settings_update(actor=w.actor("admin"), values=values)
    assert s.confirm_until == 7 and s.school_weekdays() == (0, 1, 2, 3, 4, 5)
    event = AuditEvent.objects.get(event_type="attendance.settings_changed")
    assert event.before["confirm_until"] == 5 and event.after["confirm_until"] == 7
    with pytest.raises(DomainError) as exc:
        actions.settings_update(
            actor=w.actor("principal"), values={**values, "confirm_from": 9, "confirm_until": 3}
        )
    assert exc.value.code == "attendance_bad_settings"


def test_a_leave_request_of_a_closed_month_is_no_longer_decided(world):
    w = world
    with time_machine.travel(datetime(2026, 10, 20, 7, tzinfo=VN_TZ), tick=False):
        req = actions.leave_request_file(
            actor=w.actor("parent"),
            student_id=w.student_a.id,
            start=date(2026, 10, 20),
            end=date(2026, 10, 20),
            sessions=["morning"],
            reason="Ốm",
        )
    actions.finalise_months()  # today 20/11: October is closed; the leave stays excused
    mark = AttendanceMark.objects.get(student=w.student_a)
    assert mark.letter == "P" and mark.confirmed_at is not None and mark.confirmed_by is None
    with pytest.raises(DomainError) as exc:
        actions.leave_request_decide(
            actor=w.actor("homeroom"), leave_request=req, accept=False, note="Muộn"
        )
    assert exc.value.code == "attendance_month_confirmed"
