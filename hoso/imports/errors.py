"""Error codes of the import machinery (asserted by tests); the messages are Vietnamese and said
where they arise, because most name the file's row, column or the kind's own words."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError


class ImportErrorCode(StrEnum):
    BAD_FILE = "BAD_FILE"  # the upload is not a spreadsheet we read (``FileProblem`` says why)
    BAD_MAPPING = "BAD_MAPPING"  # a column mapping that cannot be used
    BAD_STATE = "BAD_STATE"  # the batch is not in a state where this step is allowed
    IMPORT_HAS_ERRORS = "IMPORT_HAS_ERRORS"  # commit refused: errors left, or nothing to write
    BAD_OPTION = "BAD_OPTION"  # an upload option that cannot be read (a date, ...)


class FileProblem(StrEnum):
    """Why the bounded reader refused a file (``ImportFileError.problem``)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_SPREADSHEET = "not_spreadsheet"
    UNSUPPORTED = "unsupported"  # .xlsb, encrypted parts, unusual compression
    ENCRYPTED = "encrypted"
    TOO_MANY_PARTS = "too_many_parts"
    UNPACKED_TOO_LARGE = "unpacked_too_large"
    COMPRESSION_RATIO = "compression_ratio"
    DAMAGED = "damaged"  # sizes that lie, bad checksums, broken structure
    TOO_MANY_SHEETS = "too_many_sheets"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    CELL_TOO_LONG = "cell_too_long"
    CONTROL_CHARACTER = "control_character"
    UNREADABLE_SHEET = "unreadable_sheet"
    NO_SHEETS = "no_sheets"


class ImportFileError(Exception):
    """The upload is not a spreadsheet we read; ``message`` is Vietnamese, ``problem`` a code."""

    def __init__(self, problem: FileProblem, message: str):
        super().__init__(message)
        self.problem = problem
        self.message = message


class MappingError(DomainError):
    """A column mapping that cannot be used; ``problems`` lists every reason (Vietnamese)."""

    def __init__(self, problems: list[str]):
        super().__init__(ImportErrorCode.BAD_MAPPING, " ".join(problems))
        self.problems = problems
