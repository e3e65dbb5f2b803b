"""Bảng điểm môn học (one subject teacher's sheet): ``render_gradebook_sheet(data)`` or, for the
signing package, ``render_gradebook_sheet(school_class=…, subject=…, term=…)``."""

from __future__ import annotations

from hoso.printing.documents import books
from hoso.printing.documents.books import gradebook_sheet_data

__all__ = ["gradebook_sheet_data", "render_gradebook_sheet"]


def render_gradebook_sheet(data: dict | None = None, **params) -> bytes:
    if data is None:
        data = gradebook_sheet_data(**params)
    return books.render_gradebook_sheet(data)
