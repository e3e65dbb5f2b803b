"""Supersede signed documents whose underlying data changed; draft their next versions.

    python manage.py signing_refresh [--school CODE]

Meant for cron (e.g. nightly) until hoso/gradebook calls it right after a correction.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.signing.documents import documents_refresh


class Command(BaseCommand):
    help = "Đánh dấu văn bản đã ký bị thay thế khi dữ liệu thay đổi và lập phiên bản mới."

    def add_arguments(self, parser):
        parser.add_argument("--school", default="", help="mã trường (mặc định: mọi trường)")

    def handle(self, *args, school, **options):
        from hoso.organisation.models import School

        target = None
        if school:
            target = School.objects.filter(code=school).first()
            if target is None:
                raise CommandError(f"Không có trường mã {school}.")
        result = documents_refresh(school=target)
        self.stdout.write(
            f"Đã kiểm tra {result.checked} văn bản; {result.superseded} văn bản được lập phiên "
            f"bản mới; {result.waiting_confirmation} văn bản chờ xác nhận lại dữ liệu."
        )
