"""Background work of the archive (django-tasks; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import context


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
