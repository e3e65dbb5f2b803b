"""Helpers of the transfers tests: a transfer out taken through the transcript chain."""

from __future__ import annotations

from datetime import date

from hoso.transcripts.tests.conftest import approve_results
from hoso.transcripts.tests.helpers import sign_chain
from hoso.transfers import actions


def out_and_issue(world, *, leaving_on=date(2026, 11, 18), filed_on=date(2026, 11, 17)):
    """Record the transfer out of student_a, let it leave, sign and issue the transcript
    extract through the real chain, hand over. Returns the completed transfer."""
    clerk = world.actor("clerk")
    transfer = actions.transfer_out_create(
        actor=clerk,
        student=world.student_a,
        filed_on=filed_on,
        leaving_on=leaving_on,
        other_school_name="Trường THCS Lê Lợi",
        other_school_code="31000999",
        other_province="Thành phố Hải Phòng",
        reason="Gia đình chuyển nơi ở",
    )
    transfer = actions.transfer_out_leave(actor=clerk, transfer=transfer)
    approve_results(world)
    sign_chain(world)
    return actions.transfer_out_handover(actor=clerk, transfer=transfer)
