"""What the leader commands share: finding the school and the person, naming the operator."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError

from hoso.organisation.models import School, Staff


def add_person_arguments(parser) -> None:
    parser.add_argument("--school", required=True, help="Mã trường (School.code).")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--staff", help="Mã cán bộ trong sổ của trường.")
    who.add_argument("--username", help="Tên đăng nhập của người đó (đã có hồ sơ ở trường).")


def find_person(options) -> tuple[School, Staff]:
    school = School.objects.filter(code=options["school"]).first()
    if school is None:
        raise CommandError(f"Không có trường mã {options['school']}.")
    people = Staff.objects.filter(school=school)
    if options.get("staff"):
        staff = people.filter(code=options["staff"]).first()
        what = f"mã cán bộ {options['staff']}"
    else:
        staff = people.filter(user__username=options["username"].lower()).first()
        what = f"tên đăng nhập {options['username']}"
    if staff is None:
        raise CommandError(
            f"Trường {school.code} không có cán bộ với {what}. Văn thư (hoặc quản trị viên) "
            "thêm người đó vào sổ cán bộ trước."
        )
    return school, staff


def operator() -> str:
    """Who ran the command on the server (the system account), for the audit trail."""
    try:
        return f"tài khoản máy chủ {getpass.getuser()}"
    except (KeyError, OSError):
        return "tài khoản máy chủ không rõ"
