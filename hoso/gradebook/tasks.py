"""Background work of the grade book (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context


@task()
def commit_grade_import(batch_id: int) -> dict:
    """Write a previewed Excel grade import: every change in one transaction, or none.

    Enqueued by ``excel_actions.excel_queue_commit`` after its transaction commits."""
    from hoso.gradebook.excel_actions import excel_run_commit

    token = context.set_current(context.RequestContext(channel="task"))
    try:
        batch = excel_run_commit(batch_id=batch_id)
    finally:
        context.reset(token)
    return {"batch_id": batch.pk, "state": batch.state, "count": batch.result.get("count", 0)}
