"""Concurrent writers on PostgreSQL: two approvers of one step, two syncs of one year."""

from __future__ import annotations

import pytest
from django.db import connection

from hoso.core.errors import DomainError
from hoso.records import actions
from hoso.records.models import Decision, Obligation, ObligationState
from hoso.records.sync import obligations_sync
from hoso.records.tests.helpers import lesson_plan, pdf, setup_records
from hoso.testing.concurrency import race
from hoso.testing.factories import small_school

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_one_step_act_once():
    world = small_school()
    setup_records(world)
    ob = Obligation.objects.get(
        record_type__code="ke-hoach-giao-duc-giao-vien", owner_staff=world.people["subject"]
    )
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf(), submit=True
    )
    head = world.actor("dept_head")
    results = race(
        lambda: actions.obligation_approve(actor=head, obligation_id=ob.pk),
        lambda: actions.obligation_return(actor=head, obligation_id=ob.pk, comment="Sửa lại"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), results
    ob.refresh_from_db()
    decided = Decision.objects.filter(obligation=ob, kind__in=["approve", "return"])
    assert decided.count() == 1
    if decided.get().kind == "approve":
        assert (ob.state, ob.current_step) == (ObligationState.SUBMITTED, 1)
    else:
        assert (ob.state, ob.current_step) == (ObligationState.RETURNED, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_create_each_obligation_once():
    world = small_school()
    setup_records(world)
    Obligation.objects.filter(year=world.year).delete()
    results = race(
        lambda: obligations_sync(year=world.year), lambda: obligations_sync(year=world.year)
    )
    assert not any(isinstance(r, Exception) for r in results), results
    created = sorted(r["created"] for r in results)
    assert created[0] == 0 and created[1] > 0
    assert Obligation.objects.filter(year=world.year).count() == created[1]
    assert lesson_plan(world) is not None
