"""GIVEN the small school with grade-book data built through the grade book's actions and
helpers, WHEN each document is built and rendered, THEN its PDF carries the data (Vietnamese marks
included), uses only the pinned font, and page 1 renders to a sensible, non-blank PNG."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.gradebook.corrections.actions import (
    correction_confirm,
    correction_decide,
    correction_request,
)
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.tests.results_helpers import (
    all_traits,
    inputs,
    primary_grades,
    primary_school,
)
from hoso.printing import documents as docs
from hoso.printing.render import PAGE_HEIGHT, signature_boxes
from hoso.printing.tests.helpers import approve_year, graded_class
from hoso.printing.tests.pdfcheck import (
    PNG_DIR,
    assert_fonts_pinned,
    pdf_text,
    pdf_text_flat,
    png_page1,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def check(pdf: bytes, name: str, expected: list[str], *, landscape=False) -> str:
    text = pdf_text(pdf)
    (PNG_DIR / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
    (PNG_DIR / f"{name}.txt").write_text(text)
    flat = pdf_text_flat(pdf)
    for item in expected + ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]:
        assert item in text or item in flat, f"{name}: {item!r} missing"
    assert_fonts_pinned(pdf)
    png_page1(pdf, name, landscape=landscape)
    return text


@pytest.fixture
def graded(world):
    return graded_class(world, extra_students=["Đỗ Thị Hằng", "Lê Văn Ước"])


def test_class_book_term_and_year(world, graded):
    data = docs.class_book_data(school_class=world.class_a, period="term1")
    text = check(
        docs.render_class_book(data),
        "class_book_term1",
        [
            "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH",
            "Môn: Ngữ văn",
            "Nguyễn Văn An",
            "Đỗ Thị Hằng",
            "7,5",
            "ĐĐGgk",
            "ĐĐGtx 1",
            "ĐTBmhk",
            "Tổng hợp kết quả đánh giá của lớp",
            "Đỗ Thị Lan",
        ],
        landscape=True,
    )
    assert "Đang tính" in text  # the term's state is printed with the book
    rich, _ = graded
    approve_year(world, rich)
    data = docs.class_book_data(school_class=world.class_a, period="year")
    check(
        docs.render_class_book(data),
        "class_book_year",
        ["Cả năm", "Khoa học tự nhiên", "Lên lớp", "Hiệu trưởng đã phê duyệt"],
        landscape=True,
    )


def test_class_book_copes_with_an_empty_grade_book(world):
    data = docs.class_book_data(school_class=world.class_b, period="term1")
    assert data["sections"][-1]["rows"][0][1] == "Trần Thị Bình"
    assert all(cell == "" for cell in data["sections"][0]["rows"][0][2:])
    check(
        docs.render_class_book(data),
        "class_book_empty",
        ["Trần Thị Bình", "Chưa tính kết quả"],
        landscape=True,
    )


def test_gradebook_sheet(world, graded):
    data = docs.gradebook_sheet_data(
        school_class=world.class_a, subject=world.math, term=world.term1
    )
    check(
        docs.render_gradebook_sheet(data),
        "gradebook_sheet",
        ["BẢNG ĐIỂM MÔN HỌC", "Toán", "Vũ Minh Đức", "GIÁO VIÊN BỘ MÔN", "Lê Văn Ước"],
    )


def test_primary_transcript_and_class_summary(world):
    p = primary_school(world)
    from hoso.testing.factories import make_student

    st = make_student(world.school, p.school_class, "Đỗ Minh Ngọc", gender="F")
    primary_grades(p, st, level="T", tests={"TIENG_VIET": 9, "TOAN": 10})
    primary_grades(p, st, level="H", term=1)
    hi = inputs(world, st, **all_traits("T"), absences_term1=0, absences_term2=1)
    hi.qualities = {**hi.qualities, **all_traits("D", "end1")["qualities"]}
    hi.save()
    from hoso.gradebook.comments.models import SubjectComment

    SubjectComment.objects.create(
        student=st,
        subject=p.subjects["TIENG_VIET"],
        term=p.term2,
        text="Đọc lưu loát, viết đúng chính tả.",
        updated_by=p.homeroom,
    )
    from hoso.gradebook.results.compute import recompute_class

    recompute_class(p.school_class)
    from django.utils import timezone

    from hoso.gradebook.results.models import ClassResult

    ClassResult.objects.filter(school_class=p.school_class).update(
        state="approved", approved_at=timezone.now()
    )  # approval itself is the grade book's (tested there)
    data = docs.transcript_data(student=st, year=world.year)
    assert data["level"] == "primary" and data["pending"] == []
    assert data["subjects"][0]["level"] == "Hoàn thành tốt"
    assert data["education_result"] in ("Hoàn thành xuất sắc", "Hoàn thành tốt")
    check(
        docs.render_transcript(data),
        "transcript_primary",
        [
            "HỌC BẠ",
            "TIỂU HỌC",
            "Đỗ Minh Ngọc",
            "Tiếng Việt",
            "Đạo đức",
            "Đọc lưu loát, viết đúng chính tả",
            "Những phẩm chất chủ yếu",
            "Những năng lực cốt lõi",
            "Phan Thị Hương",
        ],
    )
    summary = docs.class_summary_data(school_class=p.school_class, checkpoint="end2")
    row = summary["sections"][0]["rows"][0]
    assert row[1] == "Đỗ Minh Ngọc" and row[2] == "T" and "10" in row
    check(
        docs.render_class_summary(summary),
        "class_summary_end2",
        [
            "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC CỦA LỚP",
            "Đỗ Minh Ngọc",
            "Tiếng Việt",
            "Phẩm chất",
            "Năng lực",
            "Cuối năm học",
        ],
        landscape=True,
    )
    mid = docs.class_summary_data(school_class=p.school_class, checkpoint="end1")
    assert mid["sections"][0]["rows"][0][2] == "H"
    assert "Đ" in mid["sections"][0]["rows"][0]


def test_registers(world):
    world.student_a.birth_place = "Thành phố Hải Phòng"
    world.student_a.address = "Số 5 phố Lạch Tray, quận Ngô Quyền"
    world.student_a.save()
    data = docs.enrolment_register_data(year=world.year)
    assert [r[1] for r in data["sections"][0]["rows"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    check(
        docs.render_enrolment_register(data),
        "enrolment_register",
        ["SỔ ĐĂNG BỘ", "Nguyễn Văn An", "Cha: Nguyễn Văn Cường", "Lạch Tray", "6A2"],
        landscape=True,
    )
    data = docs.staff_register_data(school=world.school, year=world.year)
    check(
        docs.render_staff_register(data),
        "staff_register",
        [
            "SỔ QUẢN LÝ CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
            "Đỗ Thị Lan",
            "Đặng Văn Nam",
            "Hiệu trưởng",
            "Tổ Ngữ văn",
        ],
        landscape=True,
    )


def test_correction_minute(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sheet = load_sheet(world.class_a, world.math, world.term1)
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="GK",
        raw_value="7",
    )
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    c = correction_request(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="GK",
        new_value="8,5",
        reason="Nhập nhầm điểm bài kiểm tra giữa kỳ: bài làm được 8,5 điểm.",
        files=[SimpleUploadedFile("bài-kiểm-tra.pdf", PDF, content_type="application/pdf")],
    )
    draft = docs.correction_minute_data(correction=c)
    assert draft["draft"] is True
    check(docs.render_correction_minute(draft), "correction_minute_draft", ["DỰ THẢO"])
    c = correction_decide(
        actor=world.actor("principal"),
        correction=c,
        approve=True,
        note="Đồng ý sửa theo bài kiểm tra.",
        witness=world.users["vice"],
    )
    correction_confirm(actor=world.actor("vice"), correction=c)
    c = correction_confirm(actor=world.actor("homeroom"), correction=c)
    c.refresh_from_db()
    data = docs.correction_minute_data(correction=c)
    assert [s["slot"] for s in data["signatures"]] == [
        "requester",
        "witness",
        "homeroom",
        "principal",
    ]
    text = check(
        docs.render_correction_minute(data),
        "correction_minute",
        [
            "BIÊN BẢN SỬA CHỮA KẾT QUẢ ĐÁNH GIÁ HỌC SINH",
            c.minute_number,
            "Nguyễn Văn An",
            "Toán",
            "7,0",
            "8,5",
            "Vũ Minh Đức",
            "Trần Thị Mai",
            "Đỗ Thị Lan",
            "Nguyễn Văn Hùng",
            "Nhập nhầm điểm bài kiểm tra giữa kỳ",
            "bài-kiểm-tra.pdf",
            "NGƯỜI CHỨNG KIẾN",
        ],
    )
    assert "DỰ THẢO" not in text
    # the sentences end where they end (Typst swallowed the ";" after "#d.applied_at")
    flat = pdf_text_flat(docs.render_correction_minute(data))
    assert data["applied_at"] and " ngày " in data["applied_at"]
    assert f"Việc sửa hoàn tất lúc {data['applied_at']}. Kết quả cũ, kết quả mới" in flat
    assert f"lập lúc {data['requested_at']} và quyết định đồng ý" in flat


def test_approved_lists(world, graded):
    rich, students = graded
    data = docs.approved_list_data(year=world.year, list_name="promotion")
    assert data["sections"][0]["rows"] == []
    assert "6A1" in data["notes"][-1]  # not approved yet: named, not listed
    approve_year(world, rich)
    data = docs.approved_list_data(year=world.year, list_name="promotion")
    names = [r[1] for r in data["sections"][0]["rows"]]
    assert "Nguyễn Văn An" in names and "Đỗ Thị Hằng" in names
    check(
        docs.render_approved_list(data),
        "approved_list_promotion",
        ["DANH SÁCH HỌC SINH ĐƯỢC LÊN LỚP", "Nguyễn Văn An", "Đỗ Thị Hằng", "Lên lớp"],
    )
    for name in ("titles", "retest", "summer", "repeat"):
        pdf = docs.render_approved_list(docs.approved_list_data(year=world.year, list_name=name))
        assert "Năm học 2026-2027" in pdf_text(pdf)


@pytest.mark.parametrize(
    "kind,slots",
    [
        ("transcript", ["homeroom", "principal", "school_seal"]),
        ("correction_minute", ["requester", "witness", "homeroom", "principal"]),
        ("class_book", ["homeroom", "principal"]),
        ("gradebook_sheet", ["teacher"]),
    ],
)
def test_signature_boxes_are_inside_the_page_and_do_not_overlap(kind, slots):
    boxes = signature_boxes(kind)
    assert [b.name for b in boxes] == slots
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.x2 < b.x1
    for b in boxes:
        assert b.page == -1 and 0 < b.x1 < b.x2 and 0 < b.y1 < b.y2 < PAGE_HEIGHT
        assert b.y2 - b.y1 >= 60 and b.x2 - b.x1 >= 100


def test_the_signing_package_renders_through_the_kind_modules(world, graded):
    """hoso.signing imports hoso.printing.documents.<kind>.render_<kind>(**objects)."""
    import importlib

    sheet = importlib.import_module("hoso.printing.documents.gradebook_sheet")
    pdf = sheet.render_gradebook_sheet(
        school_class=world.class_a, subject=world.math, term=world.term1
    )
    assert "BẢNG ĐIỂM MÔN HỌC" in pdf_text(pdf)
    book = importlib.import_module("hoso.printing.documents.class_book")
    text = pdf_text(book.render_class_book(school_class=world.class_a, term=world.term1))
    assert "Học kỳ I" in text and "SỔ THEO DÕI" in text
    minute = importlib.import_module("hoso.printing.documents.correction_minute")
    assert callable(minute.render_correction_minute)


def test_the_signature_boxes_are_blank_on_the_rendered_pages(world, graded):
    """Each kind's boxes fall on blank space of its last page (between caption and name)."""
    from hoso.printing.tests.pdfcheck import ink_in_box

    rich, _ = graded
    approve_year(world, rich)
    cases = {
        "transcript": docs.render_transcript(
            docs.transcript_data(student=world.student_a, year=world.year),
            verification={"code": "ABCD-EFGH", "url": "https://hoso.test/xac-minh/ABCD-EFGH"},
        ),
        "class_book": docs.render_class_book(
            docs.class_book_data(school_class=world.class_a, period="year")
        ),
        "gradebook_sheet": docs.render_gradebook_sheet(
            docs.gradebook_sheet_data(
                school_class=world.class_a, subject=world.math, term=world.term1
            )
        ),
        "enrolment_register": docs.render_enrolment_register(
            docs.enrolment_register_data(year=world.year)
        ),
        "approved_list": docs.render_approved_list(
            docs.approved_list_data(year=world.year, list_name="promotion")
        ),
    }
    for kind, pdf in cases.items():
        for box in signature_boxes(kind):
            assert ink_in_box(pdf, box) < 0.002, (kind, box.name)
            # the caption is printed just above the box and the name just below it
            above = type(box)(box.name, -1, box.x1, box.y2, box.x2, box.y2 + 30)
            below = type(box)(box.name, -1, box.x1, box.y1 - 18, box.x2, box.y1)
            assert ink_in_box(pdf, above) > 0.005, (kind, box.name, "caption")
            assert ink_in_box(pdf, below) > 0.002, (kind, box.name, "name")
