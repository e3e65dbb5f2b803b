"""A correction request written straight to the database (for tests of readers: anomalies,
minute numbers): the request and its cells, without the procedure."""

from __future__ import annotations

from hoso.gradebook.corrections.models import CorrectionItem, CorrectionRequest

CELL_FIELDS = ("student", "column", "old_value", "new_value", "old_text", "new_text")


def make_request(*, cells: list[dict] | None = None, **fields) -> CorrectionRequest:
    """``make_request(school=…, student=…, column="TX1", new_value="8.0", …)`` for one cell, or
    ``cells=[{"student": …, "column": …, "new_value": …}, …]`` for several."""
    one = {k: fields.pop(k) for k in CELL_FIELDS if k in fields}
    request = CorrectionRequest.objects.create(**fields)
    open_ = request.state in ("requested", "approved")
    for row, cell in enumerate(cells or [one], start=1):
        CorrectionItem.objects.create(
            request=request,
            school=request.school,
            row=row,
            subject=request.subject,
            term=request.term,
            is_open=open_,
            **cell,
        )
    return request
