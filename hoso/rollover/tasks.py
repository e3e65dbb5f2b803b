"""Background work of the year rollover (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context, jobs


@task()
def run_rollover(rollover_id: int) -> dict:
    """Commit a previewed rollover: all in one transaction, or nothing (see actions.rollover_run).
    Enqueued by ``actions.rollover_queue`` after its transaction commits."""
    from hoso.rollover.actions import rollover_run

    token = context.set_current(context.RequestContext(channel="task"))
    try:
        rollover = rollover_run(rollover_id=rollover_id)
    finally:
        context.reset(token)
    return {"rollover_id": rollover.pk, "state": rollover.state}


@jobs.on_worker_lost(run_rollover)
def _run_lost(*, args: list, kwargs: dict, give_up: bool) -> bool:
    from hoso.rollover.actions import rollover_worker_lost

    return rollover_worker_lost(
        rollover_id=(args or [kwargs.get("rollover_id")])[0], give_up=give_up
    )
