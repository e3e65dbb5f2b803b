"""The staff-list import (nhập danh sách cán bộ từ Excel) through the import machinery's pages.

GIVEN the small school (clerk Bùi Thị Thu and administrator Hồ Quang Huy keep the register).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from hoso.accounts.models import User
from hoso.audit.models import AuditEvent
from hoso.imports.models import ImportBatch
from hoso.imports.tests.files import saved_by_libreoffice, xlsx
from hoso.organisation.models import Department, Position, Staff
from hoso.organisation.staff.importing.rows import read_row
from hoso.testing.factories import SMALL_SCHOOL_ROLES

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Chức vụ", "Tổ", "Ghi chú"]


def page(step: str, **kwargs) -> str:
    return reverse(f"organisation:staff_import_{step}", kwargs=kwargs)


def send(client, data: bytes, name: str = "can-bo.xlsx"):
    return client.post(page("upload"), {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def last_batch() -> ImportBatch:
    return ImportBatch.objects.filter(kind="staff").first()


def commit(client, batch, capture):
    with capture(execute=True):
        client.post(page("commit", batch_id=batch.pk))
    batch.refresh_from_db()
    return batch


# --- Rows (pure) ---------------------------------------------------------------------------------


def test_a_row_reads_into_the_registers_values():
    fields, extra, problems = read_row(
        {
            "full_name": "Nguyễn  Thị Minh  Anh",
            "birth_date": {"date": "1990-04-05"},
            "gender": "Nữ",
            "id_number": 1234567890.0,  # a number cell lost its leading zeros
            "phone": 912345678.0,
            "position": "GV",
            "employment": "Hợp đồng",
            "salary_coefficient": 4.68,
            "username": "Anh.NTM",
        }
    )
    assert problems == []
    assert (fields["family_name"], fields["middle_name"], fields["given_name"]) == (
        "Nguyễn",
        "Thị Minh",
        "Anh",
    )
    assert fields["birth_date"] == date(1990, 4, 5)
    assert fields["id_number"] == "001234567890" and fields["phone"] == "0912345678"
    assert fields["position"] == Position.TEACHER and fields["employment"] == "contract"
    assert fields["salary_coefficient"] == "4.68" and extra["username"] == "anh.ntm"


def test_an_empty_position_is_a_teacher_and_a_bad_date_names_its_value():
    fields, _extra, problems = read_row({"full_name": "Lê Văn Hải", "birth_date": "31/02/1990"})
    assert fields["position"] == Position.TEACHER
    assert problems == [("birth_date", "“31/02/1990” không có trong lịch.")]


# --- Through the pages ---------------------------------------------------------------------------


def test_the_template_round_trip_creates_staff_with_accounts_and_passwords_shown_once(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    client.force_login(w.users["clerk"])
    # GIVEN the register page offers the import and the template
    listing = client.get(reverse("organisation:staff")).content.decode()
    assert page("start") in listing and "Nhập từ Excel" in listing
    template = client.get(page("template"))
    book = load_workbook(io.BytesIO(template.content))
    sheet = book["Danh sách cán bộ"]
    headers = [c.value for c in sheet[2]]
    assert headers[:5] == ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert "Số định danh cá nhân" in headers  # the clerk writes personal fields
    # WHEN two people are written in the template and it is sent back
    column = {h: i + 1 for i, h in enumerate(headers)}
    people = [
        {
            "Mã cán bộ": "GV101",
            "Họ và tên": "Phan Thị Ngọc",
            "Ngày sinh": "12/03/1988",
            "Giới tính": "Nữ",
            "Số định danh cá nhân": "001188012345",
            "Chức vụ": "Giáo viên",
            "Tổ": "Tổ Toán – Tin",
            "Môn giảng dạy chính": "Toán",
        },
        {
            "Mã cán bộ": "NV102",
            "Họ và tên": "Trịnh Văn Long",
            "Giới tính": "Nam",
            "Chức vụ": "Kế toán",
            "Loại hình": "Hợp đồng lao động",
        },
    ]
    for offset, person in enumerate(people):
        for header, value in person.items():
            sheet.cell(row=3 + offset, column=column[header], value=value)
    out = io.BytesIO()
    book.save(out)
    send(client, out.getvalue())
    batch = last_batch()
    assert batch.state == ImportBatch.State.PREVIEW and batch.result["how"] == "recognised"
    assert batch.errors == []
    preview = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert "2 người mới" in preview and "Ghi 2 người mới vào sổ cán bộ" in preview
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    # THEN both are in the register, each with an account that must change its password
    assert batch.state == ImportBatch.State.COMMITTED and batch.result["count"] == 2
    ngoc = Staff.objects.get(school=w.school, code="GV101")
    assert ngoc.department.name == "Tổ Toán – Tin" and ngoc.id_number == "001188012345"
    assert ngoc.birth_date == date(1988, 3, 12) and ngoc.main_subject == "Toán"
    long = Staff.objects.get(school=w.school, code="NV102")
    assert long.position == Position.ACCOUNTANT and long.employment == "contract"
    assert ngoc.user.must_change_password and long.user.must_change_password
    assert AuditEvent.objects.filter(event_type="staff.created").count() == 2
    assert AuditEvent.objects.filter(event_type="account.created").count() == 2
    summary = AuditEvent.objects.get(event_type="staff.imported")
    assert summary.after["count"] == 2 and "password" not in str(summary.after)
    # AND the passwords are shown once, to the clerk who committed, then wiped
    accounts = page("accounts", batch_id=batch.pk)
    done = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert accounts in done
    before = client.get(accounts)
    assert before["Cache-Control"] == "private, no-store"
    assert ngoc.user.username in before.content.decode()
    password = batch.result["accounts"][0]["password"]
    assert password and password not in before.content.decode()
    shown = client.post(accounts).content.decode()
    assert password in shown
    assert User.objects.get(pk=ngoc.user_id).check_password(password)
    batch.refresh_from_db()
    assert all(a["password"] is None for a in batch.result["accounts"])
    assert password not in client.post(accounts).content.decode()
    assert AuditEvent.objects.filter(event_type="staff.import_passwords_shown").count() == 1


def test_the_sector_databases_headers_are_recognised(client, world):
    client.force_login(world.users["clerk"])
    rows = [
        [
            "TT",
            "Mã CB",
            "Họ tên",
            "Ngày tháng năm sinh",
            "GT",
            "Số CCCD",
            "Số điện thoại",
            "Chức vụ",
            "Tổ bộ môn",
            "Ngày tuyển dụng",
            "Ngày vào trường",
            "Trình độ đào tạo",
            "Hạng chức danh",
            "Mã ngạch",
            "Hệ số lương",
            "Trình độ lý luận chính trị",
        ],
        [
            1,
            "CB900",
            "Đinh Thị Hạnh",
            "04/05/1985",
            "Nữ",
            "001185001234",
            "0987654321",
            "GV",
            "Ngữ văn",
            "01/09/2008",
            "15/08/2015",
            "Đại học sư phạm",
            "Hạng II",
            "V.07.04.31",
            "4,68",
            "Trung cấp",
        ],
    ]
    send(client, xlsx(rows))
    batch = last_batch()
    mapping = batch.column_mapping()
    assert mapping[1] == "code" and mapping[2] == "full_name" and mapping[5] == "id_number"
    assert mapping[8] == "department" and mapping[9] == "start_date"
    assert mapping[10] == "school_start_date" and mapping[13] == "rank_code"
    assert batch.state == ImportBatch.State.PREVIEW and batch.errors == [], batch.errors
    assert batch.rows[0]["fields"]["department"] == Department.objects.get(name="Tổ Ngữ văn").pk


def test_rows_with_errors_are_reported_by_row_and_column_and_nothing_is_written(client, world):
    client.force_login(world.users["clerk"])
    send(
        client,
        xlsx(
            [
                HEADERS,
                [1, "GV201", "Hà Văn Sơn", "30/02/1980", "Nam", "", "", ""],
                [2, "", "Cao Thị Vân", "01/01/1990", "Nu?", "", "Tổ Hóa", ""],
                [3, "GV201", "Hà Văn Sơn", "", "Nam", "Trưởng phòng", "", ""],
            ]
        ),
    )
    batch = last_batch()
    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert found[(2, "D (Ngày sinh)")] == "“30/02/1980” không có trong lịch."
    assert found[(3, "B (Mã cán bộ)")] == "Mã cán bộ không được để trống."
    assert found[(3, "E (Giới tính)")].startswith("Giới tính phải là một trong: Nam, Nữ")
    assert found[(3, "G (Tổ)")] == "Không có tổ “Tổ Hóa” trong trường."
    assert found[(4, "F (Chức vụ)")].startswith("Chức vụ phải là một trong")
    assert found[(4, "B (Mã cán bộ)")] == "Trùng với dòng 2 của tệp (cùng mã cán bộ)."
    preview = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert page("commit", batch_id=batch.pk) not in preview
    assert client.post(page("commit", batch_id=batch.pk)).status_code in (302, 400)
    assert not Staff.objects.filter(code="GV201").exists()


@pytest.mark.parametrize(
    ("user", "position", "code"),
    [
        ("admin", "Phó hiệu trưởng", "position_needs_principal"),
        ("admin", "Hiệu trưởng", "position_needs_principal"),
        ("clerk", "Phó hiệu trưởng", "position_needs_principal"),
        ("clerk", "Quản trị viên", "position_needs_leader"),
        ("admin", "Văn thư", "position_needs_leader"),
    ],
)
def test_nobody_promotes_themselves_through_an_import(client, world, user, position, code):
    client.force_login(world.users[user])
    send(
        client,
        xlsx([HEADERS, [1, "CB777", "Lương Văn Quý", "", "Nam", position, "", ""]]),
    )
    batch = last_batch()
    (error,) = batch.errors
    assert (error["row"], error["column"], error["code"]) == (2, "F (Chức vụ)", code)
    assert "Dòng này không được nhập" in error["message"]
    assert batch.state == ImportBatch.State.PREVIEW
    client.post(page("commit", batch_id=batch.pk))
    assert not Staff.objects.filter(code="CB777").exists()
    assert not User.objects.filter(display_name="Lương Văn Quý").exists()


def test_the_same_user_name_twice_in_the_file_is_an_error_of_the_later_row(client, world):
    client.force_login(world.users["clerk"])
    rows = [
        ["Mã cán bộ", "Họ và tên", "Giới tính", "Tên đăng nhập"],
        ["CB551", "Lò Văn Pá", "Nam", "pa.lv"],
        ["CB552", "Lò Thị Pe", "Nữ", "PA.LV"],
    ]
    send(client, xlsx(rows))
    (error,) = last_batch().errors
    assert (error["row"], error["column"]) == (3, "D (Tên đăng nhập)")
    assert error["message"] == "Trùng với dòng 2 của tệp (cùng tên đăng nhập)."


def test_the_administrator_writes_no_personal_fields_and_is_told(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["admin"])
    template = load_workbook(io.BytesIO(client.get(page("template")).content))
    assert "Số định danh cá nhân" not in [c.value for c in template["Danh sách cán bộ"][2]]
    send(
        client,
        xlsx(
            [
                ["Mã cán bộ", "Họ và tên", "Giới tính", "Số định danh cá nhân", "Hệ số lương"],
                ["CB301", "Tạ Thị Liên", "Nữ", "001190001111", "3,33"],
            ]
        ),
    )
    batch = last_batch()
    assert batch.errors == []
    assert "dữ liệu cá nhân" in batch.result["warnings"][0]["message"]
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.COMMITTED
    lien = Staff.objects.get(code="CB301")
    assert lien.id_number == "" and lien.salary_coefficient is None and lien.user is not None


def test_existing_people_are_skipped_and_a_second_import_writes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    client.force_login(w.users["clerk"])
    subject = w.people["subject"]
    rows = [
        ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính"],
        [subject.code, subject.full_name, "", "Nam"],
        ["CB401", "Kiều Thị Oanh", "02/02/1992", "Nữ"],
    ]
    send(client, xlsx(rows))
    batch = last_batch()
    assert batch.errors == []
    (warning,) = batch.result["warnings"]
    assert (warning["row"], warning["column"]) == (2, "A (Mã cán bộ)")
    assert "đã có trong sổ cán bộ" in warning["message"]
    preview = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert "1 người mới" in preview and "1 người đã có trong sổ — bỏ qua" in preview
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    assert batch.result["count"] == 1 and batch.result["skipped"] == 1
    count = Staff.objects.filter(school=w.school).count()
    # WHEN the same file comes again (and the same person under another code, by name + birth)
    rows.append(["CB999", "KIỀU THỊ OANH", "02/02/1992", "Nữ"])
    send(client, xlsx(rows))
    again = last_batch()
    assert again.pk != batch.pk and again.errors == []
    assert all(r["skip"] for r in again.rows)
    assert [w_["row"] for w_ in again.result["warnings"]] == [2, 3, 4]
    page_text = client.get(page("batch", batch_id=again.pk)).content.decode()
    assert page("commit", batch_id=again.pk) not in page_text
    client.post(page("commit", batch_id=again.pk))
    assert Staff.objects.filter(school=w.school).count() == count


def test_a_user_name_taken_between_preview_and_commit_fails_the_batch_and_writes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["clerk"])
    send(
        client,
        xlsx(
            [
                ["Mã cán bộ", "Họ và tên", "Giới tính", "Tên đăng nhập"],
                ["CB501", "Mạc Văn Tú", "Nam", ""],
                ["CB502", "Mạc Thị Lụa", "Nữ", "lua.mt"],
            ]
        ),
    )
    batch = last_batch()
    assert batch.errors == []
    User.objects.create_user("lua.mt", "x-Unused-1", display_name="Người khác")
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "D (Tên đăng nhập)")]
    assert not Staff.objects.filter(code__in=["CB501", "CB502"]).exists()
    assert not User.objects.filter(display_name="Mạc Văn Tú").exists()


ROLES = SMALL_SCHOOL_ROLES


@pytest.mark.parametrize("role", ROLES)
def test_only_the_registers_keepers_import_staff(client, world, role):
    """Whoever creates staff (the clerk, the administrator); the others are refused (403)."""
    status = 200 if role in ("clerk", "admin") else 403
    client.force_login(world.users[role])
    assert client.get(page("start")).status_code == status
    assert client.get(page("template")).status_code == status
    response = send(client, xlsx([HEADERS, [1, "CB601", "Tô Văn Bắc", "", "Nam", "", "", ""]]))
    assert (response.status_code == 302) == (status == 200)
    assert ImportBatch.objects.filter(kind="staff").exists() == (status == 200)


def test_the_passwords_are_not_shown_to_another_keeper(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["clerk"])
    send(client, xlsx([HEADERS, [1, "CB701", "Âu Thị Mỹ", "", "Nữ", "", "", ""]]))
    batch = commit(client, last_batch(), django_capture_on_commit_callbacks)
    password = batch.result["accounts"][0]["password"]
    client.force_login(world.users["admin"])
    accounts = page("accounts", batch_id=batch.pk)
    assert password not in client.post(accounts).content.decode()
    batch.refresh_from_db()
    assert batch.result["accounts"][0]["password"] == password  # still the clerk's to take


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_a_list_saved_by_libreoffice_is_imported(
    client, world, extension, django_capture_on_commit_callbacks
):
    data = saved_by_libreoffice(
        _csv(
            [
                ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Điện thoại"],
                ["1", "CB801", "Nghiêm Thị Thủy", "1991-08-07", "Nữ", "0912000111"],
            ]
        ),
        extension,
    )
    client.force_login(world.users["clerk"])
    send(client, data, f"can-bo.{extension}")
    batch = commit(client, last_batch(), django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.COMMITTED, batch.errors
    thuy = Staff.objects.get(code="CB801")
    assert thuy.birth_date == date(1991, 8, 7) and thuy.phone == "0912000111"


def test_passwords_nobody_took_are_erased_with_the_batchs_rows(
    client, world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from hoso.core import clock
    from hoso.imports.retention import purge_upload_batches

    client.force_login(world.users["clerk"])
    send(client, xlsx([HEADERS, [1, "CB901", "Khổng Thị Mơ", "", "Nữ", "", "", ""]]))
    batch = commit(client, last_batch(), django_capture_on_commit_callbacks)
    password = batch.result["accounts"][0]["password"]
    assert purge_upload_batches(days=30) == {}  # not yet
    purge_upload_batches(days=30, now=clock.now() + timedelta(days=31))
    batch.refresh_from_db()
    assert batch.rows == [] and batch.result["passwords_expired"] is True
    assert batch.result["accounts"][0]["password"] is None
    assert batch.result["accounts"][0]["username"]  # the user names stay
    shown = client.post(page("accounts", batch_id=batch.pk)).content.decode()
    assert password not in shown and "đã bị xóa khi lần nhập quá hạn lưu" in shown
