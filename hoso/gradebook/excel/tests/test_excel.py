"""Excel round trip of a grade sheet: template, upload, preview of the changes, commit.

Policy under test: ALL OR NOTHING — a file with any error writes nothing; a failure during the
commit rolls every change back and leaves the batch FAILED with its errors. GIVEN the small school
(6A1 math is taught by "subject"), with three students in 6A1 in Vietnamese order: Nguyễn Văn An
(row 8 of the template), Lê Thị Cúc (row 9), Phạm Văn Dũng (row 10).
"""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.columns import sheet_columns
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.excel import importer as grade_import
from hoso.gradebook.excel import recognition as excel_recognition
from hoso.gradebook.excel import rows as excel_rows
from hoso.gradebook.excel import template as excel_template
from hoso.imports import actions as import_actions
from hoso.imports.importer import error_sentence
from hoso.imports.models import ImportBatch, ImportMapping
from hoso.organisation.models import Subject, SubjectOffering, TeachingAssignment
from hoso.testing.factories import make_student, small_school

pytestmark = [pytest.mark.django_db]

State = ImportBatch.State
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Template columns of 6A1 math, term 1 (A STT, B code, C name, D birth date, then the results).
COL = {"TX1": 5, "TX2": 6, "TX3": 7, "TX4": 8, "TX5": 9, "TX6": 10, "GK": 11, "CK": 12}
AN, CUC, DUNG = 8, 9, 10  # template rows


@pytest.fixture
def w(world):
    world.cuc = make_student(
        world.school, world.class_a, "Lê Thị Cúc", code="HS003", birth=date(2015, 6, 1)
    )
    world.dung = make_student(
        world.school, world.class_a, "Phạm Văn Dũng", code="HS004", birth=date(2015, 8, 9)
    )
    world.an = world.student_a
    return world


def math_sheet(w):
    return load_sheet(w.class_a, w.math, w.term1)


def store(w, student, column, value):
    actions.assessment_save(
        actor=w.actor("subject"),
        sheet=math_sheet(w),
        student=student,
        column_key=column,
        raw_value=value,
    )


def template(w, who="subject", sheet=None):
    content, _ = grade_import.GRADE_SHEET.template_file(w.actor(who), sheet or math_sheet(w))
    return load_workbook(io.BytesIO(content))


def to_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill(book, cells: dict[tuple[int, str], object]) -> bytes:
    sheet = book.worksheets[0]
    for (row, key), value in cells.items():
        sheet.cell(row=row, column=COL[key]).value = value  # (value=None would not clear)
    return to_bytes(book)


def upload(w, data, who="subject", clear_empty=False, sheet=None, filename="toan-6a1.xlsx"):
    return import_actions.import_upload(
        actor=w.actor(who),
        importer=grade_import.GRADE_SHEET,
        target=sheet or math_sheet(w),
        filename=filename,
        data=data,
        options={"clear_empty": clear_empty},
    )


def commit(w, batch, capture, who="subject"):
    with capture(execute=True):
        import_actions.import_queue_commit(actor=w.actor(who), batch=batch)
    batch.refresh_from_db()
    return batch


def stored(w) -> dict:
    return {
        (a.student_id, a.column): a.value or a.text
        for a in Assessment.objects.filter(subject=w.math, term=w.term1)
    }


def errors_at(batch) -> dict:
    return {(e["row"], e["column"]): (e["code"], e["message"]) for e in batch.errors}


def sheet_urls(w, subject=None):
    kwargs = {"class_id": w.class_a.pk, "subject_id": (subject or w.math).pk, "term_id": w.term1.pk}
    return {
        name: reverse(f"gradebook:{name}", kwargs=kwargs)
        for name in ("excel_start", "excel_template", "excel_upload")
    }


def batch_urls(batch):
    return {
        name: reverse(f"gradebook:{name}", kwargs={"batch_id": batch.pk})
        for name in ("excel_batch", "excel_map", "excel_commit", "excel_cancel", "excel_options")
    }


# --- The template ---------------------------------------------------------------------------------


