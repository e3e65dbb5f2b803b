"""Biên bản sửa điểm: ``render_correction_minute(data)`` or, for the signing package,
``render_correction_minute(correction=…)``."""

from __future__ import annotations

from hoso.printing.documents import correction
from hoso.printing.documents.correction import correction_minute_data

__all__ = ["correction_minute_data", "render_correction_minute"]


def render_correction_minute(data: dict | None = None, **params) -> bytes:
    if data is None:
        data = correction_minute_data(**params)
    return correction.render_correction_minute(data)
