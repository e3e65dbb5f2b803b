"""Concurrent writers on PostgreSQL: two principals relieving each other at once leave the school
with one; two clerks entering the same staff code at once make one person; two editions of the
same cycle point at once make one."""

from __future__ import annotations

import pytest

from hoso.accounts.actor import build_actor
from hoso.core.errors import DomainError
from hoso.organisation.models import Position, Staff, StaffRegisterEdition
from hoso.organisation.staff import actions
from hoso.organisation.staff.positions import principals
from hoso.organisation.staff.tests.test_actions import teacher_fields, without_personal
from hoso.testing.concurrency import postgres_only_marks, race
from hoso.testing.factories import make_staff

pytestmark = [*postgres_only_marks(), pytest.mark.clock("2026-11-20")]


def test_two_principals_relieving_each_other_leave_one(world):
    first = world.people["principal"]
    second = make_staff(world.school, "Mạc Văn Trụ", Position.PRINCIPAL, username="tru", gender="M")
    by_first = build_actor(first.user, world.school, world.year)
    by_second = build_actor(second.user, world.school, world.year)
    results = race(
        lambda: actions.staff_set_positions(
            actor=by_first, staff=second, position="teacher", extra=[]
        ),
        lambda: actions.staff_set_positions(
            actor=by_second, staff=first, position="teacher", extra=[]
        ),
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and refused[0].code == "position_last_principal", results
    assert principals(world.school.pk).count() == 1


def test_the_same_code_twice_at_once_makes_one_person(world):
    clerk, admin = world.actor("clerk"), world.actor("admin")
    fields = without_personal(teacher_fields())
    results = race(
        lambda: actions.staff_create(actor=clerk, fields=fields).staff.pk,
        lambda: actions.staff_create(actor=admin, fields=fields).staff.pk,
    )
    assert Staff.objects.filter(school=world.school, code="GV0101").count() == 1
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and refused[0].codes() == {"code": "staff_duplicate_code"}, results


def test_one_edition_per_cycle_point_under_concurrency(world):
    clerk = world.actor("clerk")
    results = race(
        lambda: actions.edition_take(actor=clerk, kind="start").pk,
        lambda: actions.edition_take(actor=clerk, kind="start").pk,
    )
    assert StaffRegisterEdition.objects.filter(kind="start").count() == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
