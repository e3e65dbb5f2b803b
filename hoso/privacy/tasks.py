"""Reminders of requests about a child's data near their deadline (django-tasks):
``send_privacy_reminders``. Schedule it hourly, with cron calling the management command::

    0 * * * *  cd /srv/hoso && .venv/bin/python manage.py send_privacy_reminders

or by enqueueing the task for the database worker. Running twice sends nothing twice."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from hoso.core import context, jobs


@task()
def send_privacy_reminders(now_iso: str | None = None, school_ids: list[int] | None = None) -> dict:
    from hoso.organisation.models import School
    from hoso.privacy.actions import request_reminders_send

    now = datetime.fromisoformat(now_iso) if now_iso else None
    schools = list(School.objects.filter(pk__in=school_ids)) if school_ids else None
    token = context.set_current(context.RequestContext(channel="task"))
    try:
        run = request_reminders_send(now=now, schools=schools)
    finally:
        context.reset(token)
    return run.as_dict()


jobs.rerun_when_lost(send_privacy_reminders)  # idempotent: a second run does no harm
