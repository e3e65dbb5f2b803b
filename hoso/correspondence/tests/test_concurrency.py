"""Concurrent clerks on PostgreSQL: numbers have no gaps and are never given twice."""

from __future__ import annotations

import pytest
from django.db import connection

from hoso.core.errors import DomainError
from hoso.correspondence import actions
from hoso.correspondence.models import OutgoingDocument
from hoso.correspondence.tests.helpers import draft, setup_office
from hoso.testing.concurrency import race
from hoso.testing.factories import small_school

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_numbering_at_once_get_consecutive_numbers():
    """GIVEN four signed documents WHEN two threads number two each at the same moment THEN the
    numbers are exactly 1..4, each once."""
    world = small_school()
    setup_office(world)
    docs = []
    for _ in range(4):
        doc = draft(world)
        actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
        docs.append(doc.pk)
    clerk = world.actor("clerk")

    def number(pks):
        return [actions.outgoing_number(actor=clerk, document_id=pk).number for pk in pks]

    results = race(lambda: number(docs[:2]), lambda: number(docs[2:]))
    assert not any(isinstance(r, Exception) for r in results), results
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_one_document_numbered_twice_at_once_takes_one_number():
    """GIVEN one signed document WHEN two threads number it at once THEN one wins, the other
    gets BAD_STATE, and the series has no gap (the next document is 02)."""
    world = small_school()
    setup_office(world)
    doc = draft(world)
    actions.outgoing_sign(actor=world.actor("principal"), document_id=doc.pk)
    clerk = world.actor("clerk")
    results = race(
        lambda: actions.outgoing_number(actor=clerk, document_id=doc.pk),
        lambda: actions.outgoing_number(actor=clerk, document_id=doc.pk),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), results
    assert errors[0].code == "BAD_STATE"
    other = draft(world)
    actions.outgoing_sign(actor=world.actor("principal"), document_id=other.pk)
    assert actions.outgoing_number(actor=clerk, document_id=other.pk).number == 2


@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_incoming_at_once_get_consecutive_so_den():
    """GIVEN a new year's empty series WHEN two clerks register a document each at the same
    moment (the counter row does not exist yet) THEN số đến 1 and 2, each once."""
    from hoso.correspondence.models import IncomingDocument
    from hoso.correspondence.tests.helpers import pdf

    world = small_school()
    setup_office(world)
    clerk = world.actor("clerk")

    def register():
        return actions.incoming_register(
            actor=clerk, author="Sở GDĐT", type_name="Công văn", summary="V/v thi", upload=pdf()
        ).number

    results = race(register, register)
    assert sorted(results) == [1, 2], results
    assert IncomingDocument.objects.count() == 2
