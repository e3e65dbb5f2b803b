import pytest

from hoso.core.queueing import queue_batch_after_commit
from hoso.imports.models import ImportBatch


class _DownQueue:
    @staticmethod
    def enqueue(pk):
        raise ConnectionError("queue unavailable")


@pytest.mark.django_db
def test_a_batch_that_cannot_be_queued_goes_back_to_preview(
    world, django_capture_on_commit_callbacks
):
    batch = ImportBatch.objects.create(
        kind="students",
        school=world.school,
        scope={"class_id": world.class_a.pk},
        uploaded_by=world.users["clerk"],
        filename="lop.xlsx",
        state="preview",
    )
    with django_capture_on_commit_callbacks(execute=True):
        queue_batch_after_commit(
            batch, user=world.users["clerk"], task=_DownQueue, queued="queued", fallback="preview"
        )
    batch.refresh_from_db()
    assert batch.state == "preview" and batch.result["queued_by"] == world.users["clerk"].pk
