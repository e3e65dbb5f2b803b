"""Sổ theo dõi và đánh giá học sinh (theo lớp): ``render_class_book(data)`` or, for the signing
package, ``render_class_book(school_class=…, term=<Term>)`` (the term's book) or
``render_class_book(school_class=…, period="year")``."""

from __future__ import annotations

from hoso.printing.documents import books
from hoso.printing.documents.books import class_book_data

__all__ = ["class_book_data", "render_class_book"]


def render_class_book(data: dict | None = None, *, school_class=None, term=None, period=None):
    if data is None:
        if period is None:
            period = "term1" if term is not None and term.number == 1 else "term2"
            if term is None:
                period = "year"
        data = class_book_data(school_class=school_class, period=period)
    return books.render_class_book(data)
