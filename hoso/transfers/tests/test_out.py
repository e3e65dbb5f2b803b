"""GIVEN a student studying in 6A1 WHEN the clerk records a transfer out, the student leaves and
the transcript goes through the signing chain THEN the enrolment is ended as transferred_out,
the attendance refuses marks after the date, and the signed extract is handed over."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.attendance.actions import take_roll
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.signing.services import validate_pdf
from hoso.students.models import Enrolment
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.helpers import sign_chain
from hoso.transfers import actions
from hoso.transfers.errors import TransferError
from hoso.transfers.models import Transfer
from hoso.transfers.tests.helpers import out_and_issue

pytestmark = pytest.mark.django_db


def _create(world, **kw):
    values = {
        "actor": world.actor("clerk"),
        "student": world.student_a,
        "filed_on": date(2026, 11, 17),
        "leaving_on": date(2026, 11, 18),
        "other_school_name": "Trường THCS Lê Lợi",
    }
    return actions.transfer_out_create(**(values | kw))


def test_leaving_ends_the_enrolment_and_freezes_attendance(world):
    transfer = _create(world)
    assert transfer.state == Transfer.State.OPEN
    # Deadlines: filed Tue 17/11, 3 working days → Fri 20/11 (secondary: the school's setting).
    due = {s.code: s.due_on for s in transfer.steps.all()}
    assert due == {
        "leave": date(2026, 11, 18),
        "extract": date(2026, 11, 20),
        "handover": date(2026, 11, 20),
    }
    transfer = actions.transfer_out_leave(actor=world.actor("clerk"), transfer=transfer)
    assert transfer.state == Transfer.State.LEFT
    enrolment = Enrolment.objects.get(student=world.student_a)
    assert enrolment.status == Enrolment.Status.TRANSFERRED_OUT
    assert enrolment.end_date == date(2026, 11, 18)
    # The year's transcript was drafted after the enrolment ended: the extract at the date.
    assert transfer.transcript is not None and transfer.transcript.state == "draft"
    content = transfer.transcript.data["content"]
    assert content["left"] == {
        "on": "2026-11-18",
        "status": "transferred_out",
        "to": "Trường THCS Lê Lợi",
    }
    # Attendance: the day before leaving is still the student's, the leaving day is refused.
    homeroom = world.actor("homeroom")
    take_roll(
        actor=homeroom,
        school_class=world.class_a,
        day=date(2026, 11, 17),
        session="morning",
        marks={world.student_a.pk: "absent"},
    )
    with pytest.raises(DomainError):
        take_roll(
            actor=homeroom,
            school_class=world.class_a,
            day=date(2026, 11, 18),
            session="morning",
            marks={world.student_a.pk: "absent"},
        )
    # Hand-over refused while the transcript is not issued.
    with pytest.raises(DomainError) as exc:
        actions.transfer_out_handover(actor=world.actor("clerk"), transfer=transfer)
    assert exc.value.code == TransferError.TRANSCRIPT_NOT_ISSUED
    kinds = set(
        AuditEvent.objects.filter(event_type__startswith="transfer.").values_list(
            "event_type", flat=True
        )
    )
    assert kinds == {"transfer.out_created", "transfer.out_left"}
    assert AuditEvent.objects.filter(event_type="enrolment.ended").count() == 1


def test_handover_with_the_signed_extract(world, signers):
    transfer = out_and_issue(world)
    assert transfer.state == Transfer.State.COMPLETED
    assert transfer.transcript.state == Transcript.State.ISSUED
    assert all(s.done_on for s in transfer.steps.all())
    from hoso.transcripts.actions import read_pdf

    pdf = read_pdf(transfer.transcript)
    report = validate_pdf(pdf, school=world.school)
    assert [s.field_name for s in report.signatures] == ["GVCN", "HieuTruong", "NhaTruong"]
    assert report.all_valid


def test_refusals(world):
    with pytest.raises(DomainError) as exc:
        _create(world, leaving_on=date(2025, 1, 1))
    assert exc.value.code == TransferError.BAD_DATE
    with pytest.raises(DomainError) as exc:
        _create(world, filed_on=date(2026, 11, 21))
    assert exc.value.code == TransferError.BAD_DATE
    _create(world)
    with pytest.raises(DomainError) as exc:
        _create(world)  # already an open transfer out
    assert exc.value.code == TransferError.WRONG_STATE
    assert Transfer.objects.count() == 1


def test_signed_pdf_download_is_audited_and_scoped(world, signers):
    from django.test import Client
    from django.urls import reverse

    transfer = out_and_issue(world)
    url = reverse("transfers:transcript_pdf", kwargs={"transfer_id": transfer.pk})
    client = Client()
    client.force_login(world.users["clerk"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(event_type="transfer.pdf_downloaded").count() == 1
    client.force_login(world.users["homeroom"])
    assert client.get(url).status_code == 404


def test_a_mid_year_transfer_is_handed_over_at_the_date(world, signers):
    """GIVEN no period of the class approved (mid-term I), WHEN the student leaves, THEN the
    extract at the leaving date goes through the whole chain and is handed over: the transfer
    does not wait for the year's results."""
    from hoso.gradebook.results.models import ClassResult

    ClassResult.objects.filter(school_class=world.class_a).delete()
    clerk = world.actor("clerk")
    transfer = actions.transfer_out_leave(actor=clerk, transfer=_create(world))
    draft = transfer.transcript
    assert draft.data["content"]["pending"] == []
    assert draft.data["content"]["not_completed"] == ["term1", "term2", "year"]
    sign_chain(world)
    transfer = actions.transfer_out_handover(actor=clerk, transfer=transfer)
    assert transfer.state == Transfer.State.COMPLETED
    assert transfer.transcript.pk == draft.pk  # the version drafted on leaving, now issued
    assert transfer.transcript.state == Transcript.State.ISSUED
    assert AuditEvent.objects.filter(event_type="transfer.out_handed_over").count() == 1
