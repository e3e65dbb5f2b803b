"""Background work of the records package (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import jobs


@task()
def records_sync_task(year_id: int) -> dict:
    """Generate/refresh the folders and obligations of one school year."""
    from hoso.organisation.models import SchoolYear
    from hoso.records.sync import obligations_sync

    year = SchoolYear.objects.filter(pk=year_id).first()
    if year is None:
        return {"missing": True}
    return obligations_sync(year=year)


jobs.rerun_when_lost(records_sync_task)  # recomputes: a second run does no harm
