"""manage.py appoint_principal --school CODE (--staff CODE | --username U) [--new-username U]

Records a person as the school's principal: the appointment the superior body decided, or the
first principal of a new school. Nobody in the school can make a principal (nobody promotes
themselves; a vice principal cannot make itself principal), so this runs on the server. The
person must be in the staff register. Prints the account's one-time password when the account
is opened or its unchanged one-time password is replaced; the person is told in HoSo."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.core.errors import DomainError
from hoso.organisation.management.commands._leaders import (
    add_person_arguments,
    find_person,
    operator,
)
from hoso.organisation.staff.actions import principal_appoint


class Command(BaseCommand):
    help = "Ghi một cán bộ là Hiệu trưởng của trường (bổ nhiệm của cơ quan quản lý)."

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument(
            "--new-username",
            default="",
            help="Tên đăng nhập khi người đó chưa có tài khoản (mặc định: đề xuất từ họ tên).",
        )

    def handle(self, *args, **options):
        school, staff = find_person(options)
        try:
            result = principal_appoint(
                school=school,
                staff=staff,
                operator=operator(),
                username=options["new_username"],
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        if result.change is None:
            self.stdout.write(f"{staff.full_name} đã là Hiệu trưởng của {school.name}.")
        else:
            self.stdout.write(f"Đã ghi {staff.full_name} là Hiệu trưởng của {school.name}.")
        if result.temporary_password:
            self.stdout.write(
                f"Tài khoản: {result.user.username}\n"
                f"Mật khẩu dùng một lần: {result.temporary_password}\n"
                "(chỉ hiện lần này; người dùng phải đổi ở lần đăng nhập đầu)"
            )
        else:
            self.stdout.write(f"Tài khoản: {result.user.username} (mật khẩu giữ nguyên).")
