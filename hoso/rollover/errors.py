"""Error codes of the year rollover and of closing/reopening a year, with Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum


class RolloverError(StrEnum):
    YEAR_CLOSED = "rollover_year_closed"
    NO_CLASSES = "rollover_no_classes"
    ALREADY_RUNNING = "rollover_already_running"
    WRONG_STATE = "rollover_wrong_state"
    NOT_READY = "rollover_not_ready"
    BAD_CLASS_NAME = "rollover_bad_class_name"
    TARGET_YEAR = "rollover_target_year"
    CHANGED_SINCE_PREVIEW = "rollover_changed_since_preview"
    REOPEN_NOT_CLOSED = "year_reopen_not_closed"
    REOPEN_BAD_WINDOW = "year_reopen_bad_window"
    REOPEN_REASON_REQUIRED = "year_reopen_reason_required"
    REOPEN_BAD_SCOPE = "year_reopen_bad_scope"
    NOT_REOPENED = "year_not_reopened"
