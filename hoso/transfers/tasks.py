"""Background work of transfers (django-tasks): the daily reminders of late steps."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from hoso.core import context, jobs


@task()
def transfers_remind(now_iso: str | None = None, school_ids: list[int] | None = None) -> dict:
    from hoso.organisation.models import School
    from hoso.transfers.reminders import transfers_remind as remind

    now = datetime.fromisoformat(now_iso) if now_iso else None
    schools = list(School.objects.filter(pk__in=school_ids)) if school_ids else None
    token = context.set_current(context.RequestContext(channel="task"))
    try:
        return remind(now=now, schools=schools).as_dict()
    finally:
        context.reset(token)


jobs.rerun_when_lost(transfers_remind)  # once per step per day: a second run does no harm
