"""Uploaded rows (personal data) are erased from finished batches after the retention days."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.imports.models import ImportBatch
from hoso.imports.retention import purge_upload_batches


def _batch(world, state, age_days):
    batch = ImportBatch.objects.create(
        kind="students",
        school=world.school,
        scope={"class_id": world.class_a.pk},
        uploaded_by=world.users["clerk"],
        filename="lop.xlsx",
        state=state,
        headers=["Họ và tên"],
        raw_rows=[{"row": 2, "cells": ["Nguyễn Văn An", "031215001234"]}],
        rows=[{"personal_id": "031215001234"}],
        errors=[],
        result={"count": 1},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    return batch


@pytest.mark.django_db
def test_finished_old_batches_lose_their_rows_and_keep_their_outcome(world):
    old_done = _batch(world, "committed", 40)
    recent = _batch(world, "committed", 5)
    pending = _batch(world, "preview", 40)
    assert purge_upload_batches(days=30) == {world.school.pk: 1}
    old_done.refresh_from_db()
    assert old_done.raw_rows == [] and old_done.rows == [] and old_done.result == {"count": 1}
    recent.refresh_from_db()
    pending.refresh_from_db()
    assert recent.raw_rows and pending.raw_rows  # too recent / not finished
    assert AuditEvent.objects.get(event_type="import.purged").after == {"batches": 1, "days": 30}
    call_command("purge_upload_batches", days=30)  # nothing left: no second event
    assert AuditEvent.objects.filter(event_type="import.purged").count() == 1
    assert verify_all()[1] == []
