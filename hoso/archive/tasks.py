"""Background work of the archive (django-tasks; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context, jobs


@task()
def build_archive_export(export_id: int) -> dict:
    """Build one queued export (see actions.archive_export_build)."""
    from hoso.archive.actions import archive_export_build

    token = context.set_current(context.RequestContext(channel="task"))
    try:
        export = archive_export_build(export_id=export_id)
    finally:
        context.reset(token)
    if export is None:
        return {"export": export_id, "state": "skipped"}
    return {"export": export_id, "state": export.state, "files": export.files_done}


@jobs.on_worker_lost(build_archive_export)
def _build_lost(*, args: list, kwargs: dict, give_up: bool) -> bool:
    from hoso.archive.actions import archive_export_worker_lost

    return archive_export_worker_lost(
        export_id=(args or [kwargs.get("export_id")])[0], give_up=give_up
    )
