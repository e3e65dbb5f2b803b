"""Error codes of the document register (asserted by tests); messages are Vietnamese."""

from enum import StrEnum


class CorrespondenceError(StrEnum):
    NOT_ALLOWED = "NOT_ALLOWED"  # the actor's role may not do this
    BAD_STATE = "BAD_STATE"  # the transition is not allowed from the current state
    NOT_SIGNER = "NOT_SIGNER"  # only the competent person (principal, vice principal) signs
    NO_FILE = "NO_FILE"  # issuing needs the signed file copy (PDF)
    FILE_NOT_PDF = "FILE_NOT_PDF"
    NO_ABBREVIATION = "NO_ABBREVIATION"  # the school's abbreviation is not set
    BAD_TYPE = "BAD_TYPE"
    REQUIRED = "REQUIRED"  # a required field is empty
    BAD_DATE = "BAD_DATE"
