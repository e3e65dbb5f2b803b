"""Error codes of the corrections room (each with its Vietnamese message where it is raised)."""

from __future__ import annotations

from enum import StrEnum


class CorrectionError(StrEnum):
    NOT_PROTECTED = "NOT_PROTECTED"  # the cell is still open: the teacher edits it directly
    EMPTY_VALUE = "EMPTY_VALUE"
    SAME_VALUE = "SAME_VALUE"
    REASON_REQUIRED = "REASON_REQUIRED"
    EVIDENCE_REQUIRED = "EVIDENCE_REQUIRED"
    BAD_EVIDENCE = "BAD_EVIDENCE"  # not PDF/JPEG/PNG by content
    EVIDENCE_TOO_LARGE = "EVIDENCE_TOO_LARGE"
    TOO_MANY_FILES = "TOO_MANY_FILES"
    OPEN_EXISTS = "OPEN_EXISTS"  # one open request per cell
    NOT_PRINCIPAL = "NOT_PRINCIPAL"
    OWN_REQUEST = "OWN_REQUEST"  # nobody decides their own request
    BAD_WITNESS = "BAD_WITNESS"
    NO_HOMEROOM = "NO_HOMEROOM"
    NOTE_REQUIRED = "NOTE_REQUIRED"  # a rejection or a withdrawn approval says why
    BAD_STATE = "BAD_STATE"
    NOT_PARTY = "NOT_PARTY"  # confirming without being the witness or the homeroom teacher
    NOT_REQUESTER = "NOT_REQUESTER"
    ALREADY_CONFIRMED = "ALREADY_CONFIRMED"
    CELL_CHANGED = "CELL_CHANGED"  # the result changed since the request: refuse to apply
    YEAR_CLOSED = "YEAR_CLOSED"
    NO_CHANGES = "NO_CHANGES"  # a column request where no value was changed
    DUPLICATE_CELL = "DUPLICATE_CELL"  # the same cell twice in one request
    MINUTE_NUMBER_TAKEN = "MINUTE_NUMBER_TAKEN"  # the database refused a duplicate number
