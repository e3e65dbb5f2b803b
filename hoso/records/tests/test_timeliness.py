"""GIVEN the one timeliness rule (records/timeliness.py) WHEN asked in Python and in SQL (the
list annotation, the board's counts and its drill-down) THEN every case gets the same answer,
including at the Asia/Ho_Chi_Minh midnight boundary (23:59 local = 16:59 UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from hoso.records import board, timeliness
from hoso.records.models import Obligation, Timeliness
from hoso.records.selectors import obligations_with_timeliness, timeliness_counts
from hoso.records.tests.helpers import setup_records

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 10, 9, 23, 59, tzinfo=VN)  # "by Friday" = by the end of Friday, local
SECOND = timedelta(seconds=1)

# (due_at, first_submitted_at, now, expected)
CASES = [
    (DUE, DUE - timedelta(hours=1), DUE + timedelta(days=3), Timeliness.ON_TIME),
    (DUE, DUE, DUE + timedelta(days=3), Timeliness.ON_TIME),
    (DUE, DUE + SECOND, DUE + timedelta(days=3), Timeliness.LATE),
    # 00:00:30 local on Saturday is still Friday 17:00:30 UTC: late all the same
    (DUE, datetime(2026, 10, 10, 0, 0, 30, tzinfo=VN), DUE + timedelta(days=3), Timeliness.LATE),
    (DUE, datetime(2026, 10, 9, 16, 58, tzinfo=ZoneInfo("UTC")), DUE, Timeliness.ON_TIME),
    (DUE, datetime(2026, 10, 9, 17, 0, tzinfo=ZoneInfo("UTC")), DUE, Timeliness.LATE),
    # submitted before it was due, asked before the due date: on time, not "not due"
    (DUE, DUE - timedelta(days=1), DUE - timedelta(hours=2), Timeliness.ON_TIME),
    (DUE, None, DUE + SECOND, Timeliness.MISSING),
    (DUE, None, datetime(2026, 10, 10, 0, 0, tzinfo=VN), Timeliness.MISSING),
    (DUE, None, DUE, Timeliness.NOT_DUE),  # due_at < now is false at the very moment
    (DUE, None, DUE - SECOND, Timeliness.NOT_DUE),
    (DUE, None, datetime(2026, 10, 9, 16, 58, tzinfo=ZoneInfo("UTC")), Timeliness.NOT_DUE),
]


@pytest.mark.parametrize(("due_at", "first", "now", "expected"), CASES)
def test_the_pure_function(due_at, first, now, expected):
    assert timeliness.timeliness(due_at, first, now) == expected


def test_python_and_sql_agree_on_every_case(world):
    setup_records(world)
    obligations = list(Obligation.objects.filter(year=world.year).order_by("pk")[: len(CASES)])
    assert len(obligations) == len(CASES)
    for ob, (due_at, first, _now, _expected) in zip(obligations, CASES, strict=True):
        ob.due_at, ob.first_submitted_at = due_at, first
    Obligation.objects.bulk_update(obligations, ["due_at", "first_submitted_at"])
    for ob, (_due, _first, now, expected) in zip(obligations, CASES, strict=True):
        one = Obligation.objects.filter(pk=ob.pk)
        assert obligations_with_timeliness(one, now).get().timeliness == expected
        assert timeliness.obligation_timeliness(one.get(), now) == expected
        for value, condition in timeliness.conditions(now).items():
            assert one.filter(condition).exists() == (value == expected), (value, expected)
            assert one.filter(board.status_condition(value, now)).exists() == (value == expected)
        counts = timeliness_counts(one, now)
        assert counts[expected] == 1
        assert sum(counts[v] for v in Timeliness.values) == 1
        on_board = one.aggregate(**board.count_annotations(now))
        decided = {k: on_board[k] for k in ("on_time", "late", "missing")}
        assert decided == {k: int(k == expected) for k in decided}


def test_the_annotation_counts_like_the_conditions(world):
    setup_records(world)
    now = DUE
    qs = Obligation.objects.filter(year=world.year)
    by_annotation = dict(
        obligations_with_timeliness(qs, now)
        .values_list("timeliness")
        .annotate(n=Count("pk"))
        .values_list("timeliness", "n")
    )
    by_conditions = {v: qs.filter(q).count() for v, q in timeliness.conditions(now).items()}
    assert {k: v for k, v in by_conditions.items() if v} == by_annotation
