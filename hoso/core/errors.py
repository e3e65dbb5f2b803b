"""Domain errors carry a code (asserted by tests) and a Vietnamese message (shown to people)."""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    def __init__(self, code: StrEnum | str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class PermissionDeniedError(DomainError, PermissionDenied):
    """The actor may see the object but may not perform this action (→ 403).

    Also a Django ``PermissionDenied``, so views that do not catch it answer 403."""


class NotFoundError(DomainError):
    """The object does not exist, or the actor may not see it (→ 404; the two look the same)."""


class TooLongError(DomainError):
    """A text longer than its limit: refused, never cut (→ 422 on the API, the page's form keeps
    what was typed)."""

    CODE = "TOO_LONG"


def bounded(text: str, limit: int, *, what: str, field: str | None = None) -> str:
    """``text`` unchanged when it has at most ``limit`` characters; otherwise a ``TooLongError``
    saying how long it is — nothing is silently cut."""
    if len(text) > limit:
        raise TooLongError(
            TooLongError.CODE,
            f"{what} dài {len(text)} ký tự, quá giới hạn {limit} ký tự: hãy rút gọn.",
            field=field,
        )
    return text
