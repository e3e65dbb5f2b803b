"""manage.py create_school: GIVEN an empty database, WHEN the command runs, THEN it creates the
school, its grades, the administrator's Staff row and account with a one-time password printed
once, with audit events from the command line; WHEN it runs again or with bad input, THEN it
refuses in Vietnamese, exits non-zero and creates nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from hoso.accounts.models import User
from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.organisation.models import GradeLevel, Position, School, Staff, SuperiorKind
from hoso.records.models import RecordType

pytestmark = pytest.mark.django_db

ARGS = [
    "--code",
    "THCS-LL",
    "--name",
    "Trường THCS Lê Lợi",
    "--short-name",
    "THCS Lê Lợi",
    "--level",
    "lower_secondary",
    "--province",
    "Thành phố Hải Phòng",
    "--commune",
    "Phường Hải An",
    "--address",
    "Số 1 đường Lê Lợi",
    "--admin-username",
    "QuanTri.LL",
    "--admin-name",
    "Trần  Văn Quản",
    "--admin-gender",
    "nam",
    "--admin-email",
    "quantri@thcs-leloi.example",
]


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_school", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_the_school_its_grades_and_its_administrator():
    output = run(*ARGS)
    school = School.objects.get(code="THCS-LL")
    assert school.levels == ["lower_secondary"]
    assert school.superior_kind == SuperiorKind.COMMUNE
    assert school.office_name == "Ủy ban nhân dân phường Hải An"
    assert school.head_title == "Hiệu trưởng"
    assert list(GradeLevel.objects.filter(school=school).values_list("number", flat=True)) == [
        6,
        7,
        8,
        9,
    ]
    staff = Staff.objects.get(school=school)
    assert (staff.family_name, staff.middle_name, staff.given_name) == ("Trần", "Văn", "Quản")
    assert staff.position == Position.ADMINISTRATOR and staff.gender == "M"
    assert staff.sort_name and staff.search_name == "tran van quan"
    user = staff.user
    assert user.username == "quantri.ll" and user.must_change_password
    assert user.email == "quantri@thcs-leloi.example"
    password = re.search(r"Mật khẩu dùng một lần: (\S+)", output).group(1)
    assert authenticate(username="quantri.ll", password=password) == user
    assert "Tên đăng nhập: quantri.ll" in output and "Thiết lập trường" in output
    events = AuditEvent.objects.filter(school=school).order_by("seq")
    assert [e.event_type for e in events] == [
        "school.created",
        "staff.created",
        "account.created",
        "records.types_seeded",
    ]
    assert all(e.actor_id is None and e.channel == "command" for e in events)
    # The school starts with the default record catalogue of its level.
    types = RecordType.objects.filter(school=school)
    assert types.exists() and f"Danh mục hồ sơ mặc định: {types.count()} loại." in output
    assert password not in str([e.after for e in events])
    assert verify_all()[1] == []


@pytest.mark.parametrize(
    ("levels", "kind", "office", "head"),
    [
        (
            ["upper_secondary"],
            SuperiorKind.PROVINCE,
            "Sở Giáo dục và Đào tạo thành phố Hải Phòng",
            "Hiệu trưởng",
        ),
        (
            ["continuing"],
            SuperiorKind.PROVINCE,
            "Sở Giáo dục và Đào tạo thành phố Hải Phòng",
            "Giám đốc",
        ),
        (
            ["primary", "lower_secondary"],
            SuperiorKind.COMMUNE,
            "Ủy ban nhân dân phường Hải An",
            "Hiệu trưởng",
        ),
    ],
)
def test_the_superior_body_follows_the_levels(levels, kind, office, head):
    args = list(ARGS)
    i = args.index("--level")
    args[i + 1] = ",".join(levels)
    run(*args)
    school = School.objects.get(code="THCS-LL")
    assert (school.superior_kind, school.office_name, school.head_title) == (kind, office, head)
    assert school.levels == levels


def test_an_explicit_superior_body_is_kept():
    run(*ARGS, "--superior-kind", "province", "--superior-name", "Sở Giáo dục và Đào tạo Hải Phòng")
    school = School.objects.get(code="THCS-LL")
    assert school.superior_kind == "province"
    assert school.office_name == "Sở Giáo dục và Đào tạo Hải Phòng"


def test_running_it_twice_creates_no_second_school():
    run(*ARGS)
    again = [a if a != "QuanTri.LL" else "khac.ll" for a in ARGS]
    with pytest.raises(CommandError) as caught:
        run(*again)
    assert str(caught.value) == "Đã có trường mã THCS-LL: không tạo trường thứ hai cùng mã."
    assert School.objects.count() == 1 and User.objects.count() == 1


def test_a_code_differing_only_in_case_is_the_same_school():
    run(*ARGS)
    with pytest.raises(CommandError):
        run(*[a if a != "THCS-LL" else "thcs-ll" for a in ARGS])
    assert School.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--level", "secondary"), "Cấp học không hợp lệ"),
        (("--level", "lower_secondary,continuing"), "có chung khối lớp"),
        (("--admin-username", "quản trị"), "Tên đăng nhập “quản trị” không hợp lệ"),
        (("--admin-name", "Quản"), "Họ và tên phải có ít nhất họ và tên"),
        (("--admin-gender", "x"), "Giới tính (nam hoặc nữ) không hợp lệ."),
        (("--admin-email", "khong-phai-thu"), "Địa chỉ thư điện tử “khong-phai-thu” không hợp lệ."),
        (("--code", "THCS LL"), "Mã trường “THCS LL” không hợp lệ"),
        (("--name", "T" * 201), "Tên trường dài 201 ký tự, quá giới hạn 200 ký tự"),
        (("--commune", ""), "Hãy nhập xã/phường/đặc khu."),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_created(change, message):
    args = list(ARGS)
    flag, value = change
    args[args.index(flag) + 1] = value
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)
    assert School.objects.count() == 0 and User.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="school.created").exists()


def test_a_taken_username_is_refused(world):
    args = list(ARGS)
    args[args.index("--admin-username") + 1] = world.users["admin"].username
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert "đã có người dùng" in str(caught.value)
    assert not School.objects.filter(code="THCS-LL").exists()


def test_a_refusal_exits_with_status_1(capsys):
    """What the shell sees: Django turns the refusal into "CommandError: …" and exit status 1."""
    args = list(ARGS)
    args[args.index("--level") + 1] = "x"
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "create_school", *args]).execute()
    assert caught.value.code == 1
    assert "CommandError: Cấp học không hợp lệ" in capsys.readouterr().err


def status() -> str:
    out = io.StringIO()
    call_command("setup_status", stdout=out)
    return out.getvalue()


def test_on_an_empty_database_the_status_says_what_to_type_next():
    text = status()
    assert text.startswith("Chưa có trường nào.")
    assert "manage.py create_school --code" in text and "--admin-gender nam" in text


def test_the_status_follows_each_schools_set_up(fresh):
    from hoso.organisation.setup.tests.conftest import make_year

    assert "Chưa có năm học" in status()
    make_year(fresh)
    text = status()
    assert "THCS-LL  Trường THCS Lê Lợi  (quản trị viên: quantri.thcs-ll)" in text
    assert "Năm học 2026-2027: Đang thiết lập — còn: khối và lớp" in text
