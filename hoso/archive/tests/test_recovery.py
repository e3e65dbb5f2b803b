"""An archive export can be cancelled while it waits, built again when it failed (by whoever
asked for it), and is requeued or failed visibly when its worker was lost.

GIVEN an export of the year asked by the clerk (queued: on_commit never runs here)."""

from __future__ import annotations

import pytest

from hoso.archive import actions
from hoso.archive.models import ArchiveExport, ExportState
from hoso.archive.tests.test_archive import files  # noqa: F401 (fixture)
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(world):
    return actions.archive_export_request(actor=world.actor("clerk"))


def test_a_queued_export_is_cancelled_and_never_built(world, export):
    actions.archive_export_cancel(actor=world.actor("clerk"), export=export)
    export.refresh_from_db()
    assert export.state == ExportState.CANCELLED and export.finished
    assert actions.archive_export_build(export_id=export.pk) is None
    assert AuditEvent.objects.filter(event_type="archive.export_cancelled").count() == 1


def test_only_who_asked_for_it_cancels(world, export):
    with pytest.raises(DomainError) as exc:
        actions.archive_export_cancel(actor=world.actor("principal"), export=export)
    assert exc.value.code == "archive.export_not_yours"
    export.refresh_from_db()
    assert export.state == ExportState.QUEUED


def test_a_lost_export_is_requeued_then_fails_and_is_built_again(
    world,
    export,
    files,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ArchiveExport.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, files_done=3)
    assert actions.archive_export_worker_lost(export_id=export.pk, give_up=False) is True
    export.refresh_from_db()
    assert export.state == ExportState.QUEUED and export.files_done == 0
    assert actions.archive_export_worker_lost(export_id=export.pk, give_up=True) is False
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and "dừng đột ngột" in export.error
    with django_capture_on_commit_callbacks(execute=True):
        actions.archive_export_retry(actor=world.actor("clerk"), export=export)
    export.refresh_from_db()
    assert export.state == ExportState.DONE and export.files_done == 4
