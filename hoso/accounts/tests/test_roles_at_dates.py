"""Roles are derived from the assignments in force on the year's reference day (ADR 0002, 0004):
GIVEN Toán 6A1 handed to Phạm Thị Hoa for December and 6A1's homeroom to her from January,
THEN each person's roles and classes change on those days, and a closed year shows its final
owners."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.accounts.actor import build_actor
from hoso.accounts.roles import Role
from hoso.core.clock import at
from hoso.organisation.assignments.tests.helpers import (
    DEC_31,
    JAN_1,
    homeroom_from_january,
    replace_math,
)
from hoso.organisation.policies import visible_classes


def actor_on(world, who, day, year=None):
    return build_actor(world.users[who], world.school, year or world.year, now=at(day, 9))


@pytest.mark.django_db
def test_subject_teacher_role_follows_the_replacement(world):
    replace_math(world, ends_on=DEC_31)
    a = world.class_a.pk
    nov, dec, jan = date(2026, 11, 30), date(2026, 12, 1), JAN_1
    assert actor_on(world, "subject", nov).taught == {a: frozenset({world.math.pk})}
    on_leave = actor_on(world, "subject", dec)
    assert on_leave.taught == {} and Role.SUBJECT_TEACHER not in on_leave.roles
    assert list(visible_classes(on_leave)) == []
    stand_in = actor_on(world, "deputy", dec)
    assert stand_in.taught == {a: frozenset({world.math.pk})}
    assert Role.SUBJECT_TEACHER in stand_in.roles
    assert list(visible_classes(stand_in)) == [world.class_a]
    assert actor_on(world, "subject", jan).taught == {a: frozenset({world.math.pk})}
    assert actor_on(world, "deputy", jan).taught == {}


@pytest.mark.django_db
def test_homeroom_role_follows_the_new_homeroom_teacher(world):
    homeroom_from_january(world)
    assert actor_on(world, "homeroom", DEC_31).homeroom_class_ids == {world.class_a.pk}
    lan = actor_on(world, "homeroom", JAN_1)
    assert lan.homeroom_class_ids == frozenset()
    assert Role.HOMEROOM_TEACHER not in lan.roles
    assert Role.SUBJECT_TEACHER in lan.roles  # she still teaches Ngữ văn
    assert actor_on(world, "deputy", JAN_1).homeroom_class_ids == {world.class_a.pk}


@pytest.mark.django_db
def test_a_closed_year_shows_its_final_owners(world):
    replace_math(world)
    world.year.is_closed = True
    world.year.save()
    later = date(2027, 10, 1)
    assert actor_on(world, "deputy", later).taught == {world.class_a.pk: frozenset({world.math.pk})}
    assert actor_on(world, "subject", later).taught == {}