def test_template_holds_the_sheet_its_identity_and_what_is_read_only(w):
    store(w, w.an, "TX1", "7")
    for student in (w.an, w.cuc, w.dung):
        store(w, student, "GK", "6,5")
    actions.columns_finalise(actor=w.actor("subject"), sheet=math_sheet(w), column_keys=["GK"])

    book = template(w)

    assert book.sheetnames == ["Toán - 6A1", "Hướng dẫn", "hoso_meta"]
    assert book["hoso_meta"].sheet_state == "veryHidden"
    sheet = book["Toán - 6A1"]
    titles = [sheet.cell(row=r, column=1).value for r in range(1, 6)]
    assert titles[0] == w.school.name
    assert "MÔN TOÁN — LỚP 6A1" in titles[1] and "Học kỳ I" in titles[2]
    assert titles[3] == "Giáo viên bộ môn: Vũ Minh Đức" and "Thông tư 22/2021" in titles[4]
    headers = [c.value for c in sheet[excel_template.HEADER_ROW]]
    assert headers == ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh"] + [
        f"ĐĐGtx {i}" for i in range(1, 7)
    ] + ["ĐĐGgk", "ĐĐGck", "Ghi chú"]
    rows = [[c.value for c in sheet[r]][:4] for r in (AN, CUC, DUNG)]
    assert [r[2] for r in rows] == ["Nguyễn Văn An", "Lê Thị Cúc", "Phạm Văn Dũng"]
    assert rows[1][1] == "HS003" and rows[1][3].date() == date(2015, 6, 1)
    assert sheet.cell(row=AN, column=COL["TX1"]).value == 7.0
    assert sheet.cell(row=AN, column=COL["GK"]).value == 6.5
    # Score cells are open, identity cells and the finalised column locked, under protection.
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.cell(row=AN, column=COL["TX1"]).protection.locked is False
    assert sheet.cell(row=AN, column=2).protection.locked is True
    assert sheet.cell(row=AN, column=COL["GK"]).protection.locked is True
    assert sheet.cell(row=AN, column=COL["GK"]).fill.fgColor.rgb.endswith("E3E5E8")
    assert "ĐĐGgk — đã chốt" in sheet.cell(row=excel_template.HEADER_ROW - 1, column=1).value
    kinds = {(dv.type, dv.formula1, dv.formula2) for dv in sheet.data_validations.dataValidation}
    assert kinds == {("decimal", "0", "10")}
    assert "TẤT CẢ HOẶC KHÔNG" in " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    meta = excel_template.read_meta(to_bytes(book))
    assert (meta["class"], meta["subject"], meta["term"]) == (w.class_a.pk, w.math.pk, w.term1.pk)
    assert meta["columns"] == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]


def test_a_reader_who_is_not_the_teacher_downloads_a_fully_read_only_template(client, w):
    client.force_login(w.users["principal"])
    response = client.get(sheet_urls(w)["excel_template"])
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert all(sheet.cell(row=AN, column=c).protection.locked is True for c in COL.values())


