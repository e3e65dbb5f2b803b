from enum import StrEnum


class GradebookError(StrEnum):
    NOT_ASSIGNED = "NOT_ASSIGNED"  # not the teacher of this class/subject/term
    YEAR_CLOSED = "YEAR_CLOSED"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    NOT_ENROLLED = "NOT_ENROLLED"
    FINALISED = "FINALISED"  # the teacher finalised the column (chốt)
    LOCKED = "LOCKED"  # the book is locked (khóa sổ)
    APPROVED = "APPROVED"  # results approved: change only through a correction
    CONFLICT = "CONFLICT"  # somebody saved the cell in between
    # entered in the student's former class (class change): changed only through a correction
    OTHER_CLASS = "OTHER_CLASS"
    INCOMPLETE = "INCOMPLETE"  # finalising a column with missing results
    # rule-set validation codes pass through: OUT_OF_RANGE, BAD_PRECISION, BAD_INPUT, UNKNOWN_LEVEL
    UNKNOWN_LEVEL = "UNKNOWN_LEVEL"
    BAD_LOCK = "BAD_LOCK"
    REASON_REQUIRED = "REASON_REQUIRED"  # opening a locked book without a reason (≤ 300 chars)
    BAD_CORRECTION = "BAD_CORRECTION"
    NOT_ALLOWED = "NOT_ALLOWED"
    BAD_REQUEST = "BAD_REQUEST"  # a malformed save request from the grid
    BAD_DATE = "BAD_DATE"  # a test date outside the term
    TOO_MANY_COLUMNS = "TOO_MANY_COLUMNS"  # adding a regular column beyond the maximum
