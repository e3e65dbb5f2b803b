"""``manage.py recover_jobs``: fail the tasks lost with their worker (lease expired) and hand
them back to their domain — requeued, or failed visibly after too many losses. Every
``run_worker`` does this at start and every minute; the command is for an operator (or cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hoso.core import jobs


class Command(BaseCommand):
    help = "Thu hồi các việc nền bị bỏ dở vì tiến trình nền đã dừng (hết hạn nhịp tim)."

    def handle(self, *args, **options) -> None:
        recovered = jobs.recover_jobs()
        for lost in recovered:
            self.stdout.write(
                f"{lost.task_id} {lost.task_path} (tiến trình {lost.worker_id}): {lost.outcome}"
            )
        self.stdout.write(f"Đã thu hồi {len(recovered)} việc.")
