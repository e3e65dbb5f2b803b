"""GIVEN the two demo schools seeded on a reference day THEN the lower-secondary school shows
one transfer out handed over (its extract at the leaving date signed and issued) and one in
progress (enrolment ended, transcript waiting for its signatures), the primary school one in
(accepted, placement due in 3 working days)."""

from __future__ import annotations

import pytest

from hoso.core import clock
from hoso.organisation.workdays import add_working_days
from hoso.students.models import Enrolment
from hoso.transfers.models import Transfer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2026-11-20", marks=pytest.mark.clock("2026-11-20T18:00:00")),
        pytest.param("2027-07-15", marks=pytest.mark.clock("2027-07-15T18:00:00")),
    ],
)
def test_demo_transfers(day):
    from hoso.demo.actions import demo_seed

    demo_seed()
    today = clock.today()
    transfers = {(t.school.code, t.state): t for t in Transfer.objects.select_related("school")}
    if day == "2027-07-15":  # summer: no school day to transfer on
        assert not transfers
        return
    assert len(transfers) == 3
    out, in_ = transfers[("THCS-NT", "left")], transfers[("TH-CVA", "accepted")]
    done = transfers[("THCS-NT", "completed")]
    # handed over: left two working days before, its extract at that date signed and issued
    assert done.effective_on < out.effective_on and done.completed_at is not None
    extract = done.transcript
    content = extract.data["content"]
    assert extract.state == "issued" and content["left"]["on"] == str(done.effective_on)
    assert content["pending"] == [] and content["not_completed"]
    assert "chuyển đi ngày" in extract.data["left"]["line"]  # the printed line
    assert done.steps.filter(done_on__isnull=True).count() == 0
    assert out.direction == "out" and out.state == Transfer.State.LEFT
    assert out.effective_on == today and out.filed_on < today
    assert out.transcript is not None and out.transcript.state == "draft"
    enrolment = Enrolment.objects.get(pk=out.enrolment_id)
    assert enrolment.status == Enrolment.Status.TRANSFERRED_OUT and enrolment.end_date == today
    assert in_.direction == "in" and in_.state == Transfer.State.ACCEPTED
    assert in_.from_other_province and in_.procedure == "primary"
    place = in_.steps.get(code="place")
    assert place.due_on == add_working_days(in_.school_id, today, 3)
    assert Transfer.objects.filter(filed_on__gt=today).count() == 0
