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
    WINDOW_NOT_OPEN = "attendance_window_not_open"
    MONTH_OPEN = "attendance_month_open"
    BAD_EXCUSE = "attendance_bad_excuse"
    NO_MARK = "attendance_no_mark"
    REASON_REQUIRED = "attendance_reason_required"
    REQUEST_STATE = "attendance_request_state"
    OWN_REQUEST = "attendance_own_request"
    NO_CHANGE = "attendance_no_change"
    BAD_DATES = "attendance_bad_dates"
    NO_SCHOOL_DAYS = "attendance_no_school_days"
    BAD_SETTINGS = "attendance_bad_settings"
    BAD_MONTH = "attendance_bad_month"
