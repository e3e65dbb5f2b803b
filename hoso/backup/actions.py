"""Backing up, verifying, restoring and pruning (docs/BACKUP.md).

``backup_create`` writes one archive: the database's native dump, every file of the default
storage and a manifest (version, migration state, audit chain heads, per-file size and SHA-256),
encrypted with the backup key. ``backup_verify`` reads it all back and checks every checksum.
``backup_restore`` refuses anything but an empty instance, verifies the whole archive before it
writes anything, restores the database and then the files, migrates, and proves the result:
the audit chain heads equal the manifest's and every chain verifies.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from hoso.accounts.models import User
from hoso.audit.actions import audit_record
from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.backup import bundle, crypto, database
from hoso.backup.errors import BackupError, fail
from hoso.core import clock
from hoso.organisation.models import School

ARCHIVE_NAME = re.compile(r"^hoso-backup-\d{8}-\d{6}\.tar(\.enc)?$")
Log = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


def _hoso_version() -> dict:
    try:
        version = importlib.metadata.version("hoso")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    commit = os.environ.get("HOSO_COMMIT", "")
    git = shutil.which("git")
    if not commit and git and (Path(settings.BASE_DIR) / ".git").exists():
        done = subprocess.run(
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        commit = done.stdout.strip() if done.returncode == 0 else ""
    return {"version": version, "commit": commit}


def _storage_names(path: str = "") -> list[str]:
    """Every file of the default storage (local disk or S3), walked through the storage API."""
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{f}" if path else f for f in sorted(files)]
    for d in sorted(dirs):
        names += _storage_names(f"{path}/{d}" if path else d)
    return names


@dataclass
class BackupReport:
    path: Path
    size: int
    files: int
    vanished: list[str]
    encrypted: bool
    manifest: dict


def backup_create(*, output_dir: Path, passphrase: str | None, log: Log = _quiet) -> BackupReport:
    """Write ``hoso-backup-<YYYYmmdd-HHMMSS>.tar.enc`` (``.tar`` when ``passphrase`` is None:
    the caller asked for --no-encrypt) into ``output_dir``. Written under a hidden name and
    renamed when complete, so a half-written archive never looks like a backup."""
    output_dir.mkdir(parents=True, exist_ok=True)
    created = clock.now()
    suffix = ".tar.enc" if passphrase is not None else ".tar"
    final = output_dir / f"hoso-backup-{clock.local_now():%Y%m%d-%H%M%S}{suffix}"
    if final.exists():
        raise fail(BackupError.OUTPUT_EXISTS, name=final)
    partial = output_dir / f".{final.name}.partial"
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".hoso-backup-work-") as work:
        dump_path = Path(work) / "dump"
        log(f"Sao lưu cơ sở dữ liệu ({database.vendor()})…")
        state = database.dump(dump_path)
        # Files listed after the dump: everything the dumped rows refer to is there.
        names = _storage_names()
        log(f"Sao lưu {len(names)} tệp của kho tệp…")
        manifest: dict = {
            "format": bundle.FORMAT,
            "created_at": created.isoformat(),
            "hoso": _hoso_version(),
            "database": {"vendor": database.vendor(), "member": database.dump_name()},
            "migrations": state.migrations,
            "last_migrations": {app: names_[-1] for app, names_ in state.migrations.items()},
            "audit_heads": state.audit_heads,
            "storage": default_storage.__class__.__name__,
            "encrypted": passphrase is not None,
            "files": [],
            "vanished": [],
        }
        try:
            with open(partial, "xb") as raw:
                sink = crypto.EncryptingWriter(raw, passphrase) if passphrase is not None else raw
                with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    with open(dump_path, "rb") as fh:
                        reader = bundle.HashingReader(fh)
                        size = dump_path.stat().st_size
                        tar.addfile(
                            bundle.member_info(database.dump_name(), size, created.timestamp()),
                            reader,
                        )
                    manifest["database"].update(size=size, sha256=reader.sha256)
                    for name in names:
                        entry = _add_storage_file(tar, name, created.timestamp())
                        if entry is None:
                            manifest["vanished"].append(name)
                            log(f"CẢNH BÁO: tệp {name} đã bị xóa trong lúc sao lưu, bỏ qua.")
                        else:
                            manifest["files"].append(entry)
                    blob = _manifest_bytes(manifest)
                    tar.addfile(
                        bundle.member_info(bundle.MANIFEST, len(blob), created.timestamp()),
                        _BytesReader(blob),
                    )
                if passphrase is not None:
                    sink.close()
                raw.flush()
                os.fsync(raw.fileno())
            if final.exists():
                raise fail(BackupError.OUTPUT_EXISTS, name=final)
            os.replace(partial, final)
            _fsync_dir(output_dir)
        finally:
            partial.unlink(missing_ok=True)
    report = BackupReport(
        path=final,
        size=final.stat().st_size,
        files=len(manifest["files"]),
        vanished=manifest["vanished"],
        encrypted=passphrase is not None,
        manifest=manifest,
    )
    with transaction.atomic():
        audit_record(
            event_type="backup.created",
            target_type="backup",
            target_id=final.name,
            target_repr=final.name,
            after={
                "size": report.size,
                "files": report.files,
                "vanished": len(report.vanished),
                "encrypted": report.encrypted,
                "database_sha256": manifest["database"]["sha256"],
            },
        )
    return report


class _BytesReader:
    def __init__(self, blob: bytes):
        self._blob, self._at = blob, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._blob) if size < 0 else self._at + size
        out = self._blob[self._at : end]
        self._at += len(out)
        return out


def _manifest_bytes(manifest: dict) -> bytes:
    import json

    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _add_storage_file(tar: tarfile.TarFile, name: str, mtime: float) -> dict | None:
    try:
        size = default_storage.size(name)
        fh = default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
    with fh:
        reader = bundle.HashingReader(fh)
        tar.addfile(bundle.member_info(bundle.FILES_PREFIX + name, size, mtime), reader)
    return {"name": name, "size": size, "sha256": reader.sha256}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_prune(*, output_dir: Path, keep: int, log: Log = _quiet) -> list[Path]:
    """Delete all but the newest ``keep`` archives of ``output_dir`` (only files named like our
    archives; their names sort by time)."""
    archives = sorted(
        (p for p in output_dir.iterdir() if p.is_file() and ARCHIVE_NAME.match(p.name)),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = archives[max(keep, 1) :]
    for path in removed:
        path.unlink()
        log(f"Đã xóa bản sao lưu cũ {path.name}")
    return removed


def backup_verify(*, archive: Path, passphrase: str | None) -> dict:
    """Decrypt (authenticating every chunk) and check every member against the manifest; the
    manifest. Writes nothing."""
    seen, _encrypted = bundle.walk(archive, passphrase)
    return bundle.check(seen, name=archive.name)


# ---------------------------------------------------------------------------------- restore


def _emptiness() -> list[str]:
    """What the target already holds (empty list: it may receive a restore)."""
    tables = set(connection.introspection.table_names())
    found = []
    for model, label in (
        (School, "trường"),
        (User, "tài khoản"),
        (AuditEvent, "sự kiện nhật ký"),
    ):
        if model._meta.db_table in tables:
            count = model.objects.count()
            if count:
                found.append(f"{count} {label}")
    return found


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or [])
    return known


def check_compatible(manifest: dict) -> None:
    """Refuse a dump of the other vendor, or one whose migrations this code does not know."""
    if manifest["database"]["vendor"] != database.vendor():
        raise fail(
            BackupError.VENDOR_MISMATCH,
            archive=manifest["database"]["vendor"],
            target=database.vendor(),
        )
    known = _known_migrations()
    unknown = [
        f"{app}.{m}"
        for app, applied in manifest["migrations"].items()
        for m in applied
        if (app, m) not in known
    ]
    if unknown:
        hoso = manifest.get("hoso", {})
        version = hoso.get("commit") or hoso.get("version") or "đã tạo bản sao lưu"
        raise fail(BackupError.NEWER_MIGRATIONS, migrations=", ".join(unknown[:5]), version=version)


@dataclass
class RestoreReport:
    manifest: dict
    files: int
    audit_events: int
    migrated: list[str]


def backup_restore(*, archive: Path, passphrase: str | None, log: Log = _quiet) -> RestoreReport:
    """Restore ``archive`` into this (empty) instance: database, then files, then migrations;
    then prove it (audit heads equal the manifest's, every chain verifies)."""
    found = _emptiness()
    if found:
        raise fail(BackupError.NOT_EMPTY, found=", ".join(found), how=database.how_to_empty())
    log(f"Kiểm tra bản sao lưu {archive.name}…")
    seen, _encrypted = bundle.walk(archive, passphrase)
    manifest = bundle.check(seen, name=archive.name)
    check_compatible(manifest)
    for entry in manifest["files"]:
        if default_storage.exists(entry["name"]):
            raise fail(BackupError.FILE_EXISTS, member=entry["name"])
    log(
        f"Bản sao lưu hợp lệ: tạo lúc {manifest['created_at']}, "
        f"{len(manifest['files'])} tệp, mọi mã SHA-256 khớp."
    )

    expected = bundle.expected_members(manifest)
    db_member = manifest["database"]["member"]
    with tempfile.TemporaryDirectory(prefix="hoso-restore-") as work:
        dump_path = Path(work) / "dump"

        def consume(member: str, info: tarfile.TarInfo, stream: bundle.HashingReader) -> None:
            if member == db_member:
                with open(dump_path, "wb") as out:
                    shutil.copyfileobj(stream, out, bundle.BLOCK)
                if (stream.size, stream.sha256) != expected[member]:
                    raise fail(BackupError.CHECKSUM, member=member)
                log("Khôi phục cơ sở dữ liệu…")
                database.restore(dump_path)
                _check_heads(manifest)
                return
            if member not in expected:
                raise fail(BackupError.UNLISTED_MEMBER, member=member)
            restore_file(member=member, stream=stream, expected=expected[member], work=work)

        second, _ = bundle.walk(archive, passphrase, consume)
    if second.manifest_bytes != seen.manifest_bytes:
        raise fail(BackupError.UNLISTED_MEMBER, member=bundle.MANIFEST)
    log(f"Đã khôi phục {len(manifest['files'])} tệp.")

    before = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    call_command("migrate", interactive=False, verbosity=0)
    after = database.current_state().migrations
    migrated = [
        f"{app}.{n}" for app, names in after.items() for n in names if (app, n) not in before
    ]
    if migrated:
        log(f"Đã chạy thêm {len(migrated)} migration của phiên bản này.")
    count, breaks = verify_all()
    if breaks:
        raise fail(BackupError.AUDIT_BROKEN, detail="; ".join(str(b) for b in breaks))
    with transaction.atomic():
        audit_record(
            event_type="backup.restored",
            target_type="backup",
            target_id=archive.name,
            target_repr=archive.name,
            after={
                "created_at": manifest["created_at"],
                "hoso": manifest.get("hoso", {}),
                "files": len(manifest["files"]),
                "audit_events": count,
                "migrated": migrated,
            },
        )
    return RestoreReport(
        manifest=manifest, files=len(manifest["files"]), audit_events=count, migrated=migrated
    )


def restore_file(
    *, member: str, stream: bundle.HashingReader, expected: tuple[int, str], work: str
) -> str:
    """Write one ``files/`` member into the default storage (local disk or S3) under its own
    name, once its size and SHA-256 matched; the name."""
    name = bundle.safe_file_name(member)
    if name is None:
        raise fail(BackupError.UNLISTED_MEMBER, member=member)
    with tempfile.SpooledTemporaryFile(max_size=8 << 20, dir=work) as spool:
        shutil.copyfileobj(stream, spool, bundle.BLOCK)
        if (stream.size, stream.sha256) != expected:
            raise fail(BackupError.CHECKSUM, member=member)
        spool.seek(0)
        saved = default_storage.save(name, File(spool, name=name))
    if saved != name:  # the storage renamed it: something appeared under that name meanwhile
        raise fail(BackupError.FILE_EXISTS, member=name)
    return name


def _check_heads(manifest: dict) -> None:
    restored = database.current_state().audit_heads
    expected = manifest["audit_heads"]
    for key in sorted(set(restored) | set(expected)):
        if restored.get(key) != expected.get(key):
            raise fail(BackupError.HEADS_MISMATCH, chain=key)
