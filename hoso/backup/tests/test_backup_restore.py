"""Backup → restore into an empty instance (another process, other settings) → the restored
instance passes audit_verify, its issued transcript verifies and its files are byte-identical.
And every refusal: a damaged archive, a wrong key, a non-empty target, no key."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hoso.audit.models import AuditChain, AuditEvent
from hoso.backup import actions, bundle
from hoso.backup.errors import BackupError
from hoso.core.errors import DomainError
from hoso.organisation.models import School
from hoso.transcripts.tests.conftest import pki, signers  # noqa: F401 (fixtures)
from hoso.transcripts.tests.helpers import issue_class

KEY = "a-long-backup-passphrase-for-the-tests"
RESTORE_DB = "hoso_backup_restore"


@pytest.fixture(autouse=True)
def _media_and_key(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"}
    }
    monkeypatch.setenv("HOSO_BACKUP_KEY", KEY)
    monkeypatch.delenv("HOSO_BACKUP_KEY_FILE", raising=False)


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def only_archive(directory: Path) -> Path:
    (archive,) = [p for p in directory.iterdir() if p.name.startswith("hoso-backup-")]
    return archive


# --------------------------------------------------------------------- the restored instance


class Target:
    """An empty instance beside the test's: its own var dir (SQLite file, media) or its own
    PostgreSQL database; commands run in a subprocess whose settings point there."""

    def __init__(self, tmp_path: Path):
        self.var = tmp_path / "restored-var"
        self.env = {**os.environ, "HOSO_VAR_DIR": str(self.var), "HOSO_BACKUP_KEY": KEY}
        self.env.pop("HOSO_TEST_TODAY", None)
        self.pg = connection.vendor == "postgresql"
        if self.pg:
            s = connection.settings_dict
            self.env["DATABASE_URL"] = (
                f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{RESTORE_DB}"
            )
            self._admin(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")
            self._admin(f"CREATE DATABASE {RESTORE_DB}")
        else:
            self.env.pop("DATABASE_URL", None)

    def _admin(self, sql: str) -> None:
        params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
        with connection.Database.connect(**params) as raw:
            raw.execute(sql)

    def drop(self) -> None:
        if self.pg:
            self._admin(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def python(self, code: str) -> dict:
        done = self.manage("shell", "-c", textwrap.dedent(code))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def target(tmp_path):
    t = Target(tmp_path)
    yield t
    t.drop()


VERIFY_TRANSCRIPT = """
import json
from hoso.transcripts import engines
from hoso.transcripts.models import Transcript, TranscriptRevision
from hoso.transcripts.verification import verify_code
# Forget the validations cached with the revisions: validate the restored files afresh.
TranscriptRevision.objects.update(validation=None, validated_at=None)
t = Transcript.objects.get(code="{code}")
view = verify_code(typed="{code}", ip="192.0.2.1")
seal = t.revisions.get(kind=TranscriptRevision.Kind.SEAL)
with seal.file.open("rb") as fh:
    pdf = fh.read()
