"""The demo seed gives the board a realistic spread, quickly and deterministically."""

from __future__ import annotations

import time

from django.utils import timezone

from hoso.records.demo import seed_demo
from hoso.records.models import Decision, Obligation, Submission
from hoso.records.selectors import timeliness_counts


def test_demo_spread(world):
    started = time.perf_counter()
    seed_demo(world.school, world.year)
    elapsed = time.perf_counter() - started
    qs = Obligation.objects.filter(year=world.year, is_active=True)
    counts = timeliness_counts(qs, timezone.now())
    assert counts["on_time"] and counts["late"] and counts["missing"] and counts["not_due"]
    assert counts["returned"] and counts["approved"]
    assert qs.filter(state="submitted").exists() and qs.filter(state="draft").exists()
    # Every submitted obligation has its file, a submit decision, and approvals match states.
    for ob in qs.filter(first_submitted_at__isnull=False)[:50]:
        assert ob.submissions.count() == 1
        assert ob.decisions.filter(kind="submit").exists()
    sub = Submission.objects.filter(obligation__year=world.year).first()
    assert sub.file.open("rb").read().startswith(b"%PDF-")
    assert not Decision.objects.filter(
        kind="approve", actor=sub.uploaded_by, obligation=sub.obligation
    ).exists()
    assert elapsed < 5, elapsed
    # Running it again changes nothing (the catalogue and obligations exist already).
    n = Obligation.objects.count()
    from hoso.records.actions import obligations_sync

    assert obligations_sync(year=world.year)["created"] == 0 and Obligation.objects.count() == n
