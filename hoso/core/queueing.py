"""Handing an uploaded batch to the background worker once its transaction commits."""

from __future__ import annotations

import logging

from django.db import transaction

from hoso.core import clock

logger = logging.getLogger("hoso")


def queue_batch_after_commit(batch, *, user, task, queued, fallback) -> None:
    """Mark ``batch`` (a row with ``state`` and ``result``) as ``queued`` by ``user`` and enqueue
    ``task(batch.pk)`` after commit. If the queue is unavailable the batch goes back to
    ``fallback`` so the person can press again. Call inside the transaction holding the row."""
    batch.state = queued
    batch.result = {
        **batch.result,
        "queued_at": clock.now().isoformat(),
        "queued_by": user.pk,
    }
    batch.save(update_fields=["state", "result"])
    model, pk = type(batch), batch.pk

    def enqueue() -> None:
        try:
            task.enqueue(pk)
        except Exception:
            logger.exception("Could not enqueue %s %s", model.__name__, pk)
            model.objects.filter(pk=pk, state=queued).update(state=fallback)

    transaction.on_commit(enqueue)
