"""Background work of the printing package (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context


@task()
def run_print_job(job_id: int) -> dict:
    """Render a batch print job (enqueued by ``actions.job_create`` after its commit)."""
    from hoso.printing.actions import job_run

    token = context.set_current(context.RequestContext(channel="task"))
    try:
        job = job_run(job_id)
    finally:
        context.reset(token)
    return {"job_id": job.pk, "state": job.state, "done": job.done, "pages": job.pages}
