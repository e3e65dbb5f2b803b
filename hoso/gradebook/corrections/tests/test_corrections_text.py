"""Corrections of comments (nhận xét, the primary NX_ columns): GIVEN a locked primary sheet with a
teacher's comment, WHEN the teacher files a correction with a new text and the procedure runs,
THEN the text (line breaks kept, NFC) replaces the comment, the audit rows carry the texts (cut at
500 characters) and the pages and the minute show the old and new texts."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.core.errors import DomainError
from hoso.gradebook.corrections import selectors as sel
from hoso.gradebook.corrections.actions import (
    correction_confirm,
    correction_decide,
    correction_request,
)
from hoso.gradebook.corrections.errors import CorrectionError
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.tests.results_helpers import primary_school
from hoso.organisation.models import TeachingAssignment
from hoso.testing.factories import make_student

State = CorrectionRequest.State
PDF = b"%PDF-1.4\n%%EOF\n"
OLD = "Em đọc to, rõ ràng.\nCần luyện viết chữ hoa."
NEW = "Em đọc to, rõ ràng, diễn cảm.\n\nViết chữ hoa đúng mẫu."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def primary(world):
    p = primary_school(world)
    TeachingAssignment.objects.create(
        teacher=world.people["subject"],
        school_class=p.school_class,
        subject=p.subjects["TIENG_VIET"],
        term=world.term1,
    )
    return p


@pytest.fixture
def pupil(primary):
    return make_student(primary.world.school, primary.school_class, "Phan Minh Châu")


@pytest.fixture
def sheet(primary, pupil):
    """2A Tiếng Việt, term 1: the end-of-term comment written, then the class's book locked."""
    world = primary.world
    the_sheet = load_sheet(primary.school_class, primary.subjects["TIENG_VIET"], world.term1)
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=the_sheet,
        student=pupil,
        column_key="NX_end1",
        raw_value=OLD,
    )
    actions.book_lock(
        actor=world.actor("principal"), year=world.year, school_class=primary.school_class
    )
    return the_sheet


def file_request(primary, sheet, pupil, text=NEW, reason="Nhận xét nhầm của học sinh khác."):
    return correction_request(
        actor=primary.world.actor("subject"),
        sheet=sheet,
        student=pupil,
        column_key="NX_end1",
        new_value=text,
        reason=reason,
        files=[SimpleUploadedFile("so-theo-doi.pdf", PDF)],
    )


def run_procedure(primary, correction):
    world = primary.world
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=correction,
        approve=True,
        note="Đồng ý.\nSửa theo sổ theo dõi.",
        witness=world.users["vice"],
    )
    correction_confirm(actor=world.actor("vice"), correction=correction)
    correction_confirm(actor=primary.actor(), correction=correction)
    correction.refresh_from_db()
    return correction


@pytest.mark.django_db
def test_a_comment_is_corrected_with_its_line_breaks(primary, pupil, sheet):
    typed = unicodedata.normalize(
        "NFD", "  Em đọc to,  rõ ràng, diễn cảm.\r\n\r\nViết chữ hoa đúng mẫu. "
    )
    correction = file_request(
        primary, sheet, pupil, text=typed, reason="Dòng một:  nhầm học sinh.\n  Dòng hai."
    )
    assert (correction.single.old_value, correction.single.new_value) == ("", "")
    assert (correction.single.old_text, correction.single.new_text) == (OLD, NEW)
    assert correction.reason == "Dòng một: nhầm học sinh.\nDòng hai."
    requested = AuditEvent.objects.get(event_type="correction.requested")
    assert (requested.after["old_text"], requested.after["new_text"]) == (OLD, NEW)
    assert "old_value" not in requested.after

    correction = run_procedure(primary, correction)
    assert correction.state == State.APPLIED and correction.minute_number == "01/BB-SĐ"
    assert correction.decision_note == "Đồng ý.\nSửa theo sổ theo dõi."
    cell = Assessment.objects.get(student=pupil, column="NX_end1")
    assert (cell.text, cell.value, cell.version) == (NEW, "", 2)
    event = AuditEvent.objects.get(event_type="grade.corrected")
    assert event.actor == primary.world.users["subject"]
    assert event.before == {"text": OLD}
    assert event.after["text"] == NEW and event.after["minute_number"] == "01/BB-SĐ"
    applied = AuditEvent.objects.get(event_type="correction.applied")
    assert (applied.before, applied.after["text"]) == ({"text": OLD}, NEW)
    assert verify_all()[1] == []

    minute = sel.minute_data(correction)
    assert minute.single.is_text and (minute.single.old_text, minute.single.new_text) == (OLD, NEW)


