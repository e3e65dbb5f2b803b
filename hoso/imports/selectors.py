"""Reads of the import machinery, scoped by the actor's school and the page's target."""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.imports.importer import Importer
from hoso.imports.models import ImportBatch, scope_key


def recent_batches(importer: Importer, school_id: int, target, limit: int = 10) -> QuerySet:
    """The latest uploads of this page (without their rows: the list shows the outcome)."""
    return (
        ImportBatch.objects.filter(
            school_id=school_id,
            kind=importer.kind,
            scope_key=scope_key(importer.scope_of(target)),
        )
        .select_related("uploaded_by")
        .defer("raw_rows", "rows", "headers", "mapping")[:limit]
    )
