"""The absences from attendance (P / K) in the class book, the primary summary, the promotion
lists and the signed class book; typed totals print as before (no P / K columns)."""

from __future__ import annotations

import pytest

from hoso.gradebook.results.models import HomeroomInput
from hoso.printing.documents import approved_list_data, class_book_data
from hoso.printing.documents.books import absences_text
from hoso.printing.tests.helpers import approve_year, graded_class

pytestmark = pytest.mark.django_db


def split(world, student, p1, k1, p2, k2):
    HomeroomInput.objects.filter(student=student, year=world.year).update(
        absences_term1=p1 + k1,
        absences_term2=p2 + k2,
        excused_term1=p1,
        unexcused_term1=k1,
        excused_term2=p2,
        unexcused_term2=k2,
    )


def summary(data):
    section = data["sections"][-1]
    return [c["label"] for c in section["columns"]], section["rows"]


def test_the_class_book_prints_p_and_k_when_they_come_from_attendance(world):
    rich, pupils = graded_class(world)
    labels, rows = summary(class_book_data(school_class=world.class_a, period="term1"))
    assert "Nghỉ có phép" not in labels  # typed totals: as before
    split(world, world.student_a, 2, 1, 3, 0)
    from hoso.gradebook.results.compute import recompute_class

    recompute_class(world.class_a)
    labels, rows = summary(class_book_data(school_class=world.class_a, period="term1"))
    i = labels.index("Số buổi nghỉ")
    assert labels[i + 1 : i + 3] == ["Nghỉ có phép", "Nghỉ không phép"]
    assert rows[0][i : i + 3] == ["3", "2", "1"]
    labels, rows = summary(class_book_data(school_class=world.class_a, period="year"))
    assert rows[0][i : i + 3] == ["6", "5", "1"]


def test_the_promotion_list_shows_the_year_absences_with_p_and_k(world):
    rich, pupils = graded_class(world)
    split(world, world.student_a, 2, 1, 3, 0)
    from hoso.gradebook.results.compute import recompute_class

    recompute_class(world.class_a)
    approve_year(world, rich)
    data = approved_list_data(year=world.year, list_name="promotion")
    labels = [c["label"] for c in data["sections"][0]["columns"]]
    row = data["sections"][0]["rows"][0]
    assert row[labels.index("Số buổi nghỉ")] == "6 (P 5, K 1)"
    titles = approved_list_data(year=world.year, list_name="titles")
    assert "Số buổi nghỉ" not in [c["label"] for c in titles["sections"][0]["columns"]]


def test_absences_text():
    assert absences_text(None, None) == ""
    assert absences_text(4, None) == "4"
    assert absences_text(4, {"excused_term1": 1, "unexcused_term2": 2}) == "4 (P 1, K 2)"


def test_the_signed_class_book_copy_has_p_and_k(world):
    from hoso.signing.books import class_book_spec

    rich, pupils = graded_class(world)
    split(world, world.student_a, 2, 1, 3, 0)
    from hoso.gradebook.results.compute import recompute_class

    recompute_class(world.class_a)
    approve_year(world, rich)
    spec = class_book_spec(school_class=world.class_a, term=world.term1)
    table = spec.copy_data["tables"][1]
    assert table["headers"][-2:] == ["Nghỉ có phép (P)", "Nghỉ không phép (K)"]
    assert table["rows"][0][-3:] == ["3", "2", "1"]


def test_the_primary_summary_prints_the_absences(world):
    from hoso.gradebook.tests.results_helpers import all_traits, inputs, primary_school
    from hoso.printing.documents import class_summary_data
    from hoso.testing.factories import make_student

    primary = primary_school(world)
    pupil = make_student(world.school, primary.school_class, "Phan Minh Châu")
    inputs(world, pupil, **all_traits("T"))
    split(world, pupil, 1, 2, 0, 4)
    data = class_summary_data(school_class=primary.school_class, checkpoint="end2")
    labels = [c["label"] for c in data["sections"][0]["columns"]]
    row = data["sections"][0]["rows"][0]
    i = labels.index("Số buổi nghỉ")
    assert labels[i + 1 : i + 3] == ["Nghỉ có phép", "Nghỉ không phép"]
    assert row[i : i + 3] == ["7", "1", "6"]
    mid = class_summary_data(school_class=primary.school_class, checkpoint="mid1")
    assert "Số buổi nghỉ" not in [c["label"] for c in mid["sections"][0]["columns"]]
