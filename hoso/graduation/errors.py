"""Error codes of completion and graduation, with Vietnamese messages at the raise site."""

from __future__ import annotations

from enum import StrEnum


class GraduationError(StrEnum):
    FORBIDDEN = "graduation_forbidden"
    NOT_LOWER_SECONDARY = "graduation_not_lower_secondary"
    ROUND_LIMIT = "graduation_round_limit"
    ROUND_EXISTS = "graduation_round_exists"
    ROUND_ORDER = "graduation_round_order"
    ROUND_DATE = "graduation_round_date"
    WRONG_STATE = "graduation_wrong_state"
    COUNCIL_INVALID = "graduation_council_invalid"
    MEMBER_NOT_STAFF = "graduation_member_not_staff"
    MEMBER_DUPLICATE = "graduation_member_duplicate"
    NOT_REVIEWED = "graduation_not_reviewed"
    BAD_INPUT = "graduation_bad_input"
    REASON_REQUIRED = "graduation_reason_required"
    NOT_ELIGIBLE = "graduation_not_eligible"
    NOT_RECOGNISED = "graduation_not_recognised"
    SERIAL_TAKEN = "graduation_serial_taken"
    REGISTER_TAKEN = "graduation_register_taken"
    ENTRY_EXISTS = "graduation_entry_exists"
    ENTRY_VOID = "graduation_entry_void"
