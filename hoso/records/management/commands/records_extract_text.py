"""``manage.py records_extract_text``: extract the searchable text of every uploaded file not yet
processed (see hoso/records/search.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hoso.core import context


class Command(BaseCommand):
    help = (
        "Trích văn bản trong các tệp hồ sơ (PDF, DOCX) chưa được xử lý để tìm kiếm theo nội dung. "
        "Chạy lại không làm lại tệp đã xử lý (trừ khi dùng --all)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="xử lý tối đa N tệp")
        parser.add_argument("--all", action="store_true", help="làm lại cả tệp đã xử lý")
        parser.add_argument(
            "--enqueue", action="store_true", help="đưa vào hàng đợi django-tasks thay vì chạy ngay"
        )

    def handle(self, *args, limit, all, enqueue, **options):
        from hoso.records.models import Submission
        from hoso.records.search import (
            extract_submission_text,
            pending_extractions,
            submission_text_extract,
        )

        qs = Submission.objects.order_by("pk") if all else pending_extractions()
        ids = list(
            qs.values_list("pk", flat=True)[:limit] if limit else qs.values_list("pk", flat=True)
        )
        if enqueue:
            for pk in ids:
                extract_submission_text.enqueue(pk)
            self.stdout.write(f"Đã đưa {len(ids)} tệp vào hàng đợi.")
            return
        token = context.set_current(context.RequestContext(channel="task"))
        failed = 0
        try:
            for pk in ids:
                if not submission_text_extract(pk):
                    failed += 1
        finally:
            context.reset(token)
        self.stdout.write(f"Đã xử lý {len(ids)} tệp ({failed} tệp không đọc được).")
