"""manage.py reset_principal_password --school CODE (--staff CODE | --username U)

A new one-time password for the principal (whose password nobody in the school may reset; the
administrator never sees a leader's password) — or a vice principal. Printed once; the person
must change it at the next login and is told in HoSo."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.core.errors import DomainError
from hoso.organisation.management.commands._leaders import (
    add_person_arguments,
    find_person,
    operator,
)
from hoso.organisation.staff.actions import leader_password_reset_by_server


class Command(BaseCommand):
    help = "Đặt lại mật khẩu của Hiệu trưởng (hoặc Phó hiệu trưởng) trên máy chủ."

    def add_arguments(self, parser):
        add_person_arguments(parser)

    def handle(self, *args, **options):
        school, staff = find_person(options)
        try:
            temporary = leader_password_reset_by_server(
                school=school, staff=staff, operator=operator()
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            f"Tài khoản: {staff.user.username}\n"
            f"Mật khẩu dùng một lần: {temporary}\n"
            "(chỉ hiện lần này; người dùng phải đổi ở lần đăng nhập đầu)"
        )
