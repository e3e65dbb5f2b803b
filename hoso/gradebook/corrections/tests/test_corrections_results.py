"""A correction and the class results, and the minute numbers: GIVEN a class whose term-1 results
the principal approved (frozen), WHEN a grade is corrected through the procedure, THEN the
approved result follows the corrected grade in the same transaction (``results.corrected``) and
nothing else moves it; minutes are numbered 01, 02… per school year and the database refuses a
number used twice."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.core.errors import DomainError
from hoso.gradebook.corrections import actions as corrections
from hoso.gradebook.corrections.actions import (
    correction_confirm,
    correction_decide,
    correction_request,
)
from hoso.gradebook.corrections.errors import CorrectionError
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.corrections.tests.factories import make_request
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results import compute as results
from hoso.gradebook.results.compute import recompute_class
from hoso.gradebook.results.models import StudentResult
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school, sign_all
from hoso.testing.factories import make_year

State = CorrectionRequest.State
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(world):
    """6A1 with every grade at 8,0 and its term-1 results confirmed and approved."""
    rich = rich_school(world)
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich)
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="term1"
    )
    results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="term1"
    )
    return rich


def term1_row(world) -> StudentResult:
    return StudentResult.objects.get(
        class_result__school_class=world.class_a,
        class_result__period="term1",
        student=world.student_a,
    )


def corrected(world, column="GK", value="2", *, confirm=True) -> CorrectionRequest:
    correction = correction_request(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        student=world.student_a,
        column_key=column,
        new_value=value,
        reason="Chép nhầm điểm của bạn cùng bàn.",
        files=[SimpleUploadedFile("bai.pdf", PDF)],
    )
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=correction,
        approve=True,
        witness=world.users["vice"],
    )
    if confirm:
        correction_confirm(actor=world.actor("vice"), correction=correction)
        correction_confirm(actor=world.actor("homeroom"), correction=correction)
        correction.refresh_from_db()
    return correction


# --- the approved results follow the correction ---------------------------------------------------


@pytest.mark.django_db
def test_an_approved_result_changes_only_through_the_correction(world, approved):
    frozen = term1_row(world)
    assert frozen.data["subjects"]["TOAN"] == {"term1": 8.0}
    # The grade book refuses the grade, and a recomputation leaves the approved row alone.
    with pytest.raises(DomainError) as exc:
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=load_sheet(world.class_a, world.math, world.term1),
            student=world.student_a,
            column_key="GK",
            raw_value="2",
        )
    assert exc.value.code == "FINALISED"  # signed off, so finalised; approved as well
    assert recompute_class(world.class_a).frozen == 1
    assert term1_row(world).data == frozen.data

    correction = corrected(world, "GK", "2")
    assert correction.state == State.APPLIED
    row = term1_row(world)
    assert row.data["subjects"]["TOAN"] == {"term1": 6.7}  # (4·8 + 2·2 + 3·8) / 9
    assert row.computed_at > frozen.computed_at
    assert row.class_result.state == "approved"  # still approved: corrected, not reopened
    event = AuditEvent.objects.get(event_type="results.corrected")
    assert event.after["student"] == world.student_a.pk
    assert event.after["trigger"] == "correction: biên bản số 01/BB-SĐ"
    assert "term1" in event.after["periods"]
    trail = list(
        AuditEvent.objects.filter(seq__gt=AuditEvent.objects.get(event_type="grade.corrected").seq)
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert trail == ["correction.applied", "results.corrected"]
    assert verify_all()[1] == []


@pytest.mark.django_db
def test_a_failing_refresh_undoes_the_whole_application(world, approved, monkeypatch):
    frozen = term1_row(world)
    correction = corrected(world, "GK", "2", confirm=False)
    correction_confirm(actor=world.actor("vice"), correction=correction)

    def broken(**kwargs):
        raise RuntimeError("rule set unavailable")

    monkeypatch.setattr(results, "result_refresh_after_correction", broken)
    with pytest.raises(RuntimeError):
        correction_confirm(actor=world.actor("homeroom"), correction=correction)
    correction.refresh_from_db()
    assert correction.state == State.APPROVED and correction.minute_number == ""
    assert correction.homeroom_confirmed_at is None
    cell = Assessment.objects.get(
        student=world.student_a, subject=world.math, term=world.term1, column="GK"
    )
    assert (cell.value, cell.version) == ("8.0", 1)
    assert not AuditEvent.objects.filter(event_type="grade.corrected").exists()
    assert term1_row(world).data == frozen.data
    assert verify_all()[1] == []


# --- minute numbers -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_minutes_are_numbered_per_school_year_and_never_twice(world, monkeypatch):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    for column in ("GK", "CK"):
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=world.student_a,
            column_key=column,
            raw_value="7",
        )
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK", "CK"])
    # Another year's minutes do not count.
    other_year = make_year(world.school, "2025-2026")
    make_request(
        school=world.school,
        year=other_year,
        student=world.student_a,
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="TX1",
        old_value="5.0",
        new_value="6.0",
        reason="Năm trước.",
        state=State.APPLIED,
        requested_by=world.users["subject"],
        minute_number="07/BB-SĐ",
    )
    first = corrected(world, "GK", "8")
    second = corrected(world, "CK", "9")
    assert (first.minute_number, second.minute_number) == ("01/BB-SĐ", "02/BB-SĐ")
    assert first.year == second.year == world.year

    # The database refuses a second minute with the same number in the same school year.
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.filter(pk=second.pk).update(minute_number="01/BB-SĐ")
    # …so a session that somehow picked a used number applies nothing and says so.
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="TX1",
        raw_value="6",
    )
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["TX1"])
    third = corrected(world, "TX1", "7", confirm=False)
    correction_confirm(actor=world.actor("vice"), correction=third)
    monkeypatch.setattr(corrections, "_next_minute_number", lambda correction: "02/BB-SĐ")
    with pytest.raises(DomainError) as exc:
        correction_confirm(actor=world.actor("homeroom"), correction=third)
    monkeypatch.undo()
    assert exc.value.code == CorrectionError.MINUTE_NUMBER_TAKEN
    third.refresh_from_db()
    assert third.state == State.APPROVED and third.minute_number == ""
    assert Assessment.objects.get(student=world.student_a, column="TX1").value == "6.0"
    assert AuditEvent.objects.filter(event_type="grade.corrected").count() == 2
    correction_confirm(actor=world.actor("homeroom"), correction=third)  # a fresh number
    third.refresh_from_db()
    assert third.minute_number == "03/BB-SĐ"
