"""Attendance over JSON (điểm danh), the same actions and scopes as the pages:

* ``GET /attendance/classes/{id}/roll?date=&session=&period=`` — a roll: every student of the
  class that day with its status;
* ``PUT /attendance/classes/{id}/roll`` — take (or retake) it: the students not listed are
  present (``actions.take_roll``, audited);
* ``GET /attendance/classes/{id}/months/{YYYY-MM}`` — the month's grid of letters (P, K, ?, M, S)
  and totals;
* ``POST /attendance/leave-requests`` — a parent asks leave for its own child.

Out of scope → 404, out of role → 403."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hoso.api.auth import api_actor
from hoso.api.schemas import ERRORS, WRITE_ERRORS
from hoso.attendance import actions, policies, selectors
from hoso.attendance.models import AttendanceRoll
from hoso.core import clock
from hoso.organisation.models import SubjectOffering


class RollStudentOut(Schema):
    id: int
    name: str
    status: str = Field(description="present | absent | late | left_early")
    excuse: str = Field(description="'' (chưa xác nhận) | excused (P) | unexcused (K)")
    left: bool = Field(description="Đã rời lớp trước ngày này: không điểm danh.")
    leave_pending: bool = Field(description="Phụ huynh xin phép, chưa xác nhận.")
    info: str


class RollOut(Schema):
    class_id: int
    date: date
    session: str
    period: int
    taken_by: str | None
    taken_at: datetime | None
    students: list[RollStudentOut]


class RollIn(Schema):
    date: date
    session: str = Field(description="morning | afternoon")
    period: int = Field(0, ge=0, le=10, description="0: cả buổi; 1–10: một tiết")
    offering_id: int | None = Field(None, description="Môn của tiết (khi period > 0).")
    marks: dict[int, str] = Field(
        default_factory=dict,
        description="Mã học sinh → absent | late | left_early | present; ai không có là có mặt.",
    )


class MonthColumnOut(Schema):
    date: date
    session: str


class MonthStudentOut(Schema):
    id: int
    name: str
    cells: list[str]
    excused: int
    unexcused: int
    pending: int
    late: int
    left_early: int


class MonthOut(Schema):
    class_id: int
    month: str
    state: str = Field(description="open | waiting | closed | future")
    window_closes: date
    columns: list[MonthColumnOut]
    students: list[MonthStudentOut]


class LeaveIn(Schema):
    student_id: int
    start: date
    end: date
    sessions: list[str]
    reason: str = Field(max_length=500)


class LeaveOut(Schema):
    id: int
    student_id: int
    start: date
    end: date
    sessions: list[str]
    state: str
    state_label: str


def _roll_out(school_class, day: date, session: str, period: int) -> dict:
    taken = (
        AttendanceRoll.objects.filter(
            school_class=school_class, date=day, session=session, period=period
        )
        .select_related("taken_by")
        .first()
    )
    rows = selectors.roll_rows(school_class, day, session, period)
    return {
        "class_id": school_class.pk,
        "date": day,
        "session": session,
        "period": period,
        "taken_by": taken.taken_by.get_full_name() if taken else None,
        "taken_at": taken.updated_at if taken else None,
        "students": [
            {
                "id": r.student.pk,
                "name": r.student.full_name,
                "status": r.status,
                "excuse": r.mark.excuse if r.mark else "",
                "left": r.left,
                "leave_pending": r.leave_pending,
                "info": r.info,
            }
            for r in rows
        ],
    }


def build_router() -> Router:
    router = Router(tags=["attendance"])

    @router.get(
        "/classes/{class_id}/roll", response={200: RollOut, **ERRORS}, summary="Điểm danh một buổi"
    )
    def roll_get(
        request: HttpRequest,
        class_id: int,
        day: date | None = Query(None, alias="date", description="Mặc định: hôm nay."),  # noqa: B008
        session: str = Query("morning", description="morning | afternoon"),
        period: int = Query(0, ge=0, le=10),
    ):
        actor = api_actor(request)
        school_class = policies.access_class(actor, class_id)
        return _roll_out(school_class, day or clock.today(), session, period)

    @router.put(
        "/classes/{class_id}/roll",
        response={200: RollOut, **WRITE_ERRORS},
        summary="Lưu điểm danh một buổi (cả lớp)",
    )
    def roll_put(request: HttpRequest, class_id: int, payload: RollIn):
        """The whole roll in one request: students not in ``marks`` are present. The homeroom
        teacher (or a leader) for a session, a subject teacher for its own periods."""
        actor = api_actor(request)
        school_class = policies.access_class(actor, class_id)
        offering = None
        if payload.period:
            offering = SubjectOffering.objects.filter(
                pk=payload.offering_id or 0, grade_id=school_class.grade_id
            ).first()
        actions.take_roll(
            actor=actor,
            school_class=school_class,
            day=payload.date,
            session=payload.session,
            marks=dict(payload.marks),
            period=payload.period,
            offering=offering,
        )
        return _roll_out(school_class, payload.date, payload.session, payload.period)

    @router.get(
        "/classes/{class_id}/months/{month}",
        response={200: MonthOut, **WRITE_ERRORS},  # 400: a month that is not YYYY-MM
        summary="Bảng điểm danh tháng của lớp",
    )
    def month_get(request: HttpRequest, class_id: int, month: str):
        actor = api_actor(request)
        school_class = policies.access_class(actor, class_id)
        first = selectors.parse_month(month)
        settings = selectors.settings_for(school_class.year.school_id)
        columns, rows = selectors.month_grid(school_class, first, settings)
        return {
            "class_id": school_class.pk,
            "month": f"{first:%Y-%m}",
            "state": selectors.month_state(settings, first, clock.today()),
            "window_closes": selectors.window_closes(settings, first),
            "columns": [{"date": d, "session": s} for d, s in columns],
            "students": [
                {
                    "id": r.student.pk,
                    "name": r.student.full_name,
                    "cells": r.cells,
                    "excused": r.totals.excused,
                    "unexcused": r.totals.unexcused,
                    "pending": r.totals.pending,
                    "late": r.totals.late,
                    "left_early": r.totals.left_early,
                }
                for r in rows
            ],
        }

    @router.post(
        "/leave-requests",
        response={201: LeaveOut, **WRITE_ERRORS},
        summary="Phụ huynh xin phép nghỉ học cho con",
    )
    def leave_post(request: HttpRequest, payload: LeaveIn):
        actor = api_actor(request)
        req = actions.leave_request_file(
            actor=actor,
            student_id=payload.student_id,
            start=payload.start,
            end=payload.end,
            sessions=payload.sessions,
            reason=payload.reason,
        )
        return Status(
            201,
            {
                "id": req.pk,
                "student_id": req.student_id,
                "start": req.start_date,
                "end": req.end_date,
                "sessions": req.sessions,
                "state": req.state,
                "state_label": req.get_state_display(),
            },
        )

    return router
