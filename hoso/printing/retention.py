"""Batch print files hold personal data (whole classes' transcripts): they are deleted from
storage ``days`` after the job finished; the job row stays (who printed what, when, how many
pages, the file's SHA-256 in the audit trail)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.printing.models import PrintJob


def purge_print_jobs(*, days: int = 7, now=None) -> dict[int, int]:
    """Delete the files of jobs finished more than ``days`` ago; one audit event per school.
    Returns {school_id: files deleted}."""
    cutoff = (now or clock.now()) - timedelta(days=days)
    purged: dict[int, int] = {}
    with transaction.atomic():
        jobs = list(
            PrintJob.objects.select_for_update()
            .filter(finished_at__lt=cutoff)
            .exclude(file_name="")
        )
        for job in jobs:
            default_storage.delete(job.file_name)
            purged[job.school_id] = purged.get(job.school_id, 0) + 1
        PrintJob.objects.filter(pk__in=[j.pk for j in jobs]).update(file_name="")
        for school_id, count in purged.items():
            audit_record(
                event_type="printing.files_purged",
                school_id=school_id,
                target_type="printing.printjob",
                target_repr=f"{count} tệp in hàng loạt quá {days} ngày",
                after={"files": count, "days": days},
            )
    return purged
