"""Background work of the signing package (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import jobs


@task()
def refresh_documents(school_id: int | None = None) -> dict:
    """Supersede signed documents whose data changed and draft their next versions."""
    from hoso.organisation.models import School
    from hoso.signing.documents import documents_refresh

    school = School.objects.get(pk=school_id) if school_id else None
    result = documents_refresh(school=school)
    return {
        "checked": result.checked,
        "superseded": result.superseded,
        "waiting_confirmation": result.waiting_confirmation,
    }


jobs.rerun_when_lost(refresh_documents)  # recomputes: a second run does no harm
