"""A print job can be cancelled while it waits, printed again when it failed, and is requeued
(or failed visibly) when its worker was lost — by its requester only, audited.

GIVEN a school-wide job asked by the clerk (queued: the test transaction never commits, so the
worker never got it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.printing import actions
from hoso.printing.models import PrintJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(world):
    return actions.job_create(actor=world.actor("clerk"), scope="school", output="pdf")


def test_a_queued_job_is_cancelled_and_then_never_runs(world, job):
    actions.job_cancel(actor=world.actor("clerk"), job=job)
    job.refresh_from_db()
    assert job.state == PrintJob.State.CANCELLED and job.finished
    assert AuditEvent.objects.filter(event_type="printing.job_cancelled").count() == 1
    assert actions.job_run(job.pk).state == PrintJob.State.CANCELLED  # delivered late: nothing
    with pytest.raises(DomainError) as exc:
        actions.job_cancel(actor=world.actor("clerk"), job=job)
    assert exc.value.code == "printing.job_bad_state"


def test_only_the_requester_cancels(world, job):
    with pytest.raises(DomainError) as exc:
        actions.job_cancel(actor=world.actor("principal"), job=job)
    assert exc.value.code == "printing.job_not_yours"


def test_a_lost_job_is_requeued_then_failed_visibly_and_printed_again(
    world, job, django_capture_on_commit_callbacks
):
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.RUNNING, done=15)
    assert actions.job_worker_lost(job_id=job.pk, give_up=False) is True
    job.refresh_from_db()
    assert job.state == PrintJob.State.QUEUED and job.done == 0
    assert actions.job_worker_lost(job_id=job.pk, give_up=True) is False
    job.refresh_from_db()
    assert job.state == PrintJob.State.FAILED and "dừng đột ngột" in job.error
    assert actions.job_worker_lost(job_id=job.pk, give_up=False) is False  # not waiting
    with django_capture_on_commit_callbacks(execute=True):
        actions.job_retry(actor=world.actor("clerk"), job=job)
    job.refresh_from_db()
    assert job.state == PrintJob.State.DONE and job.file_name
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"printing.job_requeued", "printing.job_failed", "printing.job_retried"} <= events


def test_the_job_page_offers_cancel_then_retry(client, world, job):
    client.force_login(world.users["clerk"])
    url = reverse("printing:job", kwargs={"job_id": job.pk})
    assert reverse("printing:job_cancel", kwargs={"job_id": job.pk}) in client.get(url).text
    r = client.post(reverse("printing:job_cancel", kwargs={"job_id": job.pk}))
    assert r.status_code == 302
    assert "Lô in đã hủy" in client.get(url).text
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.FAILED, error="x")
    assert reverse("printing:job_retry", kwargs={"job_id": job.pk}) in client.get(url).text
