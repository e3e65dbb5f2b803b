"""Error codes of the child's page room (asserted by tests; the message is what people read)."""

from __future__ import annotations

from enum import StrEnum


class ChildPageError(StrEnum):
    NOT_ALLOWED = "parents_settings_not_allowed"
    UNKNOWN_MODE = "parents_unknown_mode"
