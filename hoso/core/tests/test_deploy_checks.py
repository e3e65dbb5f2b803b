"""The database connection budget (core/budget.py, docs/DEPLOY.md): GIVEN the serving settings,
WHEN ``check --database default`` runs, THEN it warns when HoSo may hold more connections than
PostgreSQL accepts; and gunicorn's configuration takes its processes and threads from the same
settings."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from hoso.core import budget as deploy_checks

ROOT = Path(__file__).resolve().parents[3]


@override_settings(HOSO_WEB_WORKERS=3, HOSO_WEB_THREADS=8, HOSO_DB_POOL_MAX=6, HOSO_TASK_WORKERS=2)
def test_the_budget_counts_the_pool_per_worker_the_task_workers_and_the_reserve(settings):
    settings.HOSO_DB_RESERVED = 5
    budget = deploy_checks.connection_budget()
    # a task worker sends notifications on several threads, each its own pooled connection
    assert budget.total == 3 * 6 + 2 * 6 + 5
    assert "3 × 6 + 2 × 6 + 5 = 35" in budget.formula()


@override_settings(HOSO_WEB_WORKERS=3, HOSO_WEB_THREADS=8, HOSO_DB_POOL_MAX=0)
def test_without_a_pool_every_thread_may_keep_a_connection(settings):
    budget = deploy_checks.connection_budget()
    assert budget.per_worker == 8 and not budget.pooled
    assert budget.per_task_worker == settings.HOSO_OUTBOX_THREADS + 1
    assert "HOSO_WEB_THREADS (no pool)" in budget.formula()


def test_the_check_does_not_run_without_a_database():
    assert deploy_checks.check_connection_budget(databases=None) == []


@pytest.mark.django_db
def test_a_budget_over_the_servers_limit_is_a_warning():
    if connection.vendor != "postgresql":
        assert deploy_checks.check_connection_budget(databases=["default"]) == []
        return
    limit = deploy_checks.server_connection_limit(connection)
    with override_settings(HOSO_WEB_WORKERS=2, HOSO_DB_POOL_MAX=4, HOSO_TASK_WORKERS=1):
        assert deploy_checks.check_connection_budget(databases=["default"]) == []
    with override_settings(HOSO_WEB_WORKERS=limit, HOSO_DB_POOL_MAX=4):
        (warning,) = deploy_checks.check_connection_budget(databases=["default"])
    assert warning.id == "hoso.W101"
    assert f"> {limit}" in warning.msg and "HOSO_WEB_WORKERS" in warning.hint


def test_gunicorn_takes_workers_and_threads_from_the_settings(monkeypatch):
    monkeypatch.setenv("HOSO_WEB_WORKERS", "3")
    monkeypatch.setenv("HOSO_WEB_THREADS", "5")
    import sys

    import hoso

    # A fresh settings module, as in gunicorn's master (restored after the test).
    monkeypatch.delitem(sys.modules, "hoso.settings", raising=False)
    monkeypatch.delattr(hoso, "settings", raising=False)
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and conf["threads"] == 5
    assert conf["worker_class"] == "gthread"
    assert conf["timeout"] == 60 and conf["limit_request_fields"] == 100
