"""Background work of the printing package (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context, jobs


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


@jobs.on_worker_lost(run_print_job)
def _run_lost(*, args: list, kwargs: dict, give_up: bool) -> bool:
    from hoso.printing.actions import job_worker_lost

    return job_worker_lost(job_id=(args or [kwargs.get("job_id")])[0], give_up=give_up)
