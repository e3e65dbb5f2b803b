"""Who left a class during the year stays in its printed books, struck through in red with the
date and reason; a transferred-out student's transcript is still in the class's print list."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hoso.printing import actions
from hoso.printing import documents as docs
from hoso.printing.models import PrintJob
from hoso.printing.tests.pdfcheck import PNG_DIR, pdf_text_flat
from hoso.students import actions as student_actions
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(world):
    """6A1: An (studying), Ước (transferred out 10/11), Chí (changed to 6A2 on 02/12)."""
    clerk = world.actor("clerk")
    gone = make_student(world.school, world.class_a, "Lê Văn Ước")
    chi = make_student(world.school, world.class_a, "Hoàng Văn Chí")
    student_actions.enrolment_end(
        actor=clerk,
        enrolment=gone.enrolments.get(),
        status="transferred_out",
        end_date=date(2026, 11, 10),
        note="Chuyển đến THCS Lê Lợi",
    )
    student_actions.enrolment_change_class(
        actor=clerk,
        enrolment=chi.enrolments.get(),
        school_class=world.class_b,
        on=date(2026, 12, 2),
    )
    return gone, chi


def test_class_book_strikes_through_who_left(world, moved):
    gone, chi = moved
    data = docs.class_book_data(school_class=world.class_a, period="term1")
    summary = data["sections"][-1]
    names = [row[1] for row in summary["rows"]]
    assert names == [
        "Nguyễn Văn An",
        "Hoàng Văn Chí (Chuyển lớp 02/12/2026)",
        "Lê Văn Ước (Chuyển đi 10/11/2026 — Chuyển đến THCS Lê Lợi)",
    ]
    assert all(section["struck"] == [1, 2] for section in data["sections"])
    assert data["info"][3] == ["Sĩ số", "1 (đã rời lớp: 2)"]
    pdf = docs.render_class_book(data)
    text = pdf_text_flat(pdf)
    (PNG_DIR / "moved.pdf").parent.mkdir(parents=True, exist_ok=True)
    (PNG_DIR / "moved.pdf").write_bytes(pdf)  # for a look
    assert "Chuyển đến THCS Lê Lợi" in text and "Nguyễn Văn An" in text
    # the new class lists Chí as a member, not struck
    other = docs.class_book_data(school_class=world.class_b, period="term1")
    assert "struck" not in other["sections"][-1]
    assert [r[1] for r in other["sections"][-1]["rows"]] == ["Trần Thị Bình", "Hoàng Văn Chí"]


def test_gradebook_sheet_strikes_through_who_left(world, moved):
    data = docs.gradebook_sheet_data(
        school_class=world.class_a, subject=world.math, term=world.term1
    )
    assert data["sections"][0]["struck"] == [1, 2]
    assert data["info"][1] == ["Sĩ số", "1 (đã rời lớp: 2)"]


def test_transcript_batch_keeps_the_transferred_out_student(world, moved):
    gone, chi = moved
    job = PrintJob.objects.create(
        school=world.school,
        year=world.year,
        requested_by=world.users["clerk"],
        scope=PrintJob.Scope.CLASS,
        school_class=world.class_a,
        output="pdf",
    )
    pairs = actions.job_students(job)
    assert [s.pk for _, s in pairs] == [world.student_a.pk, gone.pk]  # Chí is in 6A2's


def test_class_transcript_page_lists_who_left(client, world, moved):
    gone, chi = moved
    client.force_login(world.users["homeroom"])
    body = client.get(reverse("printing:class", args=[world.class_a.pk])).content.decode()
    assert body.count('data-left="1"') == 2
    assert reverse("printing:transcript", kwargs={"student_id": gone.pk}) in body
    assert reverse("printing:transcript", kwargs={"student_id": chi.pk}) not in body
    assert "Học bạ in ở lớp mới" in body


def test_enrolment_register_strikes_through_who_left_the_school(world, moved):
    gone, chi = moved
    data = docs.enrolment_register_data(year=world.year)
    rows = data["sections"][0]["rows"]
    struck = data["sections"][0]["struck"]
    assert [rows[i][1] for i in struck] == ["Lê Văn Ước"]
    by_name = {r[1]: r for r in rows}
    assert by_name["Lê Văn Ước"][-1] == "Chuyển đi 10/11/2026; Chuyển đến THCS Lê Lợi"
    assert by_name["Hoàng Văn Chí"][-2] == "6A1 → 6A2"
    assert "1 đã rời trường" in data["notes"][0]
