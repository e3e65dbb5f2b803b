"""Progress of a long background job, readable by the web server while the job's transaction is
still open (its rows are invisible to other connections until it commits).

Kept in the shared cache when one is configured (``HOSO_REDIS_URL``: several server processes
or machines), otherwise in a small JSON file under ``HOSO_VAR_DIR/progress`` (one machine: the
embedded set-up, where the worker and the web server share the disk).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from hoso.core import clock

_SAFE = re.compile(r"^[a-z0-9_.:-]{1,100}$")
_TTL = 24 * 3600


def _shared_cache() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _path(key: str) -> Path:
    return Path(settings.VAR_DIR) / "progress" / f"{key.replace(':', '_')}.json"


def report(key: str, *, done: int, total: int, step: str = "") -> None:
    """Record that ``done`` of ``total`` units of job ``key`` are done (``step``: what now)."""
    if not _SAFE.match(key):
        raise ValueError(f"bad progress key {key!r}")
    value = {"done": done, "total": total, "step": step, "at": clock.now().isoformat()}
    if _shared_cache():
        cache.set(f"hoso-progress:{key}", value, _TTL)
        return
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False))
    tmp.replace(path)


def read(key: str) -> dict | None:
    if not _SAFE.match(key):
        return None
    if _shared_cache():
        return cache.get(f"hoso-progress:{key}")
    try:
        return json.loads(_path(key).read_text())
    except (FileNotFoundError, ValueError):
        return None


def clear(key: str) -> None:
    if not _SAFE.match(key):
        return
    if _shared_cache():
        cache.delete(f"hoso-progress:{key}")
        return
    _path(key).unlink(missing_ok=True)