def test_primary_templates_offer_levels_and_whole_test_scores():
    columns = sheet_columns(
        subject=SimpleNamespace(assessment="both"),
        offering=SimpleNamespace(midterm_test=True, periods_per_year=245),
        term=SimpleNamespace(number=1),
        ruleset="TT27_2020",
    )
    spec = excel_template.TemplateSpec(
        school_name="Trường TH Thử",
        class_name="4A",
        subject_name="Toán",
        term_name="Học kỳ I",
        year_name="2026-2027",
        teacher_name="",
        ruleset_title="TT27",
        columns=columns,
        rows=[
            excel_template.TemplateRow(
                "HS1", "Lê Văn Ba", date(2016, 1, 2), {"MUC_mid1": ("T", "")}
            )
        ],
        readonly={},
        meta={"class": 1, "subject": 2, "term": 3},
    )
    book = load_workbook(io.BytesIO(excel_template.build_template(spec)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[excel_template.HEADER_ROW]][4:-1]
    assert headers == [
        "Mức Giữa kỳ",
        "Điểm KT Giữa kỳ",
        "Nhận xét Giữa kỳ",
        "Mức Cuối kỳ",
        "Điểm KT Cuối kỳ",
        "Nhận xét Cuối kỳ",
    ]
    kinds = {(dv.type, dv.formula1) for dv in sheet.data_validations.dataValidation}
    assert kinds == {("list", '"T,H,C"'), ("whole", "0")}
    assert sheet.cell(row=excel_template.FIRST_DATA_ROW, column=5).value == "T"


# --- Round trip (HTTP) ----------------------------------------------------------------------------


def test_round_trip_download_fill_upload_preview_commit(
    client, w, django_capture_on_commit_callbacks
):
    store(w, w.an, "TX1", "7")
    store(w, w.cuc, "TX1", "9")
    client.force_login(w.users["subject"])
    urls = sheet_urls(w)
    start = client.get(urls["excel_start"]).content.decode()
    assert "tất cả hoặc không" in start and "Ô trống trong tệp sẽ xóa kết quả đã nhập" in start

    # GIVEN the downloaded template, WHEN four cells are changed and one is kept
    response = client.get(urls["excel_template"])
    assert response.status_code == 200
    assert 'filename="so-diem-toan-6a1-hk1.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    data = fill(
        book,
        {
            (AN, "TX1"): 8.5,  # 7 → 8.5
            (AN, "TX2"): "8,5",  # text with a comma
            (CUC, "GK"): 9,  # a whole number: calamine gives 9.0
            (DUNG, "CK"): 6.0,
        },
    )
    response = client.post(
        urls["excel_upload"], {"file": SimpleUploadedFile("toan.xlsx", data, content_type=XLSX)}
    )
    batch = ImportBatch.objects.filter(kind="grades").get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")

    # THEN the preview lists exactly the changes
    assert batch.state == State.PREVIEW and batch.errors == [] and batch.result["how"] == "template"
    assert [(c["row"], c["cell"], c["column"], c["old"], c["new"]) for c in batch.rows] == [
        (AN, "E (ĐĐGtx 1)", "TX1", "7.0", "8.5"),
        (AN, "F (ĐĐGtx 2)", "TX2", "", "8.5"),
        (CUC, "K (ĐĐGgk)", "GK", "", "9.0"),
        (DUNG, "L (ĐĐGck)", "CK", "", "6.0"),
    ]
    assert batch.result["unchanged"] == 1 and batch.result["students"] == 3
    page = client.get(batch_urls(batch)["excel_batch"]).content.decode()
    assert "4 ô thay đổi" in page and "Ghi 4 thay đổi vào sổ điểm" in page
    assert "8,5" in page and "Nguyễn Văn An" in page
    assert Assessment.objects.count() == 2  # nothing written yet

    # WHEN committed (the task runs when the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(batch_urls(batch)["excel_commit"])
    assert response.status_code == 302
    batch.refresh_from_db()
    # THEN the values are stored, each change audited, one summary event, the chain intact
    assert batch.state == State.COMMITTED and batch.result["count"] == 4
    assert stored(w) == {
        (w.an.pk, "TX1"): "8.5",
        (w.an.pk, "TX2"): "8.5",
        (w.cuc.pk, "TX1"): "9.0",
        (w.cuc.pk, "GK"): "9.0",
        (w.dung.pk, "CK"): "6.0",
    }
    saved = AuditEvent.objects.filter(event_type="grade.saved").order_by("seq")
    assert saved.count() == 2 + 4
    assert [e.after["column"] for e in saved][2:] == ["TX1", "TX2", "GK", "CK"]
    assert saved.last().actor == w.users["subject"]
    summary = AuditEvent.objects.get(event_type="grade.imported")
    assert summary.after | {"batch_id": 0} == {
        "class": "6A1",
        "subject": "TOAN",
        "term": 1,
        "filename": "toan.xlsx",
        "count": 4,
        "cleared": 0,
        "batch_id": 0,
    }
    assert summary.target_id == f"{w.class_a.pk}:{w.math.pk}:{w.term1.pk}"
    assert verify_all()[1] == []
    # The htmx poll gets the status part, no longer polling.
    poll = client.get(batch_urls(batch)["excel_batch"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đã ghi 4 thay đổi" in poll and "hx-trigger" not in poll

    # AND the same file uploaded again changes nothing
    again = upload(w, data)
    assert again.state == State.PREVIEW and again.rows == [] and again.result["unchanged"] == 5
    with pytest.raises(DomainError) as refused:
        import_actions.import_queue_commit(actor=w.actor("subject"), batch=again)
    assert refused.value.code == "IMPORT_HAS_ERRORS"


def test_while_queued_the_status_part_polls_every_second(client, w):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8}))
    ImportBatch.objects.filter(kind="grades").filter(pk=batch.pk).update(state=State.QUEUED)
    client.force_login(w.users["subject"])
    poll = client.get(batch_urls(batch)["excel_batch"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in poll and "Đang ghi" in poll


def test_empty_cells_keep_stored_results_unless_asked_to_clear_them(
    w, django_capture_on_commit_callbacks
):
    store(w, w.an, "TX1", "7")
    store(w, w.cuc, "TX1", "9")
    data = fill(template(w), {(AN, "TX1"): None, (DUNG, "TX1"): 5})
    kept = upload(w, data)
    assert [(c["row"], c["column"], c["new"]) for c in kept.rows] == [(DUNG, "TX1", "5.0")]

    cleared = upload(w, data, clear_empty=True)
    assert [(c["row"], c["old"], c["new"], c["cleared"]) for c in cleared.rows] == [
        (AN, "7.0", "", True),
        (DUNG, "", "5.0", False),
    ]
    assert cleared.result["cleared"] == 1
    commit(w, cleared, django_capture_on_commit_callbacks)
    assert stored(w) == {(w.an.pk, "TX1"): "", (w.cuc.pk, "TX1"): "9.0", (w.dung.pk, "TX1"): "5.0"}
    assert AuditEvent.objects.get(event_type="grade.imported").after["cleared"] == 1


def test_the_clear_option_can_be_switched_on_the_preview(client, w):
    store(w, w.an, "TX1", "7")
    batch = upload(w, fill(template(w), {(AN, "TX1"): None, (CUC, "TX1"): 6}))
    client.force_login(w.users["subject"])
    client.post(batch_urls(batch)["excel_options"], {"clear_empty": "1"})
    batch.refresh_from_db()
    assert batch.result["clear_empty"] and len(batch.rows) == 2
    client.post(batch_urls(batch)["excel_options"], {})
    batch.refresh_from_db()
    assert not batch.result["clear_empty"] and len(batch.rows) == 1


# --- Values from calamine -------------------------------------------------------------------------


def _evaluate(cells: list, columns, stored_cells=None, **kw):
    headers = ["Mã học sinh"] + [c.label for c in columns]
    student = excel_rows.StudentRef(1, "HS1", "Lê Văn Ba", date(2015, 1, 2), True)
    return excel_rows.evaluate_rows(
        [{"row": 1, "cells": headers}, {"row": 2, "cells": ["HS1", *cells]}],
        header_row=1,
        headers=headers,
        mapping={0: "student_code"} | {i + 1: c.key for i, c in enumerate(columns)},
        columns=columns,
        students=[student],
        stored=stored_cells or {},
        blocked={},
        **kw,
    )


def test_float_cells_from_calamine_are_read_as_excel_shows_them(w):
    columns = math_sheet(w).columns[:5]  # TX1..TX5
    result = _evaluate([8.0, 7.25, 8.299999999999999, "8,5", 10.0], columns)
    assert [(c["column"], c["new"]) for c in result.changes] == [
        ("TX1", "8.0"),
        ("TX3", "8.3"),
        ("TX4", "8.5"),
        ("TX5", "10.0"),
    ]
    assert [(e["column"], e["code"]) for e in result.errors] == [("C (ĐĐGtx 2)", "BAD_PRECISION")]
    assert "7,25" in result.errors[0]["message"]


def test_float_cells_written_to_a_file_round_trip_through_calamine(w):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8.0, (CUC, "TX1"): 7.25}))
    assert [(c["row"], c["new"]) for c in batch.rows] == [(AN, "8.0")]
    assert errors_at(batch) == {
        (CUC, "E (ĐĐGtx 1)"): (
            "BAD_PRECISION",
            "Điểm 7,25 có quá một chữ số thập phân (chỉ lấy đến một chữ số thập phân).",
        )
    }


