"""Background reminders about grade entry (django-tasks): ``send_grade_reminders``.

Schedule it hourly, either with cron calling the management command::

    0 * * * *  cd /srv/hoso && .venv/bin/python manage.py send_grade_reminders

or by enqueueing the task from a scheduler (``send_grade_reminders.enqueue()``) for the database
worker (``manage.py run_worker``). Both call ``progress_actions.grade_reminders_send``, which is
idempotent: a second run in the same hour adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from hoso.core import context, jobs


@task()
def send_grade_reminders(now_iso: str | None = None, school_ids: list[int] | None = None) -> dict:
    """Remind teachers (and the vice principals' daily digest) of missing results."""
    from hoso.gradebook.progress.actions import grade_reminders_send
    from hoso.organisation.models import School

    now = datetime.fromisoformat(now_iso) if now_iso else None
    schools = list(School.objects.filter(pk__in=school_ids)) if school_ids else None
    token = context.set_current(context.RequestContext(channel="task"))
    try:
        run = grade_reminders_send(now=now, schools=schools)
    finally:
        context.reset(token)
    return run.as_dict()


jobs.rerun_when_lost(send_grade_reminders)  # recomputes: a second run does no harm
