"""Error codes of the records package (asserted by tests); messages are Vietnamese."""

from enum import StrEnum


class RecordsError(StrEnum):
    YEAR_CLOSED = "YEAR_CLOSED"
    NOT_OWNER = "NOT_OWNER"  # only the owner (or its team head) submits
    NOT_APPROVER = "NOT_APPROVER"  # not the approver of the current step
    OWN_SUBMISSION = "OWN_SUBMISSION"  # nobody approves their own submission
    BAD_STATE = "BAD_STATE"  # the transition is not allowed from the current state
    NO_FILE = "NO_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE = "FILE_TYPE"  # the content is not PDF, DOCX, XLSX, PNG or JPEG
    EMPTY_FILE = "EMPTY_FILE"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    INACTIVE = "INACTIVE"  # the obligation is no longer required
    BAD_SCHEDULE = "BAD_SCHEDULE"
    BAD_CHAIN = "BAD_CHAIN"
    BAD_RETENTION = "BAD_RETENTION"
    BAD_EVENT = "BAD_EVENT"
    NOT_ALLOWED = "NOT_ALLOWED"
    NOTHING_TO_CHECK = "NOTHING_TO_CHECK"  # a check needs a submitted or approved file
    NOTHING_TO_REMIND = "NOTHING_TO_REMIND"  # nobody in the chosen scope is missing a record
