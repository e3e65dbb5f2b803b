"""Checking one cell's value against its column kind, with the rule set's Vietnamese messages."""

from __future__ import annotations

import unicodedata

from hoso.assessment.rules import InvalidScore, validate_score
from hoso.core.errors import DomainError, bounded
from hoso.core.text import fold, nfc
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT, Column
from hoso.gradebook.errors import GradebookError

_ALIASES = {
    COMMENT_RESULT: {"d": "D", "dat": "D", "đ": "D", "cd": "CD", "chua dat": "CD", "cđ": "CD"},
    LEVEL: {"t": "T", "h": "H", "c": "C", "htt": "T", "ht": "H", "cht": "C"},
}


def clean_value(column: Column, raw: object) -> tuple[str, str]:
    """Return (value, text) to store, or raise DomainError with a code and Vietnamese message.
    An empty input clears the cell."""
    if column.kind == TEXT:  # comments keep their line breaks
        lines = (nfc(line) for line in unicodedata.normalize("NFC", str(raw or "")).splitlines())
        return "", bounded("\n".join(lines).strip(), 2000, what="Nhận xét")
    text = nfc("" if raw is None else str(raw))
    if text == "":
        return "", ""
    if column.kind in (SCORE, TEST):
        try:
            number = validate_score(text, integer_only=column.kind == TEST)
        except InvalidScore as exc:
            raise DomainError(exc.code, exc.message)
        # Stored canonically with a dot ("8.5"; tests "7"); shown with a comma ("8,5").
        return (str(int(number)) if column.kind == TEST else f"{number:.1f}"), ""
    found = _ALIASES[column.kind].get(fold(text)) or _ALIASES[column.kind].get(text.lower())
    if found is None:
        allowed = " / ".join(column.choices)
        what = "Đ (Đạt) / CĐ (Chưa đạt)" if column.kind == COMMENT_RESULT else allowed
        raise DomainError(
            GradebookError.UNKNOWN_LEVEL, f"“{text}” không phải là mức đánh giá hợp lệ ({what})."
        )
    return found, ""
