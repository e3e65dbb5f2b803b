"""Wording as the school reads it, checked on what is really rendered (beside
``test_wording.py``, which scans the sources): notifications sent by the actions that change
scores show them with a decimal comma ("7,0 → 8,5"), and the text of a few demo prints holds no
"học kỳ i"/"học kỳ ii" in lower case and no score with a decimal point."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.gradebook.corrections.actions import (
    correction_confirm,
    correction_decide,
    correction_request,
)
from hoso.gradebook.entry import actions as entry
from hoso.gradebook.entry.sheets import load_sheet
from hoso.notifications.models import Notification
from hoso.printing import documents as docs
from hoso.printing.tests.helpers import graded_class
from hoso.printing.tests.pdfcheck import pdf_text_flat

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

#: a score written with a point: "8.5", "10.0" (not a date "07/12", a time "07:30" or "1.234")
POINT_SCORE = re.compile(r"(?<![\d.,])\d{1,2}\.\d(?![\d.])")
#: a term label lowered by hand: "học kỳ i", "học kì ii" (Roman numerals must stay upper case)
LOWER_TERM = re.compile(r"học k[ỳì] i{1,2}\b")


def _offences(text: str) -> list[str]:
    return POINT_SCORE.findall(text) + LOWER_TERM.findall(text)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("Đã sửa GK: 7.0 → 8.5", True),
        ("trong học kỳ ii", True),
        ("Đã sửa GK: 7,0 → 8,5 ngày 07/12/2026 lúc 07:30", False),
        ("học kỳ II, Thông tư 22/2021/TT-BGDĐT", False),
    ],
)
def test_the_guard_itself(text, bad):
    assert bool(_offences(text)) is bad


@pytest.fixture
def corrected(world, settings, tmp_path, django_capture_on_commit_callbacks):
    """A mistyped midterm score (7 → 8,5) corrected through the whole procedure, with the
    notifications of every step delivered."""
    settings.MEDIA_ROOT = tmp_path / "media"
    sheet = load_sheet(world.class_a, world.math, world.term1)
    with django_capture_on_commit_callbacks(execute=True):
        entry.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=world.student_a,
            column_key="GK",
            raw_value="7",
        )
        entry.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
        c = correction_request(
            actor=world.actor("subject"),
            sheet=sheet,
            student=world.student_a,
            column_key="GK",
            new_value="8,5",
            reason="Nhập nhầm điểm bài kiểm tra giữa kỳ.",
            files=[SimpleUploadedFile("bai-kiem-tra.pdf", PDF, content_type="application/pdf")],
        )
        c = correction_decide(
            actor=world.actor("principal"),
            correction=c,
            approve=True,
            note="Đồng ý.",
            witness=world.users["vice"],
        )
        correction_confirm(actor=world.actor("vice"), correction=c)
        c = correction_confirm(actor=world.actor("homeroom"), correction=c)
    c.refresh_from_db()
    return c


def test_notifications_of_a_score_correction_use_a_decimal_comma(world, corrected):
    texts = list(Notification.objects.values_list("text", flat=True))
    assert any("7,0 → 8,5" in t for t in texts), texts
    assert [t for t in texts if _offences(t)] == []


def test_printed_books_and_the_correction_minute_have_no_point_scores_or_lowered_terms(
    world, corrected
):
    graded_class(world, extra_students=["Đỗ Thị Hằng"])
    prints = {
        "class book, term I": docs.render_class_book(
            docs.class_book_data(school_class=world.class_a, period="term1")
        ),
        "grade sheet": docs.render_gradebook_sheet(
            docs.gradebook_sheet_data(
                school_class=world.class_a, subject=world.math, term=world.term1
            )
        ),
        "correction minute": docs.render_correction_minute(
            docs.correction_minute_data(correction=corrected)
        ),
    }
    found = {}
    for name, pdf in prints.items():
        text = pdf_text_flat(pdf)
        assert re.search(r"\d,\d", text), f"{name}: no score printed at all"
        if _offences(text):
            found[name] = _offences(text)
    assert found == {}
