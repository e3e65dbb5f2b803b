"""The database connection budget, a system check of the deployment (registered by
``CoreConfig.ready``).

The database connection budget (docs/DEPLOY.md, docs/adr/0008-production-server.md): the web
server's processes, the task workers and a reserve for scheduled commands must fit in what
PostgreSQL accepts. Asking the server costs two ``SHOW`` statements, so the check is a database
check: it runs with ``manage.py check --database default`` (and ``migrate``), never at every
command.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import checks


@dataclass(frozen=True)
class ConnectionBudget:
    web_workers: int
    per_worker: int  # the pool's maximum, or one persistent connection per thread
    pooled: bool
    task_workers: int
    reserved: int
    # a task worker's own connection and the outbox's sending threads (one each): the pool's
    # maximum, or HOSO_OUTBOX_THREADS + 1 without a pool (hoso/notifications/outbox.py drain)
    per_task_worker: int = 1

    @property
    def total(self) -> int:
        return (
            self.web_workers * self.per_worker
            + self.task_workers * self.per_task_worker
            + self.reserved
        )

    def formula(self) -> str:
        per = "HOSO_DB_POOL_MAX" if self.pooled else "HOSO_WEB_THREADS (no pool)"
        per_task = "HOSO_DB_POOL_MAX" if self.pooled else "(HOSO_OUTBOX_THREADS + 1)"
        return (
            f"HOSO_WEB_WORKERS × {per} + HOSO_TASK_WORKERS × {per_task} + HOSO_DB_RESERVED = "
            f"{self.web_workers} × {self.per_worker} + {self.task_workers} × "
            f"{self.per_task_worker} + {self.reserved} = {self.total}"
        )


def connection_budget() -> ConnectionBudget:
    """The most connections HoSo's processes may hold at once, from the settings."""
    pooled = settings.HOSO_DB_POOL_MAX > 0
    return ConnectionBudget(
        web_workers=settings.HOSO_WEB_WORKERS,
        per_worker=settings.HOSO_DB_POOL_MAX if pooled else settings.HOSO_WEB_THREADS,
        pooled=pooled,
        task_workers=settings.HOSO_TASK_WORKERS,
        reserved=settings.HOSO_DB_RESERVED,
        per_task_worker=(settings.HOSO_DB_POOL_MAX if pooled else settings.HOSO_OUTBOX_THREADS + 1),
    )


def server_connection_limit(connection) -> int:
    """What non-superusers may open: max_connections − superuser_reserved_connections."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        maximum = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
    return maximum - reserved


@checks.register(checks.Tags.database)
def check_connection_budget(app_configs=None, databases=None, **kwargs):
    from django.db import connections

    if not databases or "default" not in databases:
        return []
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []  # SQLite: one file, no connection limit
    budget = connection_budget()
    try:
        limit = server_connection_limit(connection)
    except Exception as exc:  # the server does not answer: migrate will say so itself
        return [
            checks.Warning(
                f"Could not read max_connections from PostgreSQL ({exc.__class__.__name__}); "
                f"HoSo may hold {budget.formula()} connections.",
                id="hoso.W102",
            )
        ]
    if budget.total > limit:
        return [
            checks.Warning(
                f"HoSo may hold more database connections than PostgreSQL accepts: "
                f"{budget.formula()} > {limit} (max_connections − "
                f"superuser_reserved_connections).",
                hint="Lower HOSO_WEB_WORKERS or HOSO_DB_POOL_MAX, or raise max_connections "
                "in postgresql.conf (docs/DEPLOY.md, 'Connection budget').",
                id="hoso.W101",
            )
        ]
    return []
