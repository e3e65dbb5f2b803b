"""Helpers shared by the Django benchmarks in bench/: a throw-away database, Django set-up,
percentiles and a one-line description of the machine.

A benchmark never touches the developer's database: PostgreSQL gets its own database (dropped
and created again on each run), SQLite a file under /tmp.
"""

from __future__ import annotations

import math
import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def bench_database_url(kind: str, *, name: str, pg_url: str = DEFAULT_PG) -> str:
    """Create an empty database for a benchmark and return its DATABASE_URL.

    ``kind`` is ``postgres`` (database ``name`` on the server of ``pg_url``, dropped first) or
    ``sqlite`` (``/tmp/<name>.sqlite3``, removed first with its WAL files)."""
    if kind == "sqlite":
        path = Path("/tmp") / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if kind != "postgres":
        raise SystemExit(f"unknown database kind {kind!r} (sqlite or postgres)")
    import psycopg
    from psycopg import sql

    parts = urlsplit(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def bench_environment(database_url: str, *, var_dir: str) -> dict[str, str]:
    """Environment for Django in the benchmark and in any server it starts: production-like
    (DEBUG off), its own var/ directory, the test client's host allowed."""
    return {
        "DJANGO_SETTINGS_MODULE": "hoso.settings",
        "DATABASE_URL": database_url,
        "HOSO_DEBUG": "0",
        "HOSO_VAR_DIR": var_dir,
        "HOSO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PYTHONPATH": str(ROOT),
    }


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """CPU model, cores, Python and database server version (after django_setup)."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            db = "PostgreSQL " + cur.fetchone()[0].split()[0]
    else:
        import sqlite3

        db = "SQLite " + sqlite3.sqlite_version
    return (
        f"{model or platform.processor()} × {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {db}"
    )


# --- what the demo made (after django_setup) ----------------------------------------------------


def current_year(school_code: str):
    """The demo school's current (open) year, whatever day the demo was seeded on."""
    from hoso.organisation.models import SchoolYear

    return SchoolYear.objects.get(school__code=school_code, is_closed=False)


def writable_columns(actor, sheet, *, kinds: tuple[str, ...] = ()) -> list:
    """The columns of ``sheet`` the actor may write now (assigned, open year, not finalised, not
    locked, results not approved), asked of the save path's own check; only ``kinds`` if given."""
    from hoso.core.errors import DomainError
    from hoso.gradebook.entry.actions import ensure_writable

    out = []
    for column in sheet.columns:
        if kinds and column.kind not in kinds:
            continue
        try:
            ensure_writable(actor, sheet, column.key)
        except DomainError:
            continue
        out.append(column)
    return out


def quick_check(ok: bool, what: str) -> None:
    """Fail loudly: a benchmark that measured a broken path measured nothing."""
    if not ok:
        raise SystemExit(f"BENCH FAILED: {what}")
