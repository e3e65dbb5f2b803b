"""GIVEN the two demo schools seeded on a reference day THEN each shows one transfer in
progress: the lower-secondary school one out (enrolment ended, transcript waiting for its
signatures), the primary school one in (accepted, placement due in 3 working days)."""

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
    transfers = {t.school.code: t for t in Transfer.objects.select_related("school")}
    if day == "2027-07-15":  # summer: no school day to transfer on
        assert not transfers
        return
    out, in_ = transfers["THCS-NT"], transfers["TH-CVA"]
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
