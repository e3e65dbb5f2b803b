"""Background reminders about records (django-tasks): ``send_record_reminders``.

Schedule it hourly, either with cron calling the management command::

    0 * * * *  cd /srv/hoso && .venv/bin/python manage.py send_record_reminders

or by enqueueing the task (``send_record_reminders.enqueue()``) for ``manage.py run_worker``.
Both call ``reminders.record_reminders_send``, which never sends the same reminder twice.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from hoso.core import context, jobs


@task()
def send_record_reminders(now_iso: str | None = None, school_ids: list[int] | None = None) -> dict:
    from hoso.organisation.models import School
    from hoso.records.reminders import record_reminders_send

    now = datetime.fromisoformat(now_iso) if now_iso else None
    schools = list(School.objects.filter(pk__in=school_ids)) if school_ids else None
    token = context.set_current(context.RequestContext(channel="task"))
    try:
        run = record_reminders_send(now=now, schools=schools)
    finally:
        context.reset(token)
    return run.as_dict()


jobs.rerun_when_lost(send_record_reminders)  # recomputes: a second run does no harm
