"""The demo seed gives the board a realistic spread, quickly and deterministically."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hoso.core import clock
from hoso.demo.records import seed_demo
from hoso.records.models import Decision, Obligation, Submission
from hoso.records.selectors import timeliness_counts


@pytest.mark.calendar
def test_demo_spread(world):
    """GIVEN the small school's year WHEN the demo hand-ins are seeded on the suite's day THEN
    what is due is spread over on time, late, missing, returned, approved; nothing is dated after
    today; nothing due more than a week ahead is touched.

    The demo's spread is drawn from a random stream seeded by the school's code: the small
    school's default code comes from the factories' running counter (T1 alone, T497 after
    other tests in the same worker, which drew no returned hand-in), so the test names its
    school as the demo's own lower-secondary school, whatever ran before it. (How fast the seed
    is belongs to bench/, not here.)"""
    world.school.code = "THCS-NT"
    world.school.save(update_fields=["code"])
    today = clock.today()
    seed_demo(world.school, world.year, today=today)
    now = clock.now()
    qs = Obligation.objects.filter(year=world.year, is_active=True)
    counts = timeliness_counts(qs, now)
    if qs.filter(due_at__lt=now).count() >= 50:  # enough due for every outcome to show
        assert counts["on_time"] and counts["late"] and counts["missing"]
        assert counts["returned"] and counts["approved"]
        assert qs.filter(state="submitted").exists() and qs.filter(state="draft").exists()
    assert bool(counts["not_due"]) == qs.filter(due_at__gte=now).exists()
    assert not qs.filter(due_at__gt=now + timedelta(days=7)).exclude(state="pending").exists()
    assert not Submission.objects.filter(uploaded_at__gt=now).exists()
    assert not Decision.objects.filter(at__gt=now).exists()
    # Every submitted obligation has its file, a submit decision, and approvals match states.
    for ob in qs.filter(first_submitted_at__isnull=False)[:50]:
        assert ob.submissions.count() == 1
        assert ob.decisions.filter(kind="submit").exists()
    sub = Submission.objects.filter(obligation__year=world.year).first()
    assert sub.file.open("rb").read().startswith(b"%PDF-")
    assert not Decision.objects.filter(
        kind="approve", actor=sub.uploaded_by, obligation=sub.obligation
    ).exists()
    # Running it again changes nothing (the catalogue and obligations exist already).
    n = Obligation.objects.count()
    from hoso.records.actions import obligations_sync

    assert obligations_sync(year=world.year)["created"] == 0 and Obligation.objects.count() == n