def test_levels_comment_results_and_whole_test_scores():
    primary = sheet_columns(
        subject=SimpleNamespace(assessment="both"),
        offering=SimpleNamespace(midterm_test=True),
        term=SimpleNamespace(number=1),
        ruleset="TT27_2020",
    )
    result = _evaluate(["Hoàn thành tốt", 7.0, "Chăm chỉ.", "h", 7.5, ""], primary)
    assert [(c["column"], c["new"]) for c in result.changes] == [
        ("MUC_mid1", "T"),
        ("KT_mid1", "7"),
        ("NX_mid1", "Chăm chỉ."),
        ("MUC_end1", "H"),
    ]
    assert [(e["field"], e["code"]) for e in result.errors] == [("KT_end1", "BAD_PRECISION")]


# --- Errors by row and column ---------------------------------------------------------------------


def test_bad_values_unknown_students_and_duplicates_are_reported_by_row_and_column(w):
    store(w, w.an, "TX1", "7")
    book = template(w)
    sheet = book.worksheets[0]
    for column, value in ((2, "HS999"), (3, "Hoàng Văn Lạ"), (COL["TX1"], 8)):
        sheet.cell(row=11, column=column, value=value)  # a student who is not in 6A1
    for column, value in ((2, "HS003"), (3, "Lê Thị Cúc"), (COL["TX2"], 5)):
        sheet.cell(row=12, column=column, value=value)  # Cúc a second time
    data = fill(
        book,
        {
            (AN, "GK"): 11,
            (AN, "TX1"): 9,
            (CUC, "TX1"): "8.25",
            (DUNG, "CK"): "tám",
        },
    )

    batch = upload(w, data)

    assert batch.state == State.PREVIEW
    assert errors_at(batch) == {
        (AN, "K (ĐĐGgk)"): ("OUT_OF_RANGE", "Điểm 11 nằm ngoài thang điểm 0–10."),
        (CUC, "E (ĐĐGtx 1)"): (
            "BAD_PRECISION",
            "Điểm 8,25 có quá một chữ số thập phân (chỉ lấy đến một chữ số thập phân).",
        ),
        (DUNG, "L (ĐĐGck)"): ("BAD_INPUT", "“tám” không phải là điểm số."),
        (11, "B (Mã học sinh)"): (
            "UNKNOWN_STUDENT",
            "Không có học sinh mã “HS999”, tên “Hoàng Văn Lạ” trong lớp 6A1.",
        ),
        (12, "B (Mã học sinh)"): ("DUPLICATE_ROW", "Học sinh Lê Thị Cúc đã có ở dòng 9."),
    }
    sentence = error_sentence(next(e for e in batch.errors if e["row"] == AN))
    assert sentence == "Dòng 8, cột K (ĐĐGgk): Điểm 11 nằm ngoài thang điểm 0–10."
    assert [(c["row"], c["column"]) for c in batch.rows] == [(AN, "TX1")]  # the valid change
    with pytest.raises(DomainError) as refused:
        import_actions.import_queue_commit(actor=w.actor("subject"), batch=batch)
    assert refused.value.code == "IMPORT_HAS_ERRORS"
    assert stored(w) == {(w.an.pk, "TX1"): "7.0"}
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW and len(batch.raw_rows) == 12  # the upload is kept


