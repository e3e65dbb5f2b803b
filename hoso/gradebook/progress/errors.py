"""Error codes of the progress room (each with its Vietnamese message where it is raised)."""

from __future__ import annotations

from enum import StrEnum


class ProgressError(StrEnum):
    NOT_ALLOWED = "NOT_ALLOWED"
    YEAR_CLOSED = "YEAR_CLOSED"
    BAD_RULE = "BAD_RULE"  # a deadline rule value out of range
    BAD_MONTH = "BAD_MONTH"  # month outside the year or in the future
    CHECK_EXISTS = "CHECK_EXISTS"  # this scope's check of the month is already recorded
    CHECK_SIGNED = "CHECK_SIGNED"  # signed off: nothing changes any more
    CHECK_INCOMPLETE = "CHECK_INCOMPLETE"  # no school-wide check to sign off yet
    NO_TERM = "NO_TERM"
    NOTHING_TO_REMIND = "NOTHING_TO_REMIND"  # none of the chosen sheets is late any more
