"""Results follow their inputs on the write side, never on GET: a saved grade publishes
``GradesChanged`` and, after commit, the class's results are recomputed in the background; the
results pages only read (and say when the stored results are outdated)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.compute import recompute_class, results_outdated
from hoso.gradebook.results.models import ClassResult, StudentResult


def save(world, value, column="TX1"):
    return actions.assessment_save(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        student=world.student_a,
        column_key=column,
        raw_value=value,
    )


@pytest.mark.django_db
def test_a_saved_grade_recomputes_the_class_after_commit(world, django_capture_on_commit_callbacks):
    """GIVEN the class's results computed, WHEN a grade is saved and the transaction commits,
    THEN the class's results follow it (audited as a recompute triggered by grades)."""
    recompute_class(world.class_a, trigger="grades")
    assert not results_outdated(world.class_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save(world, "8")
    # Inside the transaction nothing was recomputed yet: the results lag behind the grade.
    assert results_outdated(world.class_a)
    for callback in callbacks:
        callback()
    assert not results_outdated(world.class_a)
    recomputed = AuditEvent.objects.filter(event_type="results.recomputed").order_by("-pk")
    assert recomputed.first().after["trigger"] == "grades"


@pytest.mark.django_db
def test_a_rolled_back_save_recomputes_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        save(world, "11")  # refused: out of range
    assert not ClassResult.objects.filter(school_class=world.class_a).exists()


@pytest.mark.django_db
def test_the_results_page_writes_nothing_on_get(client, world):
    """GIVEN grades saved but not yet followed by their results, WHEN the homeroom teacher opens
    the class's results, THEN nothing is written and the page says the results are outdated,
    with a button to recompute now."""
    save(world, "8")  # the test's transaction never commits: the background recompute never runs
    client.force_login(world.users["homeroom"])
    events = AuditEvent.objects.count()
    url = reverse("gradebook:results_class_period", args=[world.class_a.pk, "term1"])
    html = client.get(url).content.decode()
    assert AuditEvent.objects.count() == events
    assert not ClassResult.objects.exists() and not StudentResult.objects.exists()
    assert 'data-testid="results-outdated"' in html
    assert reverse("gradebook:results_recompute", args=[world.class_a.pk]) in html
