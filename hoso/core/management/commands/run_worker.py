"""``manage.py run_worker``: the background worker HoSo runs (``make worker``).

django-tasks-db's ``db_worker`` without the auto-reloader (a reload kills the running task),
holding a lease renewed by a heartbeat, and recovering the tasks of dead workers at start and
every ``HOSO_JOB_RECOVER_SECONDS`` (see ``hoso/core/jobs.py`` and docs/JOBS.md). Takes the same
options as ``db_worker`` (``--queue-name``, ``--interval``, ``--batch``, ``--max-tasks``, …)."""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker

from hoso.core import jobs


class Command(db_worker.Command):
    help = "Chạy tiến trình nền (không tự nạp lại mã; có nhịp tim và tự thu hồi việc bị bỏ dở)."

    def handle(self, *args, **options) -> None:
        options["reload"] = False
        heartbeat = jobs.Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            for lost in jobs.recover_jobs(exclude_worker=options["worker_id"]):
                self.stdout.write(f"Thu hồi việc {lost.task_id} ({lost.task_path}): {lost.outcome}")
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
