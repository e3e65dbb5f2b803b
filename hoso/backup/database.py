"""The database part of a backup, per vendor: a consistent native dump and its restore.

SQLite: a page-level copy through SQLite's online backup API (``sqlite3.Connection.backup``),
consistent while the server keeps writing (WAL), restored the same way into the target file.
PostgreSQL: ``pg_dump --format=custom`` inside an exported snapshot, so the migration state and
the audit chain heads written to the manifest are read from exactly the data that is dumped;
restored with ``pg_restore`` into an empty database. A dump of one vendor is not restored into
the other.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from hoso.audit.models import AuditChain
from hoso.backup.errors import BackupError, fail

MIGRATIONS_TABLE = "django_migrations"


@dataclass
class DatabaseState:
    """What the manifest records about the dumped data, read from the dump's own snapshot."""

    migrations: dict[str, list[str]] = field(default_factory=dict)  # app → applied, in order
    audit_heads: dict[str, dict] = field(default_factory=dict)  # chain key → {seq, hash}


def vendor() -> str:
    return connection.vendor  # "sqlite" | "postgresql"


def dump_name() -> str:
    return {"sqlite": "database/hoso.sqlite3", "postgresql": "database/hoso.pgdump"}[vendor()]


def _read_state(cursor) -> DatabaseState:
    state = DatabaseState()
    cursor.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE} ORDER BY id")
    for app, name in cursor.fetchall():
        state.migrations.setdefault(app, []).append(name)
    cursor.execute(f"SELECT key, last_seq, last_hash FROM {AuditChain._meta.db_table} ORDER BY key")
    state.audit_heads = {key: {"seq": seq, "hash": h} for key, seq, h in cursor.fetchall()}
    return state


# --------------------------------------------------------------------------------- SQLite


def _sqlite_path() -> str:
    return str(connection.settings_dict["NAME"])


def _sqlite_dump(target: Path) -> DatabaseState:
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: a consistent snapshot even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (check,) = copy.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise fail(BackupError.TOOL_FAILED, tool="SQLite", code="quick_check", detail=check)
        return _read_state(copy.cursor())
    finally:
        copy.close()
        source.close()


def _sqlite_restore(dump: Path) -> None:
    connection.close()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# ----------------------------------------------------------------------------- PostgreSQL


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise fail(BackupError.TOOL_MISSING, tool=name)
    return path


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment, never
    on the command line."""
    s = connection.settings_dict
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(tool: str, argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise fail(
            BackupError.TOOL_FAILED, tool=tool, code=done.returncode, detail=" / ".join(detail[-5:])
        )


def _pg_dump(target: Path) -> DatabaseState:
    pg_dump = _pg_tool("pg_dump")
    args, env = _pg_environment()
    # A connection of our own (not the pool's): its transaction holds the exported snapshot.
    raw = connection.Database.connect(**connection.get_connection_params())
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            state = _read_state(cursor)
            _run(
                "pg_dump",
                [pg_dump, *args, "--format=custom", "--no-owner", "--no-privileges"]
                + [f"--snapshot={snapshot}", f"--file={target}", connection.settings_dict["NAME"]],
                env,
            )
        raw.rollback()
    finally:
        raw.close()
    return state


def _pg_restore(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    args, env = _pg_environment()
    # The target was checked empty (no school, account or audit event): tables an earlier
    # `migrate` made there go, so the dump's own schema is restored whole.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    _run(
        "pg_restore",
        [pg_restore, *args, "--no-owner", "--no-privileges", "--exit-on-error"]
        + ["--single-transaction", f"--dbname={connection.settings_dict['NAME']}", str(dump)],
        env,
    )


# ------------------------------------------------------------------------------- the doors


def dump(target: Path) -> DatabaseState:
    """Write a consistent dump of the default database to ``target``; the state it holds."""
    return _pg_dump(target) if vendor() == "postgresql" else _sqlite_dump(target)


def restore(dump_file: Path) -> None:
    """Replace the (checked empty) default database by ``dump_file``."""
    if vendor() == "postgresql":
        _pg_restore(dump_file)
    else:
        _sqlite_restore(dump_file)


def current_state() -> DatabaseState:
    with connection.cursor() as cursor:
        return _read_state(cursor)


def how_to_empty() -> str:
    if vendor() == "postgresql":
        name = connection.settings_dict["NAME"]
        return f"Tạo cơ sở dữ liệu trống: dropdb {name} && createdb {name} (sau khi chắc chắn không cần dữ liệu đó)."
    return (
        f"Dừng HoSo rồi chuyển tệp {_sqlite_path()} (và các tệp -wal, -shm bên cạnh) sang chỗ "
        "khác, hoặc đặt HOSO_VAR_DIR tới một thư mục mới."
    )
