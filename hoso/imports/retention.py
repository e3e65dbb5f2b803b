"""Personal data kept in upload batches (class lists, grade sheets, …) is erased once it has
served: the rows of a batch that was committed, cancelled or failed more than ``days`` ago are
cleared, keeping the batch's outcome (state, counts, errors' row and column) for the record; the
kind may drop more of its result then (``Importer.purge_result``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.imports.models import ImportBatch
from hoso.imports.registry import importer_for

FINISHED = (
    ImportBatch.State.COMMITTED,
    ImportBatch.State.CANCELLED,
    ImportBatch.State.FAILED,
)


def purge_upload_batches(*, days: int = 30, now=None) -> dict[int, int]:
    """Clear the uploaded rows of finished batches older than ``days``; one audit event per
    school. Returns {school_id: batches purged}."""
    cutoff = (now or clock.now()) - timedelta(days=days)
    purged: dict[int, int] = {}
    with transaction.atomic():
        batches = ImportBatch.objects.filter(state__in=FINISHED, created_at__lt=cutoff).exclude(
            raw_rows=[], rows=[]
        )
        for school_id in batches.values_list("school_id", flat=True):
            purged[school_id] = purged.get(school_id, 0) + 1
        for pk, kind, result in batches.values_list("pk", "kind", "result"):
            try:
                kept = importer_for(kind).purge_result(result)
            except LookupError:  # a kind no longer installed: its result stays as it is
                continue
            if kept != result:
                ImportBatch.objects.filter(pk=pk).update(result=kept)
        batches.update(raw_rows=[], rows=[], headers=[])
        for school_id, count in purged.items():
            audit_record(
                event_type="import.purged",
                school_id=school_id,
                target_type="imports.importbatch",
                target_repr=f"{count} tệp tải lên đã xử lý quá {days} ngày",
                after={"batches": count, "days": days},
            )
    return purged
