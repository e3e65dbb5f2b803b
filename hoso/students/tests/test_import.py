"""Excel import of a class list: template, recognition, mapping, errors by row/column, commit.

Policy under test: ALL OR NOTHING — a file with any error writes nothing; a failure during the
commit rolls every row back and leaves the batch FAILED with its errors.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hoso.accounts.actor import build_actor
from hoso.accounts.models import User
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.imports import actions as import_actions
from hoso.imports.cells import CellError, column_label, parse_date_cell
from hoso.imports.errors import ImportErrorCode
from hoso.imports.headers import headers_of, signature
from hoso.imports.models import ImportBatch, ImportMapping
from hoso.imports.reading import read_workbook
from hoso.organisation.models import (
    GradeLevel,
    HomeroomAssignment,
    Level,
    Position,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    TeachingAssignment,
    Term,
)
from hoso.students.errors import StudentError
from hoso.students.importing import importer as class_list
from hoso.students.importing import rows as class_rows
from hoso.students.importing.template import TEMPLATE_COLUMNS
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterEntry,
    Student,
)
from hoso.students.selectors import class_roster

pytestmark = [pytest.mark.django_db]

State = ImportBatch.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Factories ------------------------------------------------------------------------------------


@dataclass
class World:
    school: School
    year: SchoolYear
    school_class: SchoolClass
    users: dict[str, User]

    def actor(self, who: str):
        return build_actor(self.users[who], self.school, self.year)


def _staff(school, username, position, family, middle, given, gender="F") -> Staff:
    user = User.objects.create_user(
        f"{username}.{school.code}",
        None,
        display_name=f"{family} {middle} {given}",
        must_change_password=False,
    )
    staff = Staff(
        school=school,
        user=user,
        code=f"{username}-{school.code}",
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=gender,
        position=position,
    )
    staff.refresh_name_keys()
    staff.save()
    return staff


def make_world(code: str = "THCS1") -> World:
    """One school, year 2026-2027 with two terms, grade 6, class 6A1, a homeroom teacher, a
    clerk and a subject teacher of 6A1."""
    school = School.objects.create(
        code=code,
        name=f"Trường THCS {code}",
        levels=[Level.LOWER_SECONDARY],
        superior_kind="commune",
        office_name="Ủy ban nhân dân xã Thử",
    )
    year = SchoolYear.objects.create(
        school=school, name="2026-2027", start_date=date(2026, 9, 5), end_date=date(2027, 5, 31)
    )
    term1 = Term.objects.create(
        year=year, number=1, start_date=date(2026, 9, 5), end_date=date(2027, 1, 16)
    )
    Term.objects.create(
        year=year, number=2, start_date=date(2027, 1, 18), end_date=date(2027, 5, 31)
    )
    grade = GradeLevel.objects.create(school=school, number=6, level=Level.LOWER_SECONDARY)
    school_class = SchoolClass.objects.create(year=year, grade=grade, name="6A1")
    homeroom = _staff(school, "gvcn", Position.TEACHER, "Trần", "Thị", "Hoa")
    HomeroomAssignment.objects.create(teacher=homeroom, school_class=school_class)
    clerk = _staff(school, "vanthu", Position.CLERK, "Lê", "Thị", "Thu")
    teacher = _staff(school, "gvbm", Position.TEACHER, "Phạm", "Văn", "Toàn", gender="M")
    maths = Subject.objects.create(
        school=school,
        level=Level.LOWER_SECONDARY,
        code="TOAN",
        name="Toán",
        assessment=Subject.Assessment.SCORE,
    )
    TeachingAssignment.objects.create(
        teacher=teacher, school_class=school_class, subject=maths, term=term1
    )
    users = {"homeroom": homeroom.user, "clerk": clerk.user, "subject_teacher": teacher.user}
    return World(school, year, school_class, users)


@pytest.fixture
def world(db):  # overrides the project-wide fixture: this module builds its own small world
    return make_world()


TEMPLATE_FIELDS = [name for _, name, _, _ in TEMPLATE_COLUMNS]
TEMPLATE_HEADERS = [title for title, _, _, _ in TEMPLATE_COLUMNS]


def template_row(**values) -> list:
    return [values.get(name, "") for name in TEMPLATE_FIELDS]


def xlsx(
    rows: list[list], *, headers=TEMPLATE_HEADERS, title="DANH SÁCH HỌC SINH LỚP 6A1"
) -> bytes:
    """A workbook like our template: title in row 1 (if any), headers, then ``rows``."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ANH = {
    "sequence": 1,
    "student_code": "HS001",
    "full_name": "Nguyễn Thị Ánh",
    "birth_date": "04/03/2015",
    "gender": "Nữ",
    "birth_place": "Hà Nội",
    "personal_id": "001315001234",
    "father_name": "Nguyễn Văn Tư",
    "father_phone": "0912345678",
    "father_occupation": "Kỹ sư",
    "mother_name": "Lê Thị Mai",
    "mother_phone": "0987654321",
}
BINH = {
    "sequence": 2,
    "student_code": "HS002",
    "full_name": "Trần Văn Bình",
    "birth_date": "12/11/2015",
    "gender": "Nam",
    "personal_id": "001215004321",
    "mother_name": "Phạm Thị Lan",
    "mother_phone": "0911222333",
}
AN = {
    "sequence": 3,
    "student_code": "HS003",
    "full_name": "Lê Văn An",
    "birth_date": "2015-01-20",
    "gender": "nam",
}


