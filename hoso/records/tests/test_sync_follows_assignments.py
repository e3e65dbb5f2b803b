"""Records obligations follow the assignments' dates: GIVEN Toán 6A1 handed to the vice
principal from 1 December and 6A1's homeroom to Phạm Thị Hoa from January, WHEN the year is
synced, THEN each owes the weekly lesson plans / monthly homeroom plans of its periods only, and
obligations already due stay with their owner."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.organisation.assignments.tests.helpers import JAN_1, homeroom_from_january, replace_math
from hoso.records.models import Obligation
from hoso.records.sync import obligations_sync
from hoso.records.tests.helpers import lesson_plan, setup_records


def active(world, who, code):
    return list(
        Obligation.objects.filter(
            record_type__code=code, owner_staff=world.people[who], is_active=True
        )
        .order_by("period_start")
        .values_list("period_start", flat=True)
    )


@pytest.mark.django_db
def test_lesson_plans_follow_the_teacher_from_the_date(world):
    setup_records(world)
    assert active(world, "vice", "ke-hoach-bai-day") == []
    due_already = lesson_plan(world, "subject", week=10)  # due in November, before the change
    replace_math(world, by="vice", who="principal")
    obligations_sync(year=world.year)
    vice = active(world, "vice", "ke-hoach-bai-day")
    # The vice principal owes the weeks that start once it teaches (Monday 7 December on)
    assert vice[0] == date(2026, 12, 7) and vice[-1] >= date(2027, 5, 24)
    subject = active(world, "subject", "ke-hoach-bai-day")
    # The old teacher owes up to the week of 30 November, no later
    assert subject[-1] == date(2026, 11, 30)
    due_already.refresh_from_db()
    assert due_already.is_active and due_already.owner_staff == world.people["subject"]


@pytest.mark.django_db
def test_homeroom_plans_follow_the_homeroom_teacher(world):
    setup_records(world)
    homeroom_from_january(world)
    obligations_sync(year=world.year)
    assert active(world, "deputy", "so-chu-nhiem")[0] == JAN_1
    assert active(world, "homeroom", "so-chu-nhiem")[-1] == date(2026, 12, 1)
