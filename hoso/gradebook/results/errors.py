"""Error codes of the results room (each with its Vietnamese message where it is raised)."""

from __future__ import annotations

from enum import StrEnum


class ResultsError(StrEnum):
    """Codes of the results, comments and sign-off actions (shared ones equal GradebookError's)."""

    YEAR_CLOSED = "YEAR_CLOSED"
    NOT_ALLOWED = "NOT_ALLOWED"
    APPROVED = "APPROVED"  # the period is approved: frozen
    INCOMPLETE = "INCOMPLETE"  # blocking errors / missing results
    BAD_STATE = "BAD_STATE"  # confirm twice, approve a draft…
    NOT_SIGNED = "NOT_SIGNED"  # sheets or the class not signed off (or changed since)
    BAD_INPUT = "BAD_INPUT"  # a homeroom input that is not valid
    UNKNOWN_LEVEL = "UNKNOWN_LEVEL"
    UNKNOWN_PERIOD = "UNKNOWN_PERIOD"
