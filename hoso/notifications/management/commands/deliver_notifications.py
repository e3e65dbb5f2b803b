"""Send the outbox's due deliveries now (cron every minute as a safety net beside the worker's
own scheduling; ``--enqueue`` hands it to the django-tasks worker)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Gửi các tin đến hạn trong hộp thư đi (thư, thông báo đẩy, SMS, Zalo)."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument("--enqueue", action="store_true", help="đưa vào hàng đợi django-tasks")

    def handle(self, *args, threads, enqueue, **options):
        if enqueue:
            from hoso.notifications.tasks import outbox_deliver

            self.stdout.write(f"Đã đưa vào hàng đợi: {outbox_deliver.enqueue().id}")
            return
        from hoso.notifications.outbox import drain

        run = drain(threads=threads or int(getattr(settings, "HOSO_OUTBOX_THREADS", 4)))
        self.stdout.write(
            f"Đã gửi {run.sent}, thử lại sau {run.retried}, lỗi {run.failed}, hủy {run.cancelled}, "
            f"bỏ qua {run.skipped}, chờ hết giờ yên lặng {run.deferred}."
        )
