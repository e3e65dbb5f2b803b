"""Error codes of attendance, with their Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum


class AttendanceError(StrEnum):
    NOT_SCHOOL_DAY = "attendance_not_school_day"
    FUTURE_DAY = "attendance_future_day"
    BAD_SESSION = "attendance_bad_session"
    BAD_STATUS = "attendance_bad_status"
    NOT_IN_CLASS = "attendance_not_in_class"
    MONTH_CONFIRMED = "attendance_month_confirmed"
    YEAR_CLOSED = "attendance_year_closed"