def test_preview_page_lists_the_errors_and_offers_no_commit(client, w):
    batch = upload(w, fill(template(w), {(AN, "GK"): 11, (CUC, "GK"): 7}))
    client.force_login(w.users["subject"])
    page = client.get(batch_urls(batch)["excel_batch"]).content.decode()
    assert "chưa ghi ô nào" in page and "K (ĐĐGgk)" in page
    assert "Điểm 11 nằm ngoài thang điểm 0–10." in page
    assert batch_urls(batch)["excel_commit"] not in page


def test_unknown_levels_of_a_comment_subject(w):
    pe = Subject.objects.create(
        school=w.school,
        level="lower_secondary",
        code="GDTC",
        name="Giáo dục thể chất",
        assessment="comment",
    )
    SubjectOffering.objects.create(subject=pe, grade=w.class_a.grade, periods_per_year=70)
    TeachingAssignment.objects.create(
        teacher=w.people["subject"], school_class=w.class_a, subject=pe, term=w.term1
    )
    pe_sheet = load_sheet(w.class_a, pe, w.term1)
    book = template(w, sheet=pe_sheet)
    kinds = {(dv.type, dv.formula1) for dv in book.worksheets[0].data_validations.dataValidation}
    assert kinds == {("list", '"Đ,CĐ"')}
    data = fill(book, {(AN, "TX1"): "Đạt", (CUC, "TX1"): "cđ", (DUNG, "TX1"): "Tốt"})
    batch = upload(w, data, sheet=pe_sheet)
    assert [(c["row"], c["new"], c["new_shown"]) for c in batch.rows] == [
        (AN, "D", "Đ"),
        (CUC, "CD", "CĐ"),
    ]
    assert errors_at(batch) == {
        (DUNG, "E (ĐĐGtx 1)"): (
            "UNKNOWN_LEVEL",
            "“Tốt” không phải là mức đánh giá hợp lệ (Đ (Đạt) / CĐ (Chưa đạt)).",
        )
    }


def test_a_change_to_a_finalised_column_is_an_error_an_unchanged_value_is_not(w):
    for student, value in ((w.an, "6"), (w.cuc, "7"), (w.dung, "8")):
        store(w, student, "GK", value)
    actions.columns_finalise(actor=w.actor("subject"), sheet=math_sheet(w), column_keys=["GK"])
    # The template carries the finalised values (unchanged: fine); one is changed.
    batch = upload(w, fill(template(w), {(CUC, "GK"): 9.5, (AN, "TX1"): 8}))
    assert errors_at(batch) == {
        (CUC, "K (ĐĐGgk)"): (
            "FINALISED",
            "Cột ĐĐGgk đã chốt: muốn sửa phải làm đơn đề nghị sửa điểm.",
        )
    }
    assert batch.result["unchanged"] == 2
    assert stored(w)[(w.cuc.pk, "GK")] == "7.0" and (w.an.pk, "TX1") not in stored(w)


def test_a_change_in_a_locked_book_is_an_error(w):
    actions.book_lock(
        actor=w.actor("principal"), year=w.year, school_class=w.class_a, checkpoint="end1"
    )
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8, (CUC, "GK"): 7}))
    codes = {(e["row"], e["column"]): e["code"] for e in batch.errors}
    assert codes == {(AN, "E (ĐĐGtx 1)"): "LOCKED"}
    assert "Sổ đã khóa" in batch.errors[0]["message"]
    assert [(c["row"], c["column"]) for c in batch.rows] == [(CUC, "GK")]  # mid-term is open
    assert not Assessment.objects.exists()


def test_a_code_that_belongs_to_another_student_is_an_error(w):
    book = template(w)
    book.worksheets[0].cell(row=CUC, column=3, value="Lê Thị Cúc Mới")
    batch = upload(w, fill(book, {(CUC, "TX1"): 8}))
    assert errors_at(batch) == {
        (CUC, "C (Họ và tên)"): (
            "STUDENT_MISMATCH",
            "Mã học sinh “HS003” là của Lê Thị Cúc, nhưng dòng này ghi họ tên “Lê Thị Cúc Mới”.",
        )
    }


def test_a_template_of_another_sheet_is_refused(w):
    data = fill(template(w), {(AN, "TX1"): 8})
    literature = load_sheet(w.class_a, w.literature, w.term1)
    with pytest.raises(DomainError) as refused:
        upload(w, data, who="homeroom", sheet=literature)
    assert refused.value.code == "WRONG_SHEET"
    assert "mẫu sổ điểm môn Toán lớp 6A1" in refused.value.message
    assert not ImportBatch.objects.filter(kind="grades").exists()


