"""What every downloadable import template shares (written with openpyxl): the "Hướng dẫn" sheet
and the bytes of the book."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl.styles import Alignment, Font

from hoso.core.text import nfc


def guide_sheet(book, lines: Iterable[str]) -> None:
    """The instructions sheet: one wrapped line a row; the first line, and any line in capitals
    (a heading), in bold."""
    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 120
    for number, line in enumerate(lines, start=1):
        cell = guide.cell(row=number, column=1, value=nfc(line) or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1 or line.isupper():
            cell.font = Font(bold=True, size=13 if number == 1 else 11)


def book_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
