"""Background work of the outbox (django-tasks; the worker is ``manage.py run_worker``)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from hoso.core import jobs


@task()
def outbox_deliver() -> int:
    """Send every due delivery with ``HOSO_OUTBOX_THREADS`` threads; schedules the next run for
    the first delivery still waiting (a retry, the end of quiet hours). Returns how many went."""
    from hoso.notifications.outbox import drain

    threads = int(getattr(settings, "HOSO_OUTBOX_THREADS", 4))
    return drain(threads=threads).sent


@task()
def outbox_digests(now_iso: str | None = None, school_ids: list[int] | None = None) -> int:
    """The weekly digests due now (hourly from cron, ``manage.py send_digests --enqueue``)."""
    from datetime import datetime

    from hoso.notifications.digest import send_digests

    now = datetime.fromisoformat(now_iso) if now_iso else None
    return send_digests(now=now, school_ids=school_ids)


jobs.rerun_when_lost(outbox_deliver)  # claims are leased: a second run sends nothing twice
jobs.rerun_when_lost(outbox_digests)  # one digest per person and week (dedupe key)