print(json.dumps({{
    "status": view.status,
    "authentic": view.authentic,
    "file_matches_record": engines.sha256(pdf) == seal.sha256 == t.pdf_sha256,
    "signatures_valid": engines.validate(pdf, school=t.school).ok,
    "sha256": engines.sha256(pdf),
}}))
"""


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_instance(world, signers, tmp_path, target):  # noqa: F811
    # GIVEN a school with an issued, signed transcript and another stored file
    transcript = issue_class(world)[0]
    with transcript.pdf.open("rb") as fh:
        issued_pdf = fh.read()
    note = default_storage.save("records/2026/biên-bản.txt", ContentFile("Biên bản họp".encode()))
    heads = {c.key: (c.last_seq, c.last_hash) for c in AuditChain.objects.all()}
    assert heads and AuditEvent.objects.exists()

    # WHEN it is backed up (encrypted) and the archive verified
    out = tmp_path / "backups"
    call_command("backup", output=out, stdout=io.StringIO())
    archive = only_archive(out)
    assert archive.name.endswith(".tar.enc")
    raw = archive.read_bytes()
    assert b"%PDF" not in raw and issued_pdf[:2000] not in raw  # encrypted at rest
    manifest = actions.backup_verify(archive=archive, passphrase=KEY)
    assert manifest["database"]["vendor"] == connection.vendor
    assert {k: (v["seq"], v["hash"]) for k, v in manifest["audit_heads"].items()} == heads
    assert "audit" in manifest["last_migrations"]
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert listed[transcript.pdf.name] == sha256(issued_pdf)
    assert note in listed
    # the backup itself is in the audit trail (after the dump)
    assert AuditEvent.objects.filter(event_type="backup.created", target_id=archive.name).exists()

    # AND restored into an empty instance by another process
    done = target.manage("restore", str(archive))
    assert done.returncode == 0, done.stderr + done.stdout
    assert "mọi mã SHA-256 khớp" in done.stdout and "toàn vẹn" in done.stdout

    # THEN the restored audit trail verifies
    verified = target.manage("audit_verify")
    assert verified.returncode == 0, verified.stderr
    assert "toàn vẹn" in verified.stdout
    # AND the issued transcript verifies: its code resolves, its PDF is the issued one, byte for
    # byte, with valid signatures
    report = target.python(VERIFY_TRANSCRIPT.format(code=transcript.code))
    assert report == {
        "status": "current",
        "authentic": True,
        "file_matches_record": True,
        "signatures_valid": True,
        "sha256": sha256(issued_pdf),
    }
    # AND the other file is there, identical
    assert sha256((target.var / "media" / note).read_bytes()) == sha256("Biên bản họp".encode())
    # AND the restore is in the restored audit trail; a second restore is refused
    restored = target.python(
        "import json\nfrom hoso.audit.models import AuditEvent\n"
        "print(json.dumps(list(AuditEvent.objects.filter(event_type='backup.restored')"
        ".values_list('target_id', flat=True))))"
    )
    assert restored == [archive.name]
    again = target.manage("restore", str(archive))
    assert again.returncode == 1 and "không trống" in again.stderr


@pytest.mark.django_db
def test_restore_into_a_non_empty_instance_is_refused_and_writes_nothing(world, tmp_path):
    out = tmp_path / "backups"
    call_command("backup", output=out, stdout=io.StringIO())
    schools, events = School.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(only_archive(out)), stdout=io.StringIO())
    assert "Hệ thống đích không trống" in str(caught.value)
    assert "trường" in str(caught.value)
    assert (School.objects.count(), AuditEvent.objects.count()) == (schools, events)


def rewrite_plain_archive(source: Path, target: Path, change) -> None:
    """Copy an unencrypted archive member by member, letting ``change(name, data)`` alter one."""
    with tarfile.open(source, "r") as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            data = change(info.name, old.extractfile(info).read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.mark.django_db
def test_damaged_archives_are_refused(world, tmp_path):
    default_storage.save("records/a.txt", ContentFile(b"original"))
    out = tmp_path / "backups"
    call_command("backup", output=out, stdout=io.StringIO())
    archive = only_archive(out)

    # An encrypted archive with one byte changed: the authentication tag refuses it.
    blob = bytearray(archive.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.enc"
    damaged.write_bytes(bytes(blob))
    with pytest.raises(CommandError) as caught:
        call_command("backup", verify=damaged, stdout=io.StringIO())
    assert "đã bị sửa, cắt cụt hoặc hỏng" in str(caught.value)
    # Cut short.
    damaged.write_bytes(archive.read_bytes()[: len(blob) - 100])
    with pytest.raises(DomainError) as caught:
        actions.backup_verify(archive=damaged, passphrase=KEY)
    assert caught.value.code == BackupError.TAMPERED

    # An unencrypted archive whose file was changed: the manifest's SHA-256 refuses it.
    plain_dir = tmp_path / "plain"
    call_command(
        "backup", output=plain_dir, no_encrypt=True, stdout=io.StringIO(), stderr=io.StringIO()
    )
    plain = only_archive(plain_dir)
    assert plain.name.endswith(".tar") and actions.backup_verify(archive=plain, passphrase=None)
    changed = tmp_path / "changed.tar"
    rewrite_plain_archive(
        plain, changed, lambda name, data: b"forged" if name == "files/records/a.txt" else data
    )
    with pytest.raises(DomainError) as caught:
        actions.backup_verify(archive=changed, passphrase=None)
    assert (
        caught.value.code == BackupError.CHECKSUM and "files/records/a.txt" in caught.value.message
    )
    # A member removed, a member added.
    rewrite_plain_archive(plain, changed, lambda name, data: data)
    with tarfile.open(changed, "a") as tar:
        extra = tarfile.TarInfo("files/extra.txt")
        extra.size = 1
        tar.addfile(extra, io.BytesIO(b"x"))
    with pytest.raises(DomainError) as caught:
        actions.backup_verify(archive=changed, passphrase=None)
    assert caught.value.code == BackupError.UNLISTED_MEMBER


@pytest.mark.django_db
def test_wrong_key_and_missing_key_are_refused_clearly(world, tmp_path, monkeypatch):
    out = tmp_path / "backups"
    call_command("backup", output=out, stdout=io.StringIO())
    archive = only_archive(out)
    monkeypatch.setenv("HOSO_BACKUP_KEY", "not-the-key-that-was-used")
    with pytest.raises(CommandError) as caught:
        call_command("backup", verify=archive, stdout=io.StringIO())
    assert "Khóa sao lưu không đúng" in str(caught.value)
    with pytest.raises(CommandError):
        call_command("restore", str(archive), stdout=io.StringIO())
    # No key: no backup is written, unless --no-encrypt is asked for explicitly.
    monkeypatch.delenv("HOSO_BACKUP_KEY")
    empty = tmp_path / "none"
    with pytest.raises(CommandError) as caught:
        call_command("backup", output=empty, stdout=io.StringIO())
    assert "HOSO_BACKUP_KEY" in str(caught.value) and "--no-encrypt" in str(caught.value)
    assert not empty.exists() or not any(empty.iterdir())
    warning = io.StringIO()
    call_command("backup", output=empty, no_encrypt=True, stdout=io.StringIO(), stderr=warning)
    assert "KHÔNG được mã hóa" in warning.getvalue()


def test_a_backup_of_a_newer_hoso_is_refused():
    manifest = {
        "database": {"vendor": connection.vendor},
        "migrations": {"audit": ["0001_initial", "0999_from_the_future"]},
        "hoso": {"commit": "abc123"},
    }
    with pytest.raises(DomainError) as caught:
        actions.check_compatible(manifest)
    assert caught.value.code == BackupError.NEWER_MIGRATIONS
    assert "audit.0999_from_the_future" in caught.value.message and "abc123" in caught.value.message


def test_prune_keeps_the_newest(tmp_path):
    names = [f"hoso-backup-2026120{d}-020000.tar.enc" for d in range(1, 6)]
    for name in [*names, "notes.txt", "hoso-backup-latest.tar"]:
        (tmp_path / name).write_bytes(b"x")
    removed = actions.backup_prune(output_dir=tmp_path, keep=2)
    assert sorted(p.name for p in removed) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[3:], "notes.txt", "hoso-backup-latest.tar"]
    )


def test_member_names_cannot_escape_the_storage():
    assert bundle.safe_file_name("files/records/a.pdf") == "records/a.pdf"
    for bad in ("files/../etc/passwd", "files//abs", "files/a/../../b", "database/x", "files/"):
        assert bundle.safe_file_name(bad) is None


TABLES = (
    "import json\nfrom django.db import connection\n"
    "print(json.dumps(sorted(connection.introspection.table_names())))"
)


@pytest.mark.django_db
def test_a_refused_restore_writes_nothing_into_the_target(tmp_path, target):
    default_storage.save("records/a.txt", ContentFile(b"original"))
    out = tmp_path / "backups"
    call_command("backup", output=out, stdout=io.StringIO())
    archive = only_archive(out)
    # A damaged archive: refused before anything is written.
    blob = bytearray(archive.read_bytes())
    blob[-20] ^= 0x01
    damaged = tmp_path / "damaged.tar.enc"
    damaged.write_bytes(bytes(blob))
    done = target.manage("restore", str(damaged))
    assert done.returncode == 1 and "đã bị sửa, cắt cụt hoặc hỏng" in done.stderr
    assert target.python(TABLES) == []
    # A target storage that already holds one of the archive's files: refused, nothing written.
    (target.var / "media" / "records").mkdir(parents=True)
    (target.var / "media" / "records" / "a.txt").write_bytes(b"someone else's")
    done = target.manage("restore", str(archive))
    assert done.returncode == 1 and "records/a.txt" in done.stderr, done.stderr
    assert target.python(TABLES) == []
    assert (target.var / "media" / "records" / "a.txt").read_bytes() == b"someone else's"
