"""The core's one table: the lease of each background worker (``jobs.py``)."""

from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    """A running ``manage.py run_worker`` process: it renews ``heartbeat_at`` every few seconds
    from a thread of its own. A task RUNNING on a worker whose lease expired was lost (the process
    was killed, the machine stopped): ``jobs.recover_jobs`` fails it and tells its domain."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()

    class Meta:
        verbose_name = "tiến trình nền"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
