"""What every downloadable import template shares (written with openpyxl): the merged title row,
the "Hướng dẫn" sheet and the bytes of the book."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl.styles import Alignment, Font

from hoso.core.text import nfc


def title_height(size: float) -> float:
    """The height (points) of a row holding one line in a ``size``-point font, with room for the
    marks above Vietnamese capitals (Ặ, Ỗ, Ấ). A merged row never grows by itself: LibreOffice
    prints it at the default 12.8 pt and cuts the marks of a 13-point title."""
    return round(size * 1.9, 1)


def merged_title(sheet, *, row: int, last_column: str, text: str, size: float = 13, bold=True):
    """A title merged over ``A<row>:<last_column><row>``, centred vertically, its row as high as
    its font needs (``title_height``). Returns the cell."""
    cell = sheet.cell(row=row, column=1, value=nfc(text))
    cell.font = Font(bold=bold, size=size)
    cell.alignment = Alignment(vertical="center")
    sheet.merge_cells(f"A{row}:{last_column}{row}")
    sheet.row_dimensions[row].height = title_height(size)
    return cell


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
            guide.row_dimensions[number].height = title_height(13 if number == 1 else 11)


def book_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
