"""python manage.py seed_demo — create the two demo schools (idempotent, deterministic)."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from hoso.core.errors import DomainError
from hoso.demo.actions import demo_seed
from hoso.demo.selectors import demo_logins, demo_verification_codes, format_logins_table


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: THCS Nguyễn Trãi và TH Chu Văn An, năm học đang diễn ra vào ngày tham "
        "chiếu (và năm học trước đã khóa). Chạy lại không làm gì nếu dữ liệu mẫu đã có."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="Ngày tham chiếu YYYY-MM-DD (mặc định: hôm nay). Mọi ngày tháng của dữ liệu "
            "mẫu suy ra từ ngày này; từ tháng 6 đến tháng 8 năm học hiện tại là năm vừa kết thúc.",
        )

    def handle(self, *args, **options):
        try:
            results = demo_seed(today=options["today"])
        except DomainError as exc:
            raise CommandError(exc.message)
        for result in results:
            if result.created:
                c = result.counts
                self.stdout.write(
                    f"Đã tạo {result.short_name}: {c['classes_current_year']} lớp, "
                    f"{c['students']} học sinh, {c['staff']} cán bộ, {c['accounts']} tài khoản."
                )
            else:
                self.stdout.write(f"{result.short_name}: dữ liệu mẫu đã có, không làm gì.")
        if any(r.created for r in results):
            self.stdout.write("")
            self.stdout.write(format_logins_table(demo_logins()))
            codes = demo_verification_codes()
            if codes:
                self.stdout.write("Tra cứu học bạ mẫu (trang công khai, không cần đăng nhập):")
                for what, code in codes:
                    self.stdout.write(f"  {what}: /xac-minh/{code}")
        else:
            self.stdout.write("Xem lại các tài khoản mẫu: python manage.py demo_logins")


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày tham chiếu không hợp lệ: {raw!r} (dạng YYYY-MM-DD)")
