"""The home page's "Hồ sơ" section: what the person must submit soon or is late with, and what
awaits its approval.

GIVEN the small school with its record catalogue and obligations, WHEN a teacher and its
department head open the home page, THEN the teacher sees its late and upcoming records and the
head sees the submission waiting for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.records.actions import obligation_submit, submission_upload
from hoso.records.models import Obligation
from hoso.records.tests.helpers import pdf, setup_records

# The data below lives in term I of 2026-2027.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


def test_teacher_sees_late_records_and_the_head_its_inbox(client, world):
    setup_records(world)
    mine = Obligation.objects.filter(owner_staff=world.people["subject"], is_active=True)
    now = timezone.now()
    late = mine.filter(due_at__lt=now).count()
    if not late:  # the school year of the small school may not have started: move one back
        first = mine.order_by("due_at").first()
        Obligation.objects.filter(pk=first.pk).update(due_at=now - timedelta(days=1))
        late = 1
    client.force_login(world.users["subject"])
    page = client.get(reverse("home:index")).content.decode()
    assert f"{late} hồ sơ đã quá hạn nộp." in page
    assert reverse("records:mine") in page

    soon = mine.filter(due_at__gt=now).order_by("due_at").first()
    actor = world.actor("subject")
    submission_upload(actor=actor, obligation_id=soon.pk, upload=pdf())
    obligation_submit(actor=world.actor("subject"), obligation_id=soon.pk)
    client.force_login(world.users["dept_head"])
    page = client.get(reverse("home:index")).content.decode()
    assert "1 hồ sơ chờ tôi duyệt" in page and reverse("records:inbox") in page
