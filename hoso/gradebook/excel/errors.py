"""Error codes of the grade sheet import (asserted by tests); the machinery's own codes
(BAD_FILE, BAD_MAPPING, BAD_STATE, IMPORT_HAS_ERRORS) are ``hoso.imports.errors``'s."""

from __future__ import annotations

from enum import StrEnum


class ExcelError(StrEnum):
    WRONG_SHEET = "WRONG_SHEET"  # a template of another class / subject / term
    NO_IDENTITY = "NO_IDENTITY"  # results on a row without student code or name
    UNKNOWN_STUDENT = "UNKNOWN_STUDENT"
    STUDENT_MISMATCH = "STUDENT_MISMATCH"  # the code is another student's
    DUPLICATE_ROW = "DUPLICATE_ROW"
    BAD_DATE = "BAD_DATE"
    NO_ROWS = "NO_ROWS"
    CHANGED_SINCE_PREVIEW = "CHANGED_SINCE_PREVIEW"
