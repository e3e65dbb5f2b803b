"""Settings of the worker subprocess started by ``test_worker_killed.py``: HoSo's own, with the
slow class-list kind installed (its database comes from DATABASE_URL, the test database)."""

from hoso.settings import *  # noqa: F403
from hoso.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "hoso.imports.tests.slowkind.apps.SlowKindConfig"]
