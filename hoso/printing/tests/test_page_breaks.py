"""GIVEN books of every length WHEN they are rendered THEN no page holds only the signatures
(the table's last rows stay with them) and the subjects of a class book are packed, not each
started on a new page."""

from __future__ import annotations

import subprocess
import tempfile

from hoso.printing.documents import render_class_book
from hoso.printing.documents.books import column_spec
from hoso.printing.render import signature_slots


def _pages(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", f.name, "-"], check=True, capture_output=True
        ).stdout.decode()
    return [p for p in out.split("\f") if p.strip()]


def _book(sections) -> dict:
    return {
        "kind": "class_book",
        "landscape": True,
        "title": "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH",
        "subtitle": "Lớp 6A1 — Học kỳ I — Năm học 2026-2027",
        "header": {
            "office": "Phòng Giáo dục và Đào tạo Thử Nghiệm",
            "school": "Trường THCS Thử Nghiệm",
            "place": "Hà Nội",
            "date": None,
        },
        "info": [["Lớp", "6A1"], ["Năm học", "2026-2027"]],
        "sections": sections,
        "notes": ["Tình trạng kết quả học kỳ I: Đang tính."],
        "signatures": [
            {"slot": slot, "caption": caption, "name": "Đỗ Thị Lan"}
            for slot, caption in signature_slots("class_book")
        ],
    }


def _subject(name: str, students: int) -> dict:
    return {
        "heading": f"Môn: {name} — Học kỳ I",
        "columns": [
            column_spec("STT"),
            column_spec("Họ và tên", "3fr", "left"),
            column_spec("ĐĐGtx 1", "1fr"),
            column_spec("ĐTBmhk", "1fr"),
        ],
        "rows": [[str(i), f"Học sinh số {i}", "8,0", "8,0"] for i in range(1, students + 1)],
    }


def test_no_page_holds_only_the_signatures():
    for students in range(14, 40):
        pages = _pages(render_class_book(_book([_subject("Toán", students)])))
        last = pages[-1]
        assert "GIÁO VIÊN CHỦ NHIỆM" in last
        assert f"Học sinh số {students}" in last, (students, len(pages))
        assert "Tình trạng kết quả" in last


def test_the_subjects_of_a_class_book_are_packed_not_each_on_a_new_page(world):
    from hoso.printing.documents import class_book_data
    from hoso.printing.tests.helpers import graded_class

    graded_class(world, extra_students=["Đỗ Thị Hằng"])
    data = class_book_data(school_class=world.class_a, period="term1")
    subjects = [s for s in data["sections"] if s["heading"].startswith("Môn: ")]
    assert len(subjects) == 7
    pages = _pages(render_class_book(data))
    assert len(pages) <= 3, len(pages)  # one page per subject before
    assert "Môn: " in pages[0] and pages[0].count("Môn: ") >= 2