def upload(world, who, data, filename="lop6a1.xlsx"):
    return import_actions.import_upload(
        actor=world.actor(who),
        importer=class_list.CLASS_LIST,
        target=world.school_class,
        filename=filename,
        data=data,
    )


def commit(world, who, batch, capture):
    with capture(execute=True):
        import_actions.import_queue_commit(actor=world.actor(who), batch=batch)
    batch.refresh_from_db()
    return batch


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def urls(world, batch=None):
    out = {
        name: reverse(f"students:{name}", kwargs={"class_id": world.school_class.pk})
        for name in ("import_start", "import_template", "import_upload")
    }
    if batch is not None:
        for name in ("import_batch", "import_map", "import_commit", "import_cancel"):
            out[name] = reverse(f"students:{name}", kwargs={"batch_id": batch.pk})
    return out


def existing_student(world, code="HS900", name=("Đặng", "Văn", "Cũ"), personal_id=""):
    student = Student(
        school=world.school,
        student_code=code,
        personal_id=personal_id,
        family_name=name[0],
        middle_name=name[1],
        given_name=name[2],
        gender="M",
        birth_date=date(2015, 2, 2),
    )
    student.refresh_name_keys()
    student.save()
    return student


# --- Pure parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ({"date": "2015-03-04"}, date(2015, 3, 4)),
        ("04/03/2015", date(2015, 3, 4)),
        ("4/3/2015", date(2015, 3, 4)),
        ("2015-03-04", date(2015, 3, 4)),
        ("2015-03-04 00:00:00", date(2015, 3, 4)),
        (42067.0, date(2015, 3, 4)),  # Excel serial number
        ("", None),
    ],
)
def test_dates_in_every_accepted_shape(cell, expected):
    assert parse_date_cell(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/2015", "2015-13-01", "4 tháng 3 2015", "04/03/15"])
def test_impossible_or_unreadable_dates_are_refused(cell):
    with pytest.raises(CellError):
        parse_date_cell(cell)


def test_headers_of_our_template_and_of_other_systems_are_recognised():
    recognised = class_rows.suggest_mapping(
        ["STT", "Mã HS", "Họ tên học sinh", "Ngày tháng năm sinh", "GT", "Mã định danh", "SĐT mẹ"]
    )
    assert recognised == {
        0: "sequence",
        1: "student_code",
        2: "full_name",
        3: "birth_date",
        4: "gender",
        5: "personal_id",
        6: "mother_phone",
    }
    assert class_rows.recognise_header("Ngày sinh (dd/mm/yyyy)") == "birth_date"
    assert class_rows.recognise_header("NƠI Ở HIỆN NAY") == "address"
    assert class_rows.recognise_header("Số hiệu HS") is None
    assert signature(["Họ tên", "GT", ""]) == signature(["HỌ TÊN", "gt"])


def test_rows_and_columns_keep_their_excel_numbers_when_the_sheet_starts_further_in():
    book = Workbook()
    book.active["C3"] = "Mã học sinh"
    book.active["D5"] = "x"
    out = io.BytesIO()
    book.save(out)
    (sheet,) = read_workbook(out.getvalue())
    assert sheet.rows == [
        {"row": 3, "cells": ["", "", "Mã học sinh"]},
        {"row": 5, "cells": ["", "", "", "x"]},
    ]
    assert column_label(2, headers_of(sheet.rows[0], 4)) == "C (Mã học sinh)"


# --- Template round trip (HTTP) -------------------------------------------------------------------


def test_template_round_trip_download_fill_upload_preview_commit(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world, "homeroom")
    u = urls(world)
    start = client.get(u["import_start"])
    assert start.status_code == 200
    assert "tất cả hoặc không" in start.content.decode()
    assert "Mã học sinh đã có" in start.content.decode()

    # GIVEN the downloaded template
    response = client.get(u["import_template"])
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Danh sách lớp 6A1", "Hướng dẫn"]
    sheet = book["Danh sách lớp 6A1"]
    assert [c.value for c in sheet[2]] == TEMPLATE_HEADERS
    assert sheet.freeze_panes == "C3"
    assert sheet["B3"].number_format == "@" and sheet["I3"].number_format == "@"
    assert any(dv.formula1 == '"Nam,Nữ"' for dv in sheet.data_validations.dataValidation)
    # WHEN three rows are filled in (the other rows keep only their STT) and uploaded
    for offset, row in enumerate((ANH, BINH, AN)):
        for column, name in enumerate(TEMPLATE_FIELDS, start=1):
            if name in row and name != "sequence":
                sheet.cell(row=3 + offset, column=column, value=row[name])
    filled = io.BytesIO()
    book.save(filled)
    response = client.post(
        u["import_upload"],
        {
            "file": SimpleUploadedFile("lop6a1.xlsx", filled.getvalue(), content_type=XLSX),
            "start_date": "2026-09-05",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    # THEN the preview is clean and offers the commit button
    assert batch.state == State.PREVIEW and batch.errors == []
    assert [r["row"] for r in batch.rows] == [3, 4, 5]
    page = client.get(urls(world, batch)["import_batch"]).content.decode()
    assert "3 dòng hợp lệ" in page and "Ghi 3 học sinh vào lớp 6A1" in page

    # WHEN committed (the task runs when the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(world, batch)["import_commit"])
    assert response.status_code == 302
    batch.refresh_from_db()
    # THEN three students, enrolled, with register numbers, guardians, in Vietnamese order
    assert batch.state == State.COMMITTED and batch.result["count"] == 3
    roster = list(class_roster(world.school_class))
    assert [e.student.full_name for e in roster] == ["Lê Văn An", "Nguyễn Thị Ánh", "Trần Văn Bình"]
    assert sorted(e.student.register_entry.number for e in roster) == [1, 2, 3]
    assert {e.start_date for e in roster} == {date(2026, 9, 5)}
    anh = Student.objects.get(student_code="HS001")
    assert (anh.family_name, anh.middle_name, anh.given_name) == ("Nguyễn", "Thị", "Ánh")
    assert anh.birth_date == date(2015, 3, 4) and anh.gender == "F"
    assert anh.ethnicity == "Kinh" and anh.nationality == "Việt Nam"
    links = {
        link.relation: (link.guardian.full_name, link.guardian.phone, link.guardian.occupation)
        for link in anh.guardian_links.select_related("guardian")
    }
    assert links == {
        "father": ("Nguyễn Văn Tư", "0912345678", "Kỹ sư"),
        "mother": ("Lê Thị Mai", "0987654321", ""),
    }
    assert AuditEvent.objects.filter(event_type="student.enrolled").count() == 3
    summary = AuditEvent.objects.get(event_type="student.imported")
    assert summary.after["count"] == 3 and summary.after["class"] == "6A1"
    assert sorted(summary.after["student_ids"]) == sorted(e.student_id for e in roster)
    # The htmx poll gets the status part with the link to the class.
    poll = client.get(urls(world, batch)["import_batch"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đã ghi 3 học sinh" in poll
    assert reverse("organisation:class_detail", kwargs={"class_id": world.school_class.pk}) in poll
    assert "hx-trigger" not in poll


def test_while_queued_the_status_part_polls_every_second(client, world):
    login(client, world, "homeroom")
    batch = upload(world, "homeroom", xlsx([template_row(**ANH)]))
    ImportBatch.objects.filter(pk=batch.pk).update(state=State.QUEUED)
    poll = client.get(urls(world, batch)["import_batch"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in poll and "Đang ghi" in poll


# --- Errors by row and column ---------------------------------------------------------------------


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written(
    world, django_capture_on_commit_callbacks
):
    existing_student(world, code="HS900")
    rows = [
        template_row(**ANH),  # row 3: fine
        template_row(
            student_code="HS010", full_name="Đỗ Văn Dũng", birth_date="31/02/2015", gender="Nam"
        ),
        template_row(
            student_code="HS011", full_name="Phạm Thị Hà", birth_date="01/01/2015", gender="Khác"
        ),
        template_row(
            student_code="HS012",
            full_name="Vũ Văn Nam",
            birth_date="01/01/2015",
            gender="Nam",
            personal_id="12345",
        ),
        template_row(student_code="HS013", birth_date="01/01/2015", gender="Nữ"),  # no name
        template_row(**(ANH | {"personal_id": "", "full_name": "Nguyễn Thị Bé"})),  # HS001 again
        template_row(
            student_code="HS014", full_name="Mai Văn Lớn", birth_date="10/10/2010", gender="Nam"
        ),
        template_row(
            student_code="HS015",
            full_name="Hoàng Thị Yến",
            birth_date="05/05/2015",
            gender="NỮ",
            mother_name="Hoàng Thị Mơ",
            mother_phone="12345",
        ),
        template_row(sequence=11),  # only STT: skipped
        template_row(
            student_code="HS900", full_name="Đặng Văn Mới", birth_date="02/02/2015", gender="m"
        ),
    ]
    batch = upload(world, "homeroom", xlsx(rows))
    assert batch.state == State.PREVIEW
    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert set(found) == {
        (4, "D (Ngày sinh)"),
        (5, "E (Giới tính)"),
        (6, "I (Mã định danh cá nhân)"),
        (7, "C (Họ và tên)"),
        (8, "B (Mã học sinh)"),
        (9, "D (Ngày sinh)"),
        (10, "P (SĐT mẹ)"),
        (12, "B (Mã học sinh)"),
    }
    assert found[(4, "D (Ngày sinh)")] == "Ngày sinh “31/02/2015” không có trong lịch."
    assert found[(5, "E (Giới tính)")] == "Giới tính phải là Nam hoặc Nữ (đang ghi “Khác”)."
    assert "12 chữ số" in found[(6, "I (Mã định danh cá nhân)")]
    assert found[(7, "C (Họ và tên)")] == "Họ và tên không được để trống."
    assert found[(8, "B (Mã học sinh)")] == "Mã học sinh “HS001” trùng với dòng 3."
    assert found[(9, "D (Ngày sinh)")].startswith("Ngày sinh không phù hợp với khối lớp 6")
    assert "10 chữ số" in found[(10, "P (SĐT mẹ)")]
    assert found[(12, "B (Mã học sinh)")] == "Mã học sinh đã có: Đặng Văn Cũ."
    assert 11 not in {r["row"] for r in batch.rows}
    # Nothing can be committed; nothing was written.
    with pytest.raises(DomainError) as refused:
        import_actions.import_queue_commit(actor=world.actor("homeroom"), batch=batch)
    assert refused.value.code == ImportErrorCode.IMPORT_HAS_ERRORS
    assert Student.objects.count() == 1 and Enrolment.objects.count() == 0
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW and len(batch.raw_rows) == 12  # the upload is kept


def test_preview_page_marks_the_bad_cells_and_offers_no_commit(client, world):
    login(client, world, "homeroom")
    batch = upload(
        world,
        "homeroom",
        xlsx([template_row(**ANH), template_row(**(BINH | {"birth_date": "31/02/2015"}))]),
    )
    page = client.get(urls(world, batch)["import_batch"]).content.decode()
    assert "1 dòng hợp lệ" in page and "1 dòng có lỗi" in page
    assert "chưa ghi dòng nào" in page and "D (Ngày sinh)" in page
    assert 'aria-invalid="true"' in page
    assert urls(world, batch)["import_commit"] not in page


def test_not_a_spreadsheet_is_refused_in_vietnamese_and_the_form_keeps_the_date(client, world):
    login(client, world, "clerk")
    response = client.post(
        urls(world)["import_upload"],
        {
            "file": SimpleUploadedFile("lop.xlsx", b"this is not excel", content_type=XLSX),
            "start_date": "2026-09-10",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tệp không phải bảng tính Excel hợp lệ" in page
    assert 'value="2026-09-10"' in page
    assert ImportBatch.objects.count() == 0


def test_empty_rows_and_rows_with_only_stt_are_skipped(world):
    data = xlsx(
        [template_row(**ANH), [], template_row(sequence=2), [None] * 5, template_row(**BINH)]
    )
    batch = upload(world, "homeroom", data)
    assert batch.errors == [] and [r["row"] for r in batch.rows] == [3, 7]


# --- Files from other systems: column mapping -----------------------------------------------------

SMAS_HEADERS = [
    "STT",
    "Số hiệu HS",
    "Họ tên học sinh",
    "Ngày tháng năm sinh",
    "GT",
    "Mã định danh",
    "Nơi ở hiện nay",
]


def smas_file(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["SỞ GD&ĐT — DANH SÁCH HỌC SINH"])
    sheet.append([])
    sheet.append(SMAS_HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_foreign_file_needs_mapping_then_the_saved_mapping_is_reused(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world, "clerk")
    first = smas_file(
        [
            [1, "SM001", "Ngô Thị Thu", datetime(2015, 5, 6), "Nữ", "001315001235", "Hà Nội"],
            [2, "SM002", "Bùi Văn Tùng", "07/08/2015", "Nam", "", ""],
        ]
    )
    client.post(
        urls(world)["import_upload"],
        {"file": SimpleUploadedFile("smas.xlsx", first, content_type=XLSX)},
    )
    batch = ImportBatch.objects.get()
    # GIVEN a file whose student-code column is not recognised
    assert batch.state == State.NEEDS_MAPPING and batch.result["header_row"] == 3
    assert batch.column_mapping() == {
        0: "sequence",
        2: "full_name",
        3: "birth_date",
        4: "gender",
        5: "personal_id",
        6: "address",
    }
    page = client.get(urls(world, batch)["import_batch"]).content.decode()
    assert "Ghép cột" in page and 'name="col_1"' in page and "— bỏ qua —" in page
    form = {f"col_{i}": f for i, f in batch.column_mapping().items()}
    form |= {"save_as": "SMAS 2025", "source": "smas"}
    # WHEN the user forgets the code column, THEN the page says so and keeps what was typed
    response = client.post(urls(world, batch)["import_map"], form)
    assert response.status_code == 400
    assert "Chưa có cột nào ghép vào “Mã học sinh”" in response.content.decode()
    assert 'value="SMAS 2025"' in response.content.decode()
    assert not ImportMapping.objects.exists()
    # WHEN mapped completely and saved
    response = client.post(urls(world, batch)["import_map"], form | {"col_1": "student_code"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW and batch.errors == []
    saved = ImportMapping.objects.get()
    assert (saved.name, saved.source, saved.header_row) == ("SMAS 2025", "smas", 3)
    assert saved.columns["so hieu hs"] == "student_code"
    assert saved.signature == signature(SMAS_HEADERS)
    assert AuditEvent.objects.filter(event_type="import_mapping.saved").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urls(world, batch)["import_commit"])
    assert Student.objects.get(student_code="SM001").birth_date == date(2015, 5, 6)
    assert Student.objects.get(student_code="SM001").address == "Hà Nội"

    # THEN a second file with the same headers is mapped automatically
    second = smas_file([[1, "SM003", "Đinh Thị Xuân", "01/09/2015", "nữ", "", ""]])
    client.post(
        urls(world)["import_upload"],
        {"file": SimpleUploadedFile("smas2.xlsx", second, content_type=XLSX)},
    )
    again = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert again.state == State.PREVIEW and again.errors == []
    assert again.result["mapping_applied"] and again.result["mapping_name"] == "SMAS 2025"
    page = client.get(urls(world, again)["import_batch"]).content.decode()
    assert "Đã áp dụng mẫu ghép cột SMAS 2025" in page


def test_another_header_row_can_be_chosen(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Class list"])
    sheet.append(["Generated by X"])
    sheet.append(["No", "Code", "Name", "Birthday", "Sex"])
    sheet.append([1, "X1", "Lý Thị Na", "01/01/2015", "F"])
    out = io.BytesIO()
    book.save(out)
    batch = upload(world, "homeroom", out.getvalue())
    assert batch.state == State.NEEDS_MAPPING and batch.result["header_row"] == 1
    batch = import_actions.import_set_header_row(
        actor=world.actor("homeroom"), batch=batch, header_row=3
    )
    assert batch.headers == ["No", "Code", "Name", "Birthday", "Sex"]
    batch = import_actions.import_apply_mapping(
        actor=world.actor("homeroom"),
        batch=batch,
        columns={1: "student_code", 2: "full_name", 3: "birth_date", 4: "gender"},
    )
    assert batch.state == State.PREVIEW and batch.errors == []
    assert batch.rows[0]["profile"]["gender"] == "F"


def test_three_name_columns_are_accepted(world, django_capture_on_commit_callbacks):
    data = xlsx(
        [[1, "HS021", "Nguyễn", "Hoàng Bảo", "Ngọc", "02/02/2015", "Nữ"]],
        headers=["STT", "Mã học sinh", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Giới tính"],
    )
    batch = upload(world, "homeroom", data)
    assert batch.state == State.PREVIEW and batch.errors == []
    commit(world, "homeroom", batch, django_capture_on_commit_callbacks)
    student = Student.objects.get(student_code="HS021")
    assert (student.family_name, student.middle_name, student.given_name) == (
        "Nguyễn",
        "Hoàng Bảo",
        "Ngọc",
    )


# --- Repairs and normalisation --------------------------------------------------------------------


def test_number_cells_that_lost_their_leading_zeros_are_repaired(
    world, django_capture_on_commit_callbacks
):
    row = template_row(
        **(ANH | {"student_code": 20150001, "personal_id": 1315001234, "father_phone": 912345678})
    )
    batch = upload(world, "homeroom", xlsx([row]))
    assert batch.errors == []
    assert {w["column"] for w in batch.result["warnings"]} == {
        "I (Mã định danh cá nhân)",
        "M (SĐT cha)",
    }
    commit(world, "homeroom", batch, django_capture_on_commit_callbacks)
    student = Student.objects.get()
    assert (student.student_code, student.personal_id) == ("20150001", "001315001234")
    assert Guardian.objects.get(full_name="Nguyễn Văn Tư").phone == "0912345678"


def test_decomposed_input_is_stored_composed(world, django_capture_on_commit_callbacks):
    def nfd(text):
        return unicodedata.normalize("NFD", text)

    row = template_row(
        **(
            ANH
            | {
                "full_name": nfd("Nguyễn  Thị Ánh "),
                "birth_place": nfd("Thừa Thiên Huế"),
                "father_name": nfd("Nguyễn Văn Tư"),
            }
        )
    )
    batch = commit(
        world,
        "homeroom",
        upload(world, "homeroom", xlsx([row])),
        django_capture_on_commit_callbacks,
    )
    assert batch.state == State.COMMITTED
    student = Student.objects.get()
    assert student.full_name == "Nguyễn Thị Ánh" == unicodedata.normalize("NFC", student.full_name)
    assert student.given_name == "Ánh" and student.birth_place == "Thừa Thiên Huế"
    assert Guardian.objects.filter(full_name="Nguyễn Văn Tư").exists()


# --- Permissions ----------------------------------------------------------------------------------


def test_a_subject_teacher_may_not_import_into_the_class(client, world):
    login(client, world, "subject_teacher")
    u = urls(world)
    assert client.get(u["import_start"]).status_code == 403
    assert client.get(u["import_template"]).status_code == 403
    response = client.post(
        u["import_upload"],
        {"file": SimpleUploadedFile("a.xlsx", xlsx([template_row(**ANH)]), content_type=XLSX)},
    )
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_another_schools_batch_is_not_found(client, world):
    batch = upload(world, "homeroom", xlsx([template_row(**ANH)]))
    other = make_world("THCS2")
    login(client, other, "clerk")
    u = urls(world, batch)
    assert client.get(u["import_batch"]).status_code == 404
    assert client.post(u["import_commit"]).status_code == 404
    assert client.post(u["import_cancel"]).status_code == 404
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW
    # The school's own clerk may see it and cancel it.
    login(client, world, "clerk")
    assert client.get(u["import_batch"]).status_code == 200
    assert client.post(u["import_cancel"]).status_code == 302
    batch.refresh_from_db()
    assert batch.state == State.CANCELLED


def test_an_administrator_may_not_import_a_class_list(world):
    from django.core.exceptions import PermissionDenied

    admin = _staff(world.school, "quantri", Position.ADMINISTRATOR, "Hồ", "Văn", "Quản")
    world.users["admin"] = admin.user
    with pytest.raises(PermissionDenied):
        upload(world, "admin", xlsx([template_row(**ANH)]))
    assert not ImportBatch.objects.exists()


# --- Commit failures roll everything back ---------------------------------------------------------


def test_a_duplicate_added_after_the_preview_fails_the_whole_commit(
    world, django_capture_on_commit_callbacks
):
    batch = upload(world, "homeroom", xlsx([template_row(**r) for r in (ANH, BINH, AN)]))
    assert batch.state == State.PREVIEW and batch.errors == []
    # Someone enrols HS002 by hand between the preview and the commit.
    existing_student(world, code="HS002", name=("Trần", "Văn", "Bình"))
    batch = commit(world, "homeroom", batch, django_capture_on_commit_callbacks)
    assert batch.state == State.FAILED
    assert batch.errors == [
        {
            "row": 4,
            "column": "B (Mã học sinh)",
            "field": "student_code",
            "message": "Mã học sinh đã có: Trần Văn Bình.",
        }
    ]
    assert list(Student.objects.values_list("student_code", flat=True)) == ["HS002"]
    assert not Enrolment.objects.exists() and not RegisterEntry.objects.exists()


def test_a_failure_in_the_middle_of_the_commit_rolls_back_every_row(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    batch = upload(world, "homeroom", xlsx([template_row(**r) for r in (ANH, BINH, AN)]))
    real_enrol = class_list.student_enrol
    calls = []

    def enrol_then_fail(**kwargs):
        calls.append(kwargs["profile"]["student_code"])
        if len(calls) == 3:
            raise DomainError(
                StudentError.DUPLICATE_STUDENT_CODE, "Mã học sinh đã có.", field="student_code"
            )
        return real_enrol(**kwargs)

    monkeypatch.setattr(class_list, "student_enrol", enrol_then_fail)
    batch = commit(world, "homeroom", batch, django_capture_on_commit_callbacks)
    assert calls == ["HS001", "HS002", "HS003"]
    assert batch.state == State.FAILED
    assert batch.errors[0]["row"] == 5 and batch.errors[0]["column"] == "B (Mã học sinh)"
    assert Student.objects.count() == 0 and Guardian.objects.count() == 0
    assert Enrolment.objects.count() == 0 and RegisterEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type__startswith="student.").exists()
    assert batch.raw_rows and len(batch.rows) == 3  # what was uploaded is kept


# --- Files saved by LibreOffice -------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_a_class_list_saved_by_libreoffice_imports(
    world, extension, django_capture_on_commit_callbacks
):
    from hoso.imports.tests.files import saved_by_libreoffice

    # GIVEN a list typed in LibreOffice (it turns codes of digits and phones into numbers)
    csv_text = (
        "STT,Mã học sinh,Họ và tên,Ngày sinh,Giới tính,Mã định danh cá nhân,Họ tên mẹ,SĐT mẹ\n"
        "1,HS001,Nguyễn Thị Ánh,2015-03-04,Nữ,001315001234,Lê Thị Mai,0987654321\n"
        "2,HS002,Trần Văn Bình,2015-11-12,Nam,,,\n"
    )
    data = saved_by_libreoffice(csv_text, extension)
    # WHEN it is uploaded and committed
    batch = upload(world, "homeroom", data, filename=f"lop6a1.{extension}")
    assert batch.state == State.PREVIEW and batch.errors == []
    assert {w["column"] for w in batch.result["warnings"]} == {
        "F (Mã định danh cá nhân)",
        "H (SĐT mẹ)",
    }
    batch = commit(world, "homeroom", batch, django_capture_on_commit_callbacks)
    # THEN the students are those typed, leading zeros restored
    assert batch.state == State.COMMITTED and batch.result["count"] == 2
    anh = Student.objects.get(student_code="HS001")
    assert anh.birth_date == date(2015, 3, 4) and anh.personal_id == "001315001234"
    assert Guardian.objects.get(full_name="Lê Thị Mai").phone == "0987654321"


def test_invisible_characters_in_names_are_refused_by_row_and_column(world):
    rows = [
        template_row(**(ANH | {"full_name": "Nguyễn Thị \u202eÁnh"})),
        template_row(**(BINH | {"mother_name": "Phạm\u200b Thị Lan"})),
        template_row(**AN),
    ]
    batch = upload(world, "homeroom", xlsx(rows))
    found = {(e["row"], e["column"]): e for e in batch.errors}
    assert set(found) == {(3, "C (Họ và tên)"), (4, f"{mother_column()} (Họ tên mẹ)")}
    assert {e["code"] for e in batch.errors} == {StudentError.INVISIBLE_CHARACTER}
    assert "Họ và tên chứa ký tự vô hình U+202E" in found[(3, "C (Họ và tên)")]["message"]
    assert not Student.objects.filter(student_code__in=["HS001", "HS002", "HS003"]).exists()


def mother_column() -> str:
    return column_label(TEMPLATE_FIELDS.index("mother_name"), TEMPLATE_HEADERS).split(" ")[0]
