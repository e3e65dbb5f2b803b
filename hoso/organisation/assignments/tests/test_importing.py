"""The teaching-assignment table import (nhập bảng phân công chuyên môn).

GIVEN the small school (see helpers.py): 6A1 and 6A2 (grade 6: Toán, Ngữ văn); Vũ Minh Đức
teaches Toán 6A1 in term I, Đỗ Thị Lan is 6A1's homeroom teacher; the clock stands at
2026-11-20, inside term I.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from openpyxl import load_workbook

from hoso.audit.models import AuditEvent
from hoso.imports.models import ImportBatch
from hoso.imports.tests.files import saved_by_libreoffice, xlsx
from hoso.organisation.assignments.importing.table import YearTable, class_key
from hoso.organisation.models import (
    GradeLevel,
    HomeroomAssignment,
    Level,
    SchoolClass,
    Subject,
    TeachingAssignment,
)
from hoso.testing.factories import make_staff

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOV_20 = date(2026, 11, 20)


def page(step: str, **kwargs) -> str:
    return reverse(f"organisation:assignment_import_{step}", kwargs=kwargs)


def send(client, w, data: bytes, name: str = "phan-cong.xlsx", **options):
    return client.post(
        page("upload", year_id=w.year.pk),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX), **options},
    )


def last_batch() -> ImportBatch:
    return ImportBatch.objects.filter(kind="assignments").first()


def commit(client, batch, capture):
    with capture(execute=True):
        client.post(page("commit", batch_id=batch.pk))
    batch.refresh_from_db()
    return batch


def teachers(w, school_class, subject) -> dict[int, list[tuple]]:
    """Term number → [(teacher, starts_on, ends_on)] of one cell."""
    out: dict[int, list[tuple]] = {}
    rows = TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
    # "From the start of the year" (no date) first, on SQLite and PostgreSQL alike.
    for row in rows.order_by("term__number", F("starts_on").asc(nulls_first=True)):
        out.setdefault(row.term.number, []).append(
            (row.teacher.full_name, row.starts_on, row.ends_on)
        )
    return out


# --- Pure -------------------------------------------------------------------------------------


def test_class_names_are_compared_without_marks_spaces_or_the_word_lop():
    assert class_key("Lớp 6A1") == class_key("6a1") == class_key("6 A1") == "6a1"


def test_teacher_names_are_folded_and_namesakes_are_ambiguous(world):
    table = YearTable.of(world.year)
    found, why = table.teacher("VU MINH DUC")
    assert found == world.people["subject"] and why == ""
    make_staff(world.school, "Vũ Minh Đức", gender="M")
    again, why = YearTable.of(world.year).teacher("vũ minh đức")
    assert again is None and why.startswith("Có 2 cán bộ cùng tên “vũ minh đức” (mã ")
    by_code, _ = YearTable.of(world.year).teacher(world.people["subject"].code)
    assert by_code == world.people["subject"]


# --- Through the pages ------------------------------------------------------------------------


def test_the_template_round_trip_applies_the_table_with_history_and_twice_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    client.force_login(w.users["vice"])
    editor = client.get(reverse("organisation:assignments")).content.decode()
    assert page("start", year_id=w.year.pk) in editor and "Nhập từ Excel" in editor
    template = client.get(page("template", year_id=w.year.pk))
    book = load_workbook(io.BytesIO(template.content))
    sheet = book["Phân công"]
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["STT", "Lớp", "GVCN"] and sorted(headers[3:]) == ["Ngữ văn", "Toán"]
    assert [sheet.cell(row=r, column=2).value for r in (3, 4)] == ["6A1", "6A2"]
    # WHEN the table gives Toán 6A1 to Phạm Thị Hoa (written without marks) and 6A2 a homeroom
    sheet.cell(row=3, column=headers.index("Toán") + 1, value="pham thi hoa")
    sheet["C4"] = "Lê Văn Toàn"
    sheet.cell(row=4, column=headers.index("Ngữ văn") + 1, value="Đỗ Thị Lan")
    out = io.BytesIO()
    book.save(out)
    send(client, w, out.getvalue(), starts_on="2026-12-01")
    batch = last_batch()
    assert batch.state == ImportBatch.State.PREVIEW and batch.errors == [], batch.errors
    assert batch.result["how"] == "recognised"
    preview = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert "Ghi 3 ô vào bảng phân công" in preview and "Phạm Thị Hoa" in preview
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    # THEN through the actions: dated history (Đức keeps 5/9–30/11), whole year by default
    assert batch.state == ImportBatch.State.COMMITTED, batch.errors
    math_a = teachers(w, w.class_a, w.math)
    assert math_a[1] == [
        ("Vũ Minh Đức", None, date(2026, 11, 30)),
        ("Phạm Thị Hoa", date(2026, 12, 1), None),
    ]
    assert math_a[2] == [("Phạm Thị Hoa", date(2026, 12, 1), None)]
    assert teachers(w, w.class_b, w.literature)[2][0][0] == "Đỗ Thị Lan"
    homeroom = HomeroomAssignment.objects.get(school_class=w.class_b)
    assert homeroom.teacher == w.people["dept_head"] and homeroom.starts_on == date(2026, 12, 1)
    assert AuditEvent.objects.filter(event_type="assignment.teaching_changed").count() == 4
    assert AuditEvent.objects.filter(event_type="assignment.homeroom_changed").count() == 1
    summary = AuditEvent.objects.get(event_type="assignment.imported")
    assert summary.after["count"] == 5 and summary.after["cells"] == 5
    # AND the same file again changes nothing
    send(client, w, out.getvalue(), starts_on="2026-12-01")
    again = commit(client, last_batch(), django_capture_on_commit_callbacks)
    assert again.state == ImportBatch.State.COMMITTED and again.result["count"] == 0
    status = client.get(page("batch", batch_id=again.pk), HTTP_HX_REQUEST="true")
    assert "không có ô nào thay đổi" in status.content.decode()
    assert AuditEvent.objects.filter(event_type="assignment.teaching_changed").count() == 4
    assert teachers(w, w.class_a, w.math) == math_a


def test_the_long_layout_with_a_term_column_and_a_chosen_term(
    client, world, django_capture_on_commit_callbacks
):
    w = world
    client.force_login(w.users["admin"])
    rows = [
        ["Lớp", "Môn", "Giáo viên", "Học kỳ"],
        ["6A2", "Toán", "Phạm Thị Hoa", "HK II"],
        ["Lớp 6A2", "Văn", "Đỗ Thị Lan", ""],
    ]
    term1 = w.term1
    send(client, w, xlsx(rows), term=str(term1.pk))
    batch = last_batch()
    assert batch.errors == [] and batch.result["term_id"] == term1.pk
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.COMMITTED
    assert list(teachers(w, w.class_b, w.math)) == [2]  # its own column: term II only
    assert list(teachers(w, w.class_b, w.literature)) == [1]  # no term: the one chosen


def test_unknown_ambiguous_and_refused_cells_are_reported_by_row_and_column(client, world):
    w = world
    make_staff(w.school, "Lê Văn Toàn", gender="M")  # a namesake of the department head
    grade7 = GradeLevel.objects.create(school=w.school, number=7, level=Level.LOWER_SECONDARY)
    SchoolClass.objects.create(year=w.year, grade=grade7, name="7A1")
    english = Subject.objects.create(
        school=w.school,
        level=Level.LOWER_SECONDARY,
        code="TA",
        name="Tiếng Anh",
        assessment="score",
    )
    english.offerings.create(grade=grade7, periods_per_year=105)
    client.force_login(w.users["admin"])
    rows = [
        ["STT", "Lớp", "GVCN", "Toán", "Ngữ văn", "Tiếng Anh"],
        [1, "6A1", "", "Lê Văn Toàn", "Nguyễn Văn Không", ""],
        [2, "6A9", "Phạm Thị Hoa", "", "", ""],
        [3, "6A2", "Hồ Quang Huy", "", "", "Phạm Thị Hoa"],
        [4, "7A1", "", "", "", "Phạm Thị Hoa"],
        [5, "6A2", "Vũ Minh Đức", "", "", ""],
    ]
    send(client, w, xlsx(rows))
    batch = last_batch()
    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert found[(2, "D (Toán)")].startswith("Có 2 cán bộ cùng tên “Lê Văn Toàn”")
    assert found[(2, "E (Ngữ văn)")] == (
        "Không có cán bộ đang công tác tên “Nguyễn Văn Không” trong trường."
    )
    assert found[(3, "B (Lớp)")] == "Không có lớp “6A9” trong năm học 2026-2027."
    assert found[(4, "C (GVCN)")].startswith("Không tự phân công cho chính mình")
    assert found[(4, "F (Tiếng Anh)")] == "Khối 6 không học môn Tiếng Anh: ô này phải để trống."
    assert (5, "F (Tiếng Anh)") not in found  # 7A1 studies it
    assert len(batch.errors) == 5
    # 6A2's homeroom given twice, to two people (row 4 refused, row 6 is the second)
    assert (6, "C (GVCN)") not in found
    assert client.post(page("commit", batch_id=batch.pk)).status_code in (302, 400)
    assert not TeachingAssignment.objects.filter(school_class__name="7A1").exists()
    assert HomeroomAssignment.objects.filter(school_class=w.class_b).count() == 0


def test_a_cell_given_twice_in_the_file_is_an_error_of_the_later_row(client, world):
    client.force_login(world.users["vice"])
    rows = [
        ["Lớp", "Môn", "Giáo viên"],
        ["6A2", "Toán", "Phạm Thị Hoa"],
        ["6A2", "Toán", "Lê Văn Toàn"],
    ]
    send(client, world, xlsx(rows))
    (error,) = last_batch().errors
    assert (error["row"], error["column"]) == (3, "C (Giáo viên)")
    assert "đã được phân công người khác ở dòng 2" in error["message"]


def test_a_column_not_recognised_is_named_in_a_warning(client, world):
    client.force_login(world.users["vice"])
    rows = [["Lớp", "GVCN", "Toán học", "Sinh học"], ["6A2", "Phạm Thị Hoa", "Lê Văn Toàn", "x"]]
    send(client, world, xlsx(rows))
    batch = last_batch()
    assert batch.errors == [] and batch.column_mapping()[2].startswith("subject_")
    (warning,) = batch.result["warnings"]
    assert warning["message"].startswith("Không đọc các cột D (Sinh học):")


def test_a_term_over_before_the_date_of_application_is_refused_at_upload(client, world):
    client.force_login(world.users["vice"])
    term2 = world.year.terms.get(number=2)
    response = send(
        client,
        world,
        xlsx([["Lớp", "Toán"], ["6A2", "Phạm Thị Hoa"]]),
        term=str(world.term1.pk),
        starts_on="2027-02-01",
    )
    assert response.status_code == 400
    assert "đã kết thúc trước ngày áp dụng 01/02/2027" in response.content.decode()
    assert not ImportBatch.objects.filter(kind="assignments").exists()
    send(client, world, xlsx([["Lớp", "Toán"], ["6A2", "Phạm Thị Hoa"]]), starts_on="2027-02-01")
    (row,) = last_batch().rows
    assert row["cells"][0]["term_ids"] == [term2.pk]  # the whole year: term II only now


def test_a_teacher_who_left_between_preview_and_commit_fails_the_batch(
    client, world, django_capture_on_commit_callbacks
):
    from hoso.organisation.models import Staff

    client.force_login(world.users["vice"])
    send(client, world, xlsx([["Lớp", "GVCN", "Toán"], ["6A2", "Phạm Thị Hoa", "Lê Văn Toàn"]]))
    batch = last_batch()
    assert batch.errors == []
    Staff.objects.filter(pk=world.people["dept_head"].pk).update(is_active=False)
    batch = commit(client, batch, django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "C (Toán)")]
    assert not HomeroomAssignment.objects.filter(school_class=world.class_b).exists()


# 404: does not see the table; 403: sees it but does not edit it.
MATRIX = {
    "principal": 200,
    "vice": 200,
    "admin": 200,
    "dept_head": 403,
    "deputy": 404,
    "clerk": 403,
    "inspector": 403,
    "homeroom": 404,
    "subject": 404,
    "accountant": 404,
    "medical": 404,
    "librarian": 404,
    "doi": 404,
    "outsider": 404,
    "parent": 404,
}


@pytest.mark.parametrize(("role", "status"), sorted(MATRIX.items()))
def test_only_the_tables_editors_import_it(client, world, role, status):
    client.force_login(world.users[role])
    assert client.get(page("start", year_id=world.year.pk)).status_code == status
    response = send(client, world, xlsx([["Lớp", "Toán"], ["6A2", "Phạm Thị Hoa"]]))
    assert (response.status_code == 302) == (status == 200)
    assert ImportBatch.objects.filter(kind="assignments").exists() == (status == 200)


def test_a_year_of_another_school_is_not_found(client, world):
    from hoso.testing.factories import make_school, make_year

    other = make_year(make_school())
    client.force_login(world.users["vice"])
    assert client.get(page("start", year_id=other.pk)).status_code == 404


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_a_table_saved_by_libreoffice_is_imported(
    client, world, django_capture_on_commit_callbacks
):
    data = saved_by_libreoffice(
        _csv([["STT", "Lớp", "GVCN", "Toán"], ["1", "6A2", "Phạm Thị Hoa", "Lê Văn Toàn"]]),
        "xlsx",
    )
    client.force_login(world.users["vice"])
    send(client, world, data)
    batch = commit(client, last_batch(), django_capture_on_commit_callbacks)
    assert batch.state == ImportBatch.State.COMMITTED, batch.errors
    assert HomeroomAssignment.objects.get(school_class=world.class_b).teacher.full_name == (
        "Phạm Thị Hoa"
    )


def test_the_template_greys_the_subjects_a_grade_does_not_study(client, world):
    grade7 = GradeLevel.objects.create(school=world.school, number=7, level=Level.LOWER_SECONDARY)
    SchoolClass.objects.create(year=world.year, grade=grade7, name="7A1")
    english = Subject.objects.create(
        school=world.school,
        level=Level.LOWER_SECONDARY,
        code="TA",
        name="Tiếng Anh",
        assessment="score",
        order=9,
    )
    english.offerings.create(grade=grade7, periods_per_year=105)
    client.force_login(world.users["vice"])
    sheet = load_workbook(io.BytesIO(client.get(page("template", year_id=world.year.pk)).content))[
        "Phân công"
    ]
    headers = [c.value for c in sheet[2]]
    assert headers[-1] == "Tiếng Anh" and sheet["B5"].value == "7A1"
    column = headers.index("Tiếng Anh") + 1
    grey = sheet.cell(row=3, column=column).fill
    assert grey.fill_type == "solid" and grey.fgColor.rgb.endswith("D9D9D9")
    assert sheet.cell(row=5, column=column).fill.fgColor.rgb != grey.fgColor.rgb
