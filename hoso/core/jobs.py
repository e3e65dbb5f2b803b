"""Recoverable background jobs: worker leases, lost tasks found and handed back to their domain.

django-tasks-db (0.13) marks a task RUNNING when a worker claims it and SUCCESSFUL/FAILED when
the worker finishes it; a worker that dies in between (``kill -9``, out of memory, the machine
stopped) leaves the task RUNNING for ever, and the library has no heartbeat or lease. So:

- every worker started by ``manage.py run_worker`` holds a **lease** (``WorkerLease``), renewed
  every ``HOSO_JOB_HEARTBEAT_SECONDS`` by a thread of its own (:class:`Heartbeat`);
- :func:`recover_jobs` (run by every worker at start and every ``HOSO_JOB_RECOVER_SECONDS``, and
  by ``manage.py recover_jobs``) finds the tasks RUNNING on a worker whose lease is older than
  ``HOSO_JOB_LEASE_SECONDS`` (or, for a worker without a lease, started longer ago than that),
  marks them FAILED with a Vietnamese reason and calls the handler their domain registered with
  :func:`on_worker_lost`. The handler puts its batch back in the queue (it returns True: the task
  is enqueued again) or, after ``HOSO_JOB_MAX_ATTEMPTS`` lost runs in a row, fails it visibly.

A lost run wrote nothing: each domain's run writes in one transaction that the database rolls
back when the connection dies, and checks its batch's state under a row lock first, so a run
delivered twice writes once. See docs/JOBS.md.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hoso.core import clock
from hoso.core.models import WorkerLease

logger = logging.getLogger("hoso.jobs")

#: ``exception_class_path`` of a task failed because its worker was lost.
LOST = "hoso.core.jobs.WorkerLost"
LOST_MESSAGE = (
    "Tiến trình nền chạy việc này đã dừng đột ngột (mất tín hiệu quá {seconds} giây); "
    "việc đang làm dở không được ghi."
)


class WorkerLost(Exception):
    """The reason recorded on a task whose worker stopped answering."""


def lease_seconds() -> int:
    return int(getattr(settings, "HOSO_JOB_LEASE_SECONDS", 180))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "HOSO_JOB_HEARTBEAT_SECONDS", max(1, lease_seconds() // 6)))


def recover_seconds() -> float:
    return float(getattr(settings, "HOSO_JOB_RECOVER_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "HOSO_JOB_MAX_ATTEMPTS", 3))


# --- what each domain does with a lost run -------------------------------------------------------

#: handler(args=[...], kwargs={...}, give_up=bool) -> True to run the task again
LostHandler = Callable[..., bool]
_HANDLERS: dict[str, LostHandler] = {}


def on_worker_lost(task) -> Callable[[LostHandler], LostHandler]:
    """Register what happens when a run of ``task`` was lost with its worker::

        @jobs.on_worker_lost(commit_import)
        def _lost(*, args, kwargs, give_up):  # True: enqueue the same call again
            ...

    The handler locks its batch, checks that the batch still waits for this run, and either
    puts it back in the queue (returns True) or, when ``give_up``, fails it with a message the
    person can read and audits it. It runs outside any transaction."""

    def register(handler: LostHandler) -> LostHandler:
        _HANDLERS[task.module_path] = handler
        return handler

    return register


def rerun_when_lost(task) -> None:
    """For a task that only recomputes (running it twice does no harm): run a lost call again,
    up to ``HOSO_JOB_MAX_ATTEMPTS`` lost runs in a row."""

    def rerun(*, args, kwargs, give_up: bool) -> bool:
        return not give_up

    on_worker_lost(task)(rerun)


def _handler(task_path: str) -> LostHandler | None:
    if task_path not in _HANDLERS:
        try:
            import_string(task_path)  # importing the task's module registers its handler
        except ImportError:
            return None
    return _HANDLERS.get(task_path)


# --- the lease -----------------------------------------------------------------------------------


class Heartbeat:
    """The lease of one worker process, renewed from a daemon thread, which also runs
    :func:`recover_jobs` every ``recover_seconds()`` (never declaring its own worker lost)."""

    def __init__(self, worker_id: str, *, recover: bool = True) -> None:
        self.worker_id = worker_id
        self.recover = recover
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hoso-heartbeat", daemon=True)

    def start(self) -> None:
        now = clock.now()
        WorkerLease.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": now,
                "heartbeat_at": now,
            },
        )
        self._thread.start()

    def beat(self) -> None:
        now = clock.now()
        if not WorkerLease.objects.filter(worker_id=self.worker_id).update(heartbeat_at=now):
            WorkerLease.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:200],
                pid=os.getpid(),
                started_at=now,
                heartbeat_at=now,
            )

    def _loop(self) -> None:
        last_recovery = clock.now()
        try:
            while not self._stop.wait(heartbeat_seconds()):
                try:
                    self.beat()
                    if self.recover and (clock.now() - last_recovery).total_seconds() >= (
                        recover_seconds()
                    ):
                        last_recovery = clock.now()
                        recover_jobs(exclude_worker=self.worker_id)
                except Exception:  # a locked SQLite file, a lost connection: try again next beat
                    logger.exception("Worker %s: heartbeat failed", self.worker_id)
                finally:
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        """A clean exit: the lease is given back (nothing of this worker is running)."""
        self._stop.set()
        self._thread.join(timeout=heartbeat_seconds() + 5)
        WorkerLease.objects.filter(worker_id=self.worker_id).delete()


# --- recovery ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recovered:
    task_id: str
    task_path: str
    worker_id: str
    # "requeued" (enqueued again), "left" (its domain failed it, or it had finished meanwhile),
    # "failed" (no handler: the task is only marked failed)
    outcome: str


def _same_call_losses(result: DBTaskResult) -> int:
    """How many runs of this same call (task and arguments) were lost in a row, this one
    included: the count stops at the last run that ended otherwise."""
    losses = 0
    earlier = (
        DBTaskResult.objects.filter(
            task_path=result.task_path,
            status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL],
        )
        .order_by("-enqueued_at")
        .only("args_kwargs", "exception_class_path", "status")[:500]
    )
    for other in earlier:
        if other.args_kwargs != result.args_kwargs:
            continue
        if other.exception_class_path != LOST:
            break
        losses += 1
    return losses


def _last_worker(result: DBTaskResult) -> str:
    """The worker that took the task last ('' if none did)."""
    return result.worker_ids[-1] if result.worker_ids else ""


def stale_tasks(*, exclude_worker: str = "") -> list[DBTaskResult]:
    """Tasks RUNNING on a worker whose lease expired (or, without a lease, started longer ago
    than the lease)."""
    cutoff = clock.now() - timedelta(seconds=lease_seconds())
    leases = dict(WorkerLease.objects.values_list("worker_id", "heartbeat_at"))
    out = []
    for result in DBTaskResult.objects.running().order_by("started_at"):
        worker = _last_worker(result)
        if exclude_worker and worker == exclude_worker:
            continue
        seen = leases.get(worker) or result.started_at
        if seen is None or seen < cutoff:
            out.append(result)
    return out


def recover_jobs(*, exclude_worker: str = "") -> list[Recovered]:
    """Fail every task lost with its worker and hand it to its domain (see the module)."""
    recovered: list[Recovered] = []
    for candidate in stale_tasks(exclude_worker=exclude_worker):
        worker = _last_worker(candidate)
        cutoff = clock.now() - timedelta(seconds=lease_seconds())
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=candidate.pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None or result.worker_ids != candidate.worker_ids:
                continue  # finished meanwhile, or claimed again
            if WorkerLease.objects.filter(worker_id=worker, heartbeat_at__gte=cutoff).exists():
                continue  # the worker came back (a long SQLite write held its heartbeat)
            result.status = TaskResultStatus.FAILED
            result.finished_at = clock.now()
            result.return_value = None
            result.exception_class_path = LOST
            result.traceback = LOST_MESSAGE.format(seconds=lease_seconds())
            result.save(
                update_fields=[
                    "status",
                    "finished_at",
                    "return_value",
                    "exception_class_path",
                    "traceback",
                ]
            )
            WorkerLease.objects.filter(worker_id=worker, heartbeat_at__lt=cutoff).delete()
        give_up = _same_call_losses(result) >= max_attempts()
        handler = _handler(result.task_path)
        args = result.args_kwargs.get("args", [])
        kwargs = result.args_kwargs.get("kwargs", {})
        outcome = "failed"
        if handler is not None:
            try:
                again = handler(args=args, kwargs=kwargs, give_up=give_up)
            except Exception:
                logger.exception("Lost task %s: its handler failed", result.pk)
                again = False
            if again:
                import_string(result.task_path).using(
                    queue_name=result.queue_name,
                    priority=result.priority,
                    backend=result.backend_name,
                ).enqueue(*args, **kwargs)
                outcome = "requeued"
            else:
                outcome = "left"
        logger.warning(
            "Task %s (%s) lost with worker %s: %s", result.pk, result.task_path, worker, outcome
        )
        recovered.append(Recovered(str(result.pk), result.task_path, worker, outcome))
    return recovered
