"""Error codes of the notifications package (asserted by tests); messages are Vietnamese."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError


class NotificationErrorCode(StrEnum):
    BAD_PHONE = "notifications_bad_phone"
    QUIET_HOURS = "notifications_quiet_hours"
    BAD_SUBSCRIPTION = "notifications_bad_subscription"
    NOT_FAILED = "notifications_not_failed"


class NotificationError(DomainError):
    def __init__(self, code: NotificationErrorCode, message: str, *, field: str | None = None):
        super().__init__(code, message, field=field)
