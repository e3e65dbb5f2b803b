"""Error codes of the archive (asserted by tests; the message is shown to people)."""

from __future__ import annotations

from enum import StrEnum


class ArchiveError(StrEnum):
    FOLDER_NOT_FOUND = "archive.folder_not_found"
    EXPORT_NOT_READY = "archive.export_not_ready"
    EXPIRY_OUT_OF_RANGE = "archive.expiry_out_of_range"
    RECIPIENT_REQUIRED = "archive.recipient_required"
    ALREADY_REVOKED = "archive.already_revoked"
    NO_YEAR = "archive.no_year"
    EXPORT_NOT_YOURS = "archive.export_not_yours"
    EXPORT_BAD_STATE = "archive.export_bad_state"
