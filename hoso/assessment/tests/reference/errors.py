"""Validation codes and their Vietnamese messages.

Every problem found in a case is reported as ``{"code", "subject", "message"}``: tools and tests
match the ``code``; people read the ``message`` (Vietnamese, NFC).
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class ErrorCode(StrEnum):
    """Codes carried by ``errors`` (and ``warnings``) items of a result."""

    # Required by issue 3 (the command-line contract).
    MISSING_REGULAR = "MISSING_REGULAR"  # fewer regular results than required (more is allowed)
    MISSING_PERIODIC = "MISSING_PERIODIC"  # mid-term / end-of-term (primary: end-of-year test)
    OUT_OF_RANGE = "OUT_OF_RANGE"  # score outside 0–10
    BAD_PRECISION = "BAD_PRECISION"  # more than one decimal; primary test not an integer
    UNKNOWN_LEVEL = "UNKNOWN_LEVEL"  # a level / comment result that is not one of the codes
    # Added for inputs the five codes above cannot describe.
    MISSING_INPUT = "MISSING_INPUT"  # training, absences, qualities... absent
    BAD_INPUT = "BAD_INPUT"  # wrong JSON shape or type (not a number, not a list...)
    UNKNOWN_RULESET = "UNKNOWN_RULESET"  # "ruleset" missing or not registered
    # Warnings: the result is computed, but a person must look at it.
    MANUAL_REVIEW = "MANUAL_REVIEW"


def issue(code: ErrorCode, subject: str | None, message: str) -> dict:
    """One ``errors``/``warnings`` item; the message is normalised to NFC."""
    return {
        "code": code.value,
        "subject": subject,
        "message": unicodedata.normalize("NFC", message),
    }


class InvalidScore(ValueError):
    """Raised by :func:`hoso.assessment.rules.validate_score` for a value that is not a valid score."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UnknownRuleset(LookupError):
    """No rule set is registered under that code."""

    def __init__(self, code: object) -> None:
        super().__init__(f"Không có bộ quy tắc đánh giá mã {code!r}.")
        self.code = code
