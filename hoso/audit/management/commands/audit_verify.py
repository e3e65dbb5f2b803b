from django.core.management.base import BaseCommand

from hoso.audit.verify import verify_all


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn nhật ký truy vết (chuỗi băm). Exit 1 at the first broken link."

    def handle(self, *args, **options):
        count, breaks = verify_all()
        if breaks:
            for b in breaks:
                self.stderr.write(f"LỖI: {b}")
            raise SystemExit(1)
        self.stdout.write(f"Nhật ký truy vết toàn vẹn: {count} sự kiện đã kiểm tra.")
