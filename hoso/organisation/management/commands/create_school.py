"""manage.py create_school — a new school, its grades and its first administrator.

The server's command line is the trust root: whoever runs it creates the school (audit events
without a person, channel "command"). The administrator's one-time password is printed once; the
administrator changes it at the first login, then sets the school up on the web (docs/SETUP.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.core.errors import DomainError
from hoso.organisation.models import Level, SuperiorKind
from hoso.organisation.setup.actions import school_create

LEVEL_HELP = ", ".join(f"{value} ({label})" for value, label in Level.choices)


class Command(BaseCommand):
    help = (
        "Tạo một trường (mã, tên, cấp học, cơ quan quản lý trực tiếp) và tài khoản quản trị viên "
        "đầu tiên với mật khẩu dùng một lần. Chạy lại với cùng mã trường không tạo trường thứ hai."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="mã trường (chữ không dấu, số, - _)")
        parser.add_argument("--name", required=True, help="tên trường, ví dụ 'Trường THCS Lê Lợi'")
        parser.add_argument("--short-name", default="", help="tên ngắn, ví dụ 'THCS Lê Lợi'")
        parser.add_argument(
            "--level",
            action="append",
            required=True,
            help=f"cấp học, lặp lại hoặc ngăn bằng dấu phẩy cho trường nhiều cấp: {LEVEL_HELP}",
        )
        parser.add_argument(
            "--superior-kind",
            default="",
            choices=["", *SuperiorKind.values],
            help=(
                "loại cơ quan quản lý trực tiếp: commune (UBND cấp xã) hoặc province (Sở GD&ĐT); "
                "mặc định theo cấp học: commune cho tiểu học, THCS; province cho THPT, GDTX"
            ),
        )
        parser.add_argument(
            "--superior-name",
            default="",
            help=(
                "tên đầy đủ của cơ quan quản lý trực tiếp; mặc định 'Ủy ban nhân dân <xã/phường>' "
                "hoặc 'Sở Giáo dục và Đào tạo <tỉnh/thành phố>'"
            ),
        )
        parser.add_argument("--province", required=True, help="tỉnh/thành phố")
        parser.add_argument("--commune", default="", help="xã/phường/đặc khu")
        parser.add_argument("--address", default="", help="địa chỉ trường")
        parser.add_argument("--admin-username", required=True, help="tên đăng nhập quản trị viên")
        parser.add_argument("--admin-name", required=True, help="họ và tên quản trị viên")
        parser.add_argument(
            "--admin-gender", required=True, help="giới tính quản trị viên: nam hoặc nu"
        )
        parser.add_argument("--admin-email", default="", help="thư điện tử quản trị viên")
        parser.add_argument("--admin-code", default="QTV001", help="mã cán bộ (mặc định QTV001)")

    def handle(self, *args, **o):
        levels = [part.strip() for value in o["level"] for part in value.split(",") if part.strip()]
        try:
            created = school_create(
                code=o["code"],
                name=o["name"],
                short_name=o["short_name"],
                levels=levels,
                superior_kind=o["superior_kind"],
                superior_name=o["superior_name"],
                province=o["province"],
                commune=o["commune"],
                address=o["address"],
                admin_username=o["admin_username"],
                admin_full_name=o["admin_name"],
                admin_gender=o["admin_gender"],
                admin_email=o["admin_email"],
                admin_code=o["admin_code"],
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        school = created.school
        # The default record catalogue of the school's levels (hồ sơ, deadlines, approval chains);
        # folders and obligations follow each year, staff and assignment as they are set up.
        from hoso.records.actions import record_types_seed

        types = record_types_seed(school=school)
        grades = ", ".join(str(g.number) for g in school.grades.order_by("number"))
        self.stdout.write(f"Đã tạo {school.name} (mã {school.code}), khối {grades}.")
        self.stdout.write(f"Cơ quan quản lý trực tiếp: {school.office_name}.")
        self.stdout.write(f"Danh mục hồ sơ mặc định: {len(types)} loại.")
        self.stdout.write("")
        self.stdout.write(f"Quản trị viên: {created.staff.full_name}")
        self.stdout.write(f"  Tên đăng nhập: {created.user.username}")
        self.stdout.write(f"  Mật khẩu dùng một lần: {created.password}")
        self.stdout.write(
            "  (chỉ in lần này; đổi ngay ở lần đăng nhập đầu tiên. Quên thì quản trị hệ thống "
            "đặt lại.)"
        )
        self.stdout.write("")
        self.stdout.write(
            "Tiếp theo: đăng nhập, vào 'Thiết lập trường' để nhập năm học, lớp, môn học, tổ "
            "chuyên môn và bộ quy tắc đánh giá; hiệu trưởng xác nhận (xem docs/SETUP.md)."
        )