def test_not_a_spreadsheet_is_refused_in_vietnamese(client, w):
    client.force_login(w.users["subject"])
    response = client.post(
        sheet_urls(w)["excel_upload"],
        {
            "file": SimpleUploadedFile("toan.xlsx", b"not excel", content_type=XLSX),
            "clear_empty": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tệp không phải bảng tính Excel hợp lệ" in page
    assert 'name="clear_empty" value="1" checked' in page
    assert not ImportBatch.objects.filter(kind="grades").exists()


# --- Files from other systems: column mapping -----------------------------------------------------

SMAS_HEADERS = ["STT", "Mã HS", "Họ tên", "Ngày sinh", "TX1", "TX2", "Giữa kỳ", "Cuối kì"]


def smas_file(w, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["SỞ GD&ĐT — BẢNG ĐIỂM MÔN TOÁN LỚP 6A1"])
    sheet.append([])
    sheet.append(SMAS_HEADERS)
    for row in rows:
        sheet.append(row)
    return to_bytes(book)


def test_other_systems_headers_are_suggested_not_trusted():
    columns = sheet_columns(
        subject=SimpleNamespace(assessment="score"),
        offering=SimpleNamespace(periods_per_year=140),
        term=SimpleNamespace(number=1),
        ruleset="TT22_2021",
    )
    headers = ["Mã HS", "Họ tên", "Điểm 15 phút", "Điểm 15 phút", "ĐĐGtx3", "GK", "CK", "Lớp"]
    assert excel_recognition.suggest_mapping(headers, columns) == {
        0: "student_code",
        1: "full_name",
        2: "TX1",
        3: "TX2",
        4: "TX3",
        5: "GK",
        6: "CK",
    }
    assert not excel_recognition.is_our_layout(headers, columns)
    ours = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "ĐĐGtx 1", "ĐĐGgk", "Ghi chú"]
    assert excel_recognition.is_our_layout(ours, columns)


def test_a_smas_file_is_mapped_once_and_the_mapping_is_reused(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.users["subject"])
    first = smas_file(
        w,
        [
            [1, w.an.student_code, "Nguyễn Văn An", "04/03/2015", 8, 7.5, 6, ""],
            [2, "HS003", "Lê Thị Cúc", "01/06/2015", "9,5", "", "", 7],
        ],
    )
    client.post(
        sheet_urls(w)["excel_upload"],
        {"file": SimpleUploadedFile("smas.xlsx", first, content_type=XLSX)},
    )
    batch = ImportBatch.objects.filter(kind="grades").get()
    # GIVEN a file whose headers are not ours: the mapping is suggested, not applied
    assert batch.state == State.NEEDS_MAPPING and batch.result["header_row"] == 3
    assert batch.column_mapping() == {
        0: "sequence",
        1: "student_code",
        2: "full_name",
        3: "birth_date",
        4: "TX1",
        5: "TX2",
        6: "GK",
        7: "CK",
    }
    page = client.get(batch_urls(batch)["excel_batch"]).content.decode()
    assert "Ghép cột" in page and 'name="col_4"' in page and "— bỏ qua —" in page
    form = {f"col_{i}": t for i, t in batch.column_mapping().items()}
    form |= {"save_as": "SMAS sổ điểm", "source": "smas"}
    # WHEN the user maps two file columns to one sheet column, THEN the page says so
    response = client.post(batch_urls(batch)["excel_map"], form | {"col_5": "TX1"})
    assert response.status_code == 400
    assert "“ĐĐGtx 1” được ghép với nhiều cột: E (TX1), F (TX2)" in response.content.decode()
    assert 'value="SMAS sổ điểm"' in response.content.decode()
    assert not ImportMapping.objects.exists()
    # WHEN mapped and saved
    response = client.post(batch_urls(batch)["excel_map"], form)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW and batch.errors == []
    assert [(c["row"], c["column"], c["new"]) for c in batch.rows] == [
        (4, "TX1", "8.0"),
        (4, "TX2", "7.5"),
        (4, "GK", "6.0"),
        (5, "TX1", "9.5"),
        (5, "CK", "7.0"),
    ]
    saved = ImportMapping.objects.get()
    assert (saved.kind, saved.name, saved.source, saved.header_row) == (
        "grades",
        "SMAS sổ điểm",
        "smas",
        3,
    )
    assert saved.columns["ma hs"] == "student_code" and saved.columns["giua ky"] == "GK"
    assert not ImportMapping.objects.filter(kind="students").exists()
    assert AuditEvent.objects.get(event_type="import_mapping.saved").after["kind"] == "grades"
    commit(w, batch, django_capture_on_commit_callbacks)
    assert stored(w)[(w.cuc.pk, "CK")] == "7.0"

    # THEN a second file with the same headers is mapped automatically
    second = smas_file(w, [[1, "HS004", "Phạm Văn Dũng", "09/08/2015", 10, "", "", ""]])
    client.post(
        sheet_urls(w)["excel_upload"],
        {"file": SimpleUploadedFile("smas2.xlsx", second, content_type=XLSX)},
    )
    again = ImportBatch.objects.filter(kind="grades").exclude(pk=batch.pk).get()
    assert again.state == State.PREVIEW and again.errors == []
    assert again.result["mapping_applied"] and again.result["mapping_name"] == "SMAS sổ điểm"
    assert [(c["student"], c["column"], c["new"]) for c in again.rows] == [
        (w.dung.pk, "TX1", "10.0")
    ]
    page = client.get(batch_urls(again)["excel_batch"]).content.decode()
    assert "Đã áp dụng mẫu ghép cột SMAS sổ điểm" in page


def test_students_are_found_by_name_and_birth_date_when_the_code_is_not_ours(w):
    data = smas_file(
        w,
        [
            [1, "SMAS-0001", "Lê Thị Cúc", "01/06/2015", 8, "", "", ""],
            [2, "", "Phạm Văn Dũng", "09/08/2015", 6, "", "", ""],
            [3, "", "Phạm Văn Dũng", "10/08/2015", 6, "", "", ""],  # another birth date
        ],
    )
    batch = upload(w, data)
    mapping = batch.column_mapping()
    batch = import_actions.import_apply_mapping(
        actor=w.actor("subject"), batch=batch, columns=mapping
    )
    assert [(c["row"], c["student"]) for c in batch.rows] == [(4, w.cuc.pk), (5, w.dung.pk)]
    assert [(x["row"], x["code"]) for x in batch.result["warnings"]] == [(4, "STUDENT_MISMATCH")]
    assert errors_at(batch) == {
        (6, "C (Họ tên)"): (
            "UNKNOWN_STUDENT",
            "Không có học sinh tên “Phạm Văn Dũng”, sinh ngày 10/08/2015 trong lớp 6A1.",
        )
    }


# --- Commit failures roll everything back ---------------------------------------------------------


def test_a_column_finalised_between_preview_and_commit_fails_the_whole_commit(
    w, django_capture_on_commit_callbacks
):
    for student in (w.an, w.cuc, w.dung):
        store(w, student, "GK", "6")
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8, (CUC, "TX1"): 9, (DUNG, "GK"): 7}))
    assert batch.state == State.PREVIEW and batch.errors == [] and len(batch.rows) == 3
    # The teacher finalises GK in the grid before the import is committed.
    actions.columns_finalise(actor=w.actor("subject"), sheet=math_sheet(w), column_keys=["GK"])
    events_before = AuditEvent.objects.count()

    batch = commit(w, batch, django_capture_on_commit_callbacks)

    assert batch.state == State.FAILED
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (DUNG, "K (ĐĐGgk)", "FINALISED")
    ]
    assert (w.an.pk, "TX1") not in stored(w) and stored(w)[(w.dung.pk, "GK")] == "6.0"
    assert AuditEvent.objects.count() == events_before
    assert batch.raw_rows and len(batch.rows) == 3  # what was uploaded is kept


