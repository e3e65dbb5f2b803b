"""Background work of the transcripts package (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import jobs


@task()
def refresh_transcripts(year_id: int, student_ids: list[int] | None = None) -> dict:
    """Recheck the data of the year's transcripts (or of ``student_ids``) — see
    ``actions.transcripts_refresh``. Returns the counts."""
    from hoso.organisation.models import SchoolYear
    from hoso.transcripts.actions import transcripts_refresh

    year = SchoolYear.objects.get(pk=year_id)
    result = transcripts_refresh(year=year, student_ids=student_ids)
    return {
        "redrafted": len(result.created),
        "superseded": len(result.superseded),
        "flagged": len(result.flagged),
        "unchanged": result.unchanged,
    }


jobs.rerun_when_lost(refresh_transcripts)  # recomputes: a second run does no harm
