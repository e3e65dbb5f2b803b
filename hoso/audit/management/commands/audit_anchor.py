from django.core.management.base import BaseCommand
from django.utils.timezone import localtime

from hoso.audit.anchors import anchor_all, anchor_path


class Command(BaseCommand):
    help = (
        "Neo đầu chuỗi nhật ký truy vết của mỗi trường ra tệp chỉ-ghi-thêm ngoài CSDL "
        "(HOSO_AUDIT_ANCHOR_DIR), có HMAC và dấu thời gian khi có HOSO_TSA_URL. Run daily."
    )

    def handle(self, *args, **options):
        anchors, failed = anchor_all()
        for anchor in anchors:
            stamp = (
                f", dấu thời gian {localtime(anchor.timestamped_at):%d/%m/%Y %H:%M:%S}"
                if anchor.timestamped_at
                else ", không có dấu thời gian"
            )
            self.stdout.write(
                f"{anchor.chain.key} #{anchor.seq} {anchor.hash[:16]}…{stamp}"
                f" → {anchor_path(anchor.chain.key)}"
            )
        self.stdout.write(f"Đã neo {len(anchors)} chuỗi.")
        for message in failed:
            self.stderr.write(f"LỖI: {message}")
        if failed:
            raise SystemExit(1)
