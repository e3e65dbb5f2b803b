"""Who may see a batch: the import's page (its target) decides, through the kind's importer.

A batch of another school, of another kind than the URL's, or whose target the actor cannot see
is 404 — the same as an absent one. Then 403 (logged) unless the actor may import into the
target, or uploaded the batch (when the importer lets uploaders see their own)."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.imports.importer import Importer
from hoso.imports.models import ImportBatch


def access_batch(actor: Actor, importer: Importer, batch_id: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.filter(pk=batch_id, school_id=actor.school_id, kind=importer.kind)
        .select_related("uploaded_by")
        .first()
    )
    if batch is None:
        raise not_found(actor, f"{importer.words.log} #{batch_id}")
    target = importer.access_target(actor, batch.scope)
    batch._target = target
    own = importer.uploader_may_view and batch.uploaded_by_id == getattr(actor.user, "pk", None)
    if not own:
        importer.require_import(actor, target)
    return batch