def test_a_failure_in_the_middle_of_the_commit_rolls_back_every_change(
    w, django_capture_on_commit_callbacks, monkeypatch
):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8, (CUC, "TX1"): 9, (DUNG, "TX1"): 7}))
    real_save = grade_import.assessment_save
    calls = []

    def save_then_fail(**kwargs):
        calls.append(kwargs["student"].pk)
        if len(calls) == 3:
            raise DomainError("CONFLICT", "Kết quả này vừa được lưu ở nơi khác.")
        return real_save(**kwargs)

    monkeypatch.setattr(grade_import, "assessment_save", save_then_fail)
    batch = commit(w, batch, django_capture_on_commit_callbacks)
    assert calls == [w.an.pk, w.cuc.pk, w.dung.pk]
    assert batch.state == State.FAILED
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (DUNG, "E (ĐĐGtx 1)", "CONFLICT")
    ]
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="grade.").exists()


def test_a_result_changed_since_the_preview_fails_the_commit(w, django_capture_on_commit_callbacks):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8, (CUC, "TX1"): 9}))
    store(w, w.cuc, "TX1", "5")  # somebody saves in the grid meanwhile
    batch = commit(w, batch, django_capture_on_commit_callbacks)
    assert batch.state == State.FAILED
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (CUC, "E (ĐĐGtx 1)", "CHANGED_SINCE_PREVIEW")
    ]
    assert "đang là “5,0”" in batch.errors[0]["message"]
    assert stored(w) == {(w.cuc.pk, "TX1"): "5.0"}


# --- Permissions ----------------------------------------------------------------------------------


