from django.core.management.base import BaseCommand

from hoso.printing.retention import purge_print_jobs


class Command(BaseCommand):
    help = "Xóa các tệp in hàng loạt (học bạ cả lớp, cả trường) sau N ngày (mặc định 7). Chạy hằng ngày."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days: int, **options):
        purged = purge_print_jobs(days=days)
        self.stdout.write(f"Đã xóa {sum(purged.values())} tệp in hàng loạt (quá {days} ngày).")
