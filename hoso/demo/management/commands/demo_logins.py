"""python manage.py demo_logins — print the well-known demo accounts (if the demo exists)."""

from django.core.management.base import BaseCommand

from hoso.demo.selectors import (
    demo_logins,
    demo_present,
    demo_verification_codes,
    format_logins_table,
)


class Command(BaseCommand):
    help = "In bảng tài khoản mẫu (vai trò — tên đăng nhập — trường) và mật khẩu chung."

    def handle(self, *args, **options):
        if not demo_present():
            self.stdout.write("Chưa có dữ liệu mẫu. Tạo bằng: python manage.py seed_demo")
            return
        self.stdout.write(format_logins_table(demo_logins()))
        codes = demo_verification_codes()
        if codes:
            self.stdout.write("")
            self.stdout.write("Tra cứu học bạ mẫu (trang công khai, không cần đăng nhập):")
            for what, code in codes:
                self.stdout.write(f"  {what}: /xac-minh/{code}")
