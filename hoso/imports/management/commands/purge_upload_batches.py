from django.core.management.base import BaseCommand

from hoso.imports.retention import purge_upload_batches


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu cá nhân trong các tệp Excel đã xử lý (danh sách lớp, sổ điểm) sau N ngày "
        "(mặc định 30). Chạy hằng ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        purged = purge_upload_batches(days=days)
        total = sum(purged.values())
        self.stdout.write(f"Đã xóa dữ liệu của {total} tệp tải lên (quá {days} ngày).")