def test_only_the_assigned_teacher_may_upload_and_commit(client, w):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8}))
    urls = sheet_urls(w) | batch_urls(batch)
    data = fill(template(w), {(AN, "TX1"): 9})
    for who in ("homeroom", "principal", "dept_head"):
        client.force_login(w.users[who])
        assert client.get(urls["excel_start"]).status_code == 403
        response = client.post(
            urls["excel_upload"],
            {"file": SimpleUploadedFile("t.xlsx", data, content_type=XLSX)},
        )
        assert response.status_code == 403
        assert client.get(urls["excel_batch"]).status_code == 403
        assert client.post(urls["excel_commit"]).status_code == 403
    assert ImportBatch.objects.filter(kind="grades").count() == 1
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW and not Assessment.objects.exists()
    assert AuditEvent.objects.filter(event_type="access.forbidden").count() >= 12
    with pytest.raises(DomainError) as refused:
        upload(w, data, who="homeroom")
    assert refused.value.code == "NOT_ASSIGNED"
    # Somebody who cannot read the sheet at all gets 404.
    client.force_login(w.users["outsider"])
    assert client.get(urls["excel_start"]).status_code == 404
    assert client.get(urls["excel_template"]).status_code == 404
    assert client.get(urls["excel_batch"]).status_code == 404


def test_another_schools_batch_is_not_found(client, w):
    batch = upload(w, fill(template(w), {(AN, "TX1"): 8}))
    other = small_school("T2")
    client.force_login(other.users["subject"])
    urls = batch_urls(batch)
    assert client.get(urls["excel_batch"]).status_code == 404
    assert client.post(urls["excel_commit"]).status_code == 404
    assert client.post(urls["excel_cancel"]).status_code == 404
    batch.refresh_from_db()
    assert batch.state == State.PREVIEW
    # The teacher itself may cancel it.
    client.force_login(w.users["subject"])
    assert client.post(urls["excel_cancel"]).status_code == 302
    batch.refresh_from_db()
    assert batch.state == State.CANCELLED


def test_our_headers_without_the_hidden_sheet_need_no_mapping(w):
    book = template(w)
    del book["hoso_meta"]
    batch = upload(w, fill(book, {(AN, "TX1"): 8}))
    assert batch.state == State.PREVIEW and batch.result["how"] == "recognised"
    assert [(c["row"], c["column"], c["new"]) for c in batch.rows] == [(AN, "TX1", "8.0")]


def test_a_teacher_reassigned_before_the_commit_writes_nothing(w):
    from hoso.imports.tasks import commit_import

    batch = upload(w, fill(template(w), {(AN, "TX1"): 8}))
    ImportBatch.objects.filter(kind="grades").filter(pk=batch.pk).update(
        state=State.QUEUED, result=batch.result | {"queued_by": w.users["subject"].pk}
    )
    # The principal gives 6A1 math to another teacher while the commit waits in the queue.
    TeachingAssignment.objects.filter(school_class=w.class_a, subject=w.math).update(
        teacher=w.people["dept_head"]
    )
    commit_import.enqueue(batch.pk)
    batch.refresh_from_db()
    assert batch.state == State.FAILED
    assert [(e["row"], e["code"]) for e in batch.errors] == [(None, "NOT_ASSIGNED")]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_a_template_saved_again_by_libreoffice_is_still_recognised(w, extension):
    from hoso.imports.tests.files import resaved_by_libreoffice

    # GIVEN the template filled and saved by LibreOffice (its hidden identity sheet kept)
    data = resaved_by_libreoffice(fill(template(w), {(AN, "TX1"): 8.5, (CUC, "GK"): 7}), extension)
    # WHEN it is uploaded, THEN it is the sheet's template and the changes are those typed
    batch = upload(w, data, filename=f"toan.{extension}")
    assert batch.state == State.PREVIEW and batch.result["how"] == "template"
    assert [(c["row"], c["column"], c["new"]) for c in batch.rows] == [
        (AN, "TX1", "8.5"),
        (CUC, "GK", "7.0"),
    ]


def test_a_cell_brought_from_the_former_class_is_an_error_of_its_row(w):
    from hoso.students import actions as student_actions

    TeachingAssignment.objects.create(
        teacher=w.people["subject"], school_class=w.class_b, subject=w.math, term=w.term1
    )
    moved = make_student(w.school, w.class_b, "Vũ Văn Xuân", code="HS009", birth=date(2015, 3, 3))
    actions.assessment_save(
        actor=w.actor("subject"),
        sheet=load_sheet(w.class_b, w.math, w.term1),
        student=moved,
        column_key="TX1",
        raw_value="5",
    )
    student_actions.enrolment_change_class(
        actor=w.actor("clerk"),
        enrolment=moved.enrolments.get(),
        school_class=w.class_a,
        on=date(2026, 11, 2),
    )
    book = template(w)
    sheet = book.worksheets[0]
    row = next(r for r in range(1, 40) if sheet.cell(row=r, column=3).value == "Vũ Văn Xuân")
    batch = upload(w, fill(book, {(row, "TX1"): 9, (row, "TX2"): 7}))
    codes = {(e["row"], e["field"]): e["code"] for e in batch.errors}
    assert codes == {(row, "TX1"): "OTHER_CLASS"}
    assert "nhập ở lớp 6A2" in batch.errors[0]["message"]
    assert [(c["row"], c["column"]) for c in batch.rows] == [(row, "TX2")]
    assert Assessment.objects.get(student=moved, column="TX1").value == "5.0"