@pytest.mark.django_db
def test_long_comments_are_cut_in_the_audit_rows_only(primary, pupil, sheet):
    long_text = "Em chăm chỉ, " * 100  # 1 300 characters
    correction = run_procedure(primary, file_request(primary, sheet, pupil, text=long_text))
    cell = Assessment.objects.get(student=pupil, column="NX_end1")
    assert cell.text == long_text.strip()
    event = AuditEvent.objects.get(event_type="grade.corrected")
    assert event.after["text"] == long_text.strip()[:500]
    requested = AuditEvent.objects.get(event_type="correction.requested")
    assert len(requested.after["new_text"]) == 500
    assert correction.single.new_text == long_text.strip()


@pytest.mark.django_db
def test_a_comment_can_be_cleared_but_not_replaced_by_itself(primary, pupil, sheet):
    with pytest.raises(DomainError) as exc:
        file_request(primary, sheet, pupil, text=OLD.replace("\n", "\r\n"))
    assert exc.value.code == CorrectionError.SAME_VALUE
    run_procedure(primary, file_request(primary, sheet, pupil, text="   "))
    cell = Assessment.objects.get(student=pupil, column="NX_end1")
    assert cell.text == "" and cell.version == 2
    assert AuditEvent.objects.get(event_type="grade.corrected").after["text"] == ""


@pytest.mark.django_db
def test_a_comment_changed_since_the_request_is_not_overwritten(primary, pupil, sheet):
    world = primary.world
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=file_request(primary, sheet, pupil),
        approve=True,
        witness=world.users["vice"],
    )
    Assessment.objects.filter(student=pupil, column="NX_end1").update(text="Một nhận xét khác.")
    with pytest.raises(DomainError) as exc:
        correction_confirm(actor=world.actor("vice"), correction=correction)
    assert exc.value.code == CorrectionError.CELL_CHANGED
    refused = AuditEvent.objects.get(event_type="correction.apply_refused")
    assert refused.before == {"old_text": OLD}
    assert refused.after == {"current_text": "Một nhận xét khác.", "reason": "cell_changed"}
    waiting = sel.approved_waiting(world.actor("principal"))
    assert [(c.pk, c.cell_changed) for c in waiting] == [(correction.pk, True)]


# --- the pages ------------------------------------------------------------------------------------


def new_url(primary, pupil) -> str:
    return (
        reverse("gradebook:correction_new")
        + f"?class={primary.school_class.pk}&subject={primary.subjects['TIENG_VIET'].pk}"
        f"&term={primary.world.term1.pk}&student={pupil.pk}&column=NX_end1"
    )


@pytest.mark.django_db
def test_the_form_has_a_textarea_and_the_pages_show_both_texts(primary, pupil, sheet):
    client = Client()
    client.force_login(primary.world.users["subject"])
    page = client.get(new_url(primary, pupil)).content.decode()
    assert '<textarea name="new_value"' in page and 'name="new_value" value=' not in page
    assert f">{OLD}</textarea>" in page  # the form starts from the current comment
    # Over 2 000 characters is refused like the grid's comments (never cut), the form keeping
    # what was typed; at 2 000 the rest is checked as usual.
    response = client.post(
        new_url(primary, pupil),
        {
            "new_value": "x" * 2001,
            "reason": "Dòng một\nDòng hai",
            "evidence": [SimpleUploadedFile("a.pdf", PDF)],
        },
    )
    assert response.status_code == 400 and not CorrectionRequest.objects.exists()
    assert "quá giới hạn 2000 ký tự" in response.content.decode()
    assert "x" * 2001 in response.content.decode()
    response = client.post(
        new_url(primary, pupil),
        {
            "new_value": "x" * 2000,
            "reason": "Dòng một\nDòng hai",
            "evidence": [SimpleUploadedFile("a.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert len(correction.single.new_text) == 2000 and correction.reason == "Dòng một\nDòng hai"
    run_procedure(primary, correction)
    detail = client.get(response["Location"]).content.decode()
    assert "Nhận xét cũ" in detail and "Em đọc to, rõ ràng.\nCần luyện viết chữ hoa." in detail
    minute = client.get(
        reverse("gradebook:correction_minute", kwargs={"correction_id": correction.pk})
    ).content.decode()
    assert 'data-testid="changes"' in minute and "Cần luyện viết chữ hoa." in minute
    mine = client.get(reverse("gradebook:correction_mine")).content.decode()
    assert "Em đọc to, rõ ràng. Cần luyện viết chữ hoa." in mine  # one line in the lists


@pytest.mark.django_db
def test_a_bad_request_keeps_the_typed_comment(primary, pupil, sheet):
    client = Client()
    client.force_login(primary.world.users["subject"])
    response = client.post(
        new_url(primary, pupil),
        {"new_value": "Dòng một\nDòng hai", "reason": "   ", "evidence": []},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ghi rõ lý do" in html and ">Dòng một\nDòng hai</textarea>" in html
    assert not CorrectionRequest.objects.exists()
