"""Checks of student data, with Vietnamese messages. Pure functions; the identity checks are
shared with the staff register (``hoso.core.identity``)."""

from __future__ import annotations

from datetime import date

from hoso.core.identity import check_phone, normalise_phone, personal_id_problems
from hoso.students.errors import StudentError

__all__ = ["check_personal_id", "check_phone", "normalise_phone"]


def check_personal_id(
    value: str, *, birth_date: date | None = None, gender: str | None = None
) -> list[tuple[StudentError, str]]:
    """Problems with a 12-digit personal ID: format, province code, and agreement with the birth
    year and gender it encodes. Empty is allowed (filled in later)."""
    return [
        (StudentError(code), message)
        for code, message in personal_id_problems(value, birth_date=birth_date, gender=gender)
    ]
