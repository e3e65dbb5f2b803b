"""Background work of the import machinery (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context, jobs


@task()
def commit_import(batch_id: int) -> dict:
    """Write a previewed import of any kind: all rows in one transaction, or none.

    Enqueued by ``actions.import_queue_commit`` after its transaction commits."""
    from hoso.imports.actions import import_run_commit

    token = context.set_current(context.RequestContext(channel="task"))
    try:
        batch = import_run_commit(batch_id=batch_id)
    finally:
        context.reset(token)
    return {
        "batch_id": batch.pk,
        "kind": batch.kind,
        "state": batch.state,
        "count": batch.result.get("count", 0),
    }


@jobs.on_worker_lost(commit_import)
def _commit_lost(*, args: list, kwargs: dict, give_up: bool) -> bool:
    from hoso.imports.actions import import_worker_lost

    return import_worker_lost(batch_id=(args or [kwargs.get("batch_id")])[0], give_up=give_up)
