"""GIVEN classes under TT22 (score and Đ/CĐ subjects) and TT27 WHEN their books are printed THEN
each subject's result is captioned as its rule set words it: "điểm trung bình môn học" only for
scored TT22 subjects, the Đ/CĐ result and the TT27 level otherwise."""

from __future__ import annotations

from hoso.printing import documents as docs
from hoso.printing.tests.helpers import graded_class
from hoso.printing.tests.pdfcheck import pdf_text_flat

AVERAGE = "điểm trung bình môn học"


def _headings(data) -> dict[str, str]:
    return {
        s["heading"].split(" — ")[0].removeprefix("Môn: "): s["heading"]
        for s in data["sections"]
        if s["heading"].startswith("Môn: ")
    }


def test_the_year_book_captions_scored_and_commented_subjects_apart(world):
    graded_class(world)
    data = docs.class_book_data(school_class=world.class_a, period="year")
    headings = _headings(data)
    assert headings["Toán"].endswith(AVERAGE)
    assert AVERAGE not in headings["Giáo dục thể chất"]
    assert "kết quả đánh giá" in headings["Giáo dục thể chất"]
    assert "Giáo dục thể chất — kết quả đánh giá" in pdf_text_flat(docs.render_class_book(data))


def test_the_term_book_heads_the_commented_subject_result_as_an_assessment(world):
    graded_class(world)
    data = docs.class_book_data(school_class=world.class_a, period="term1")
    heads = {
        s["heading"].split(" — ")[0]: [c["label"] for c in s["columns"]]
        for s in data["sections"]
        if s["heading"].startswith("Môn: ")
    }
    assert heads["Môn: Toán"][-1] == "ĐTBmhk"
    assert heads["Môn: Giáo dục thể chất"][-1] == "Đánh giá"


def test_no_primary_subject_is_captioned_as_an_average(world):
    from hoso.gradebook.tests.results_helpers import primary_school

    p = primary_school(world)
    data = docs.class_book_data(school_class=p.school_class, period="year")
    headings = _headings(data)
    assert headings and all(AVERAGE not in h for h in headings.values())
    assert all(h.endswith("mức đạt được") for h in headings.values())
