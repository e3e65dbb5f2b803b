"""The demo's month of documents, built from a reference day."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.correspondence.models import IncomingDocument, OutgoingDocument
from hoso.correspondence.reminders import late_incoming
from hoso.demo.correspondence import seed_demo

pytestmark = pytest.mark.clock("2026-11-20")


def test_demo_month_in_and_out(world):
    """GIVEN the small school WHEN the demo seeds the month before Friday 20/11/2026 THEN one
    incoming document a working day numbered in order and dated on or before the day, issued
    outgoing documents numbered 01.., one signed today waiting for its number, and two late
    incoming documents on the board."""
    today = date(2026, 11, 20)
    seed_demo(world.school, world.year, today=today)
    incoming = list(IncomingDocument.objects.filter(school=world.school).order_by("number"))
    assert len(incoming) >= 15
    assert [d.number for d in incoming] == list(range(1, len(incoming) + 1))
    assert all(d.received_on <= today for d in incoming)
    assert [d.received_on for d in incoming] == sorted(d.received_on for d in incoming)
    out = OutgoingDocument.objects.filter(school=world.school)
    issued = out.filter(state="issued").order_by("number")
    assert issued.first().symbol.startswith("01/")
    assert out.filter(state="signed").count() <= 1
    assert late_incoming(world.school, today).filter(state="directed").count() == 2
    assert incoming[-1].state == "registered"
