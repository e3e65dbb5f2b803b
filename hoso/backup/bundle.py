"""The backup archive: a tar stream (encrypted by ``crypto`` unless asked otherwise) holding

    database/hoso.sqlite3 | database/hoso.pgdump    the native dump (``database.py``)
    files/<name>                                    every file of the default storage
    manifest.json                                   last: what the archive must hold

and the two readings of it: a walk that hashes every member and checks it against the manifest
(``verify``), and the same walk handing each member to a consumer (``restore``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from hoso.backup import crypto
from hoso.backup.errors import BackupError, fail

FORMAT = "hoso-backup/1"
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
BLOCK = 1024 * 1024


class HashingReader:
    """Reads through ``raw`` and keeps the SHA-256 and size of what was read."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


def member_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def safe_file_name(member: str) -> str | None:
    """The storage name of a ``files/`` member, or None when it could escape the storage."""
    if not member.startswith(FILES_PREFIX):
        return None
    name = member[len(FILES_PREFIX) :]
    normal = posixpath.normpath(name)
    if not name or normal != name or name.startswith(("/", "../")) or "\\" in name:
        return None
    return name


@dataclass
class Seen:
    """What one walk found: every regular member's size and SHA-256, and the manifest."""

    members: dict[str, tuple[int, str]] = field(default_factory=dict)
    manifest: dict | None = None
    manifest_bytes: bytes = b""


@contextmanager
def open_plain(path: Path, passphrase: str | None) -> Iterator[tuple[BinaryIO, bool]]:
    """The archive's plaintext (a tar stream) and whether it was encrypted."""
    with open(path, "rb") as raw:
        head = raw.read(len(crypto.MAGIC))
        raw.seek(0)
        if crypto.is_encrypted(head):
            if passphrase is None:
                raise fail(BackupError.NO_KEY)
            reader = crypto.DecryptingReader(raw, passphrase, name=path.name)
            yield reader, True
            reader.drain()
        else:
            yield raw, False


Consumer = Callable[[str, tarfile.TarInfo, HashingReader], None]


def walk(path: Path, passphrase: str | None, consume: Consumer | None = None) -> tuple[Seen, bool]:
    """Read the whole archive once; each regular member goes through ``consume`` (which must
    read it to the end) or is only hashed. Authentication failures (wrong key, tampering) stop
    the walk at once."""
    seen = Seen()
    with open_plain(path, passphrase) as (plain, encrypted):
        try:
            with tarfile.open(fileobj=plain, mode="r|") as tar:
                for info in tar:
                    if not info.isfile():
                        raise fail(BackupError.UNLISTED_MEMBER, member=info.name)
                    stream = HashingReader(tar.extractfile(info))
                    if info.name == MANIFEST:
                        seen.manifest_bytes = stream.read()
                        try:
                            seen.manifest = json.loads(seen.manifest_bytes)
                        except ValueError:
                            raise fail(BackupError.NOT_A_BACKUP, name=path.name) from None
                    elif consume is not None:
                        consume(info.name, info, stream)
                    while stream.read(BLOCK):
                        pass
                    seen.members[info.name] = (stream.size, stream.sha256)
        except tarfile.TarError:
            raise fail(BackupError.NOT_A_BACKUP, name=path.name) from None
    return seen, encrypted


def expected_members(manifest: dict) -> dict[str, tuple[int, str]]:
    db = manifest["database"]
    expected = {db["member"]: (db["size"], db["sha256"])}
    for entry in manifest["files"]:
        expected[FILES_PREFIX + entry["name"]] = (entry["size"], entry["sha256"])
    return expected


def check(seen: Seen, *, name: str) -> dict:
    """The manifest, once every member matched it (nothing missing, nothing extra, every size and
    SHA-256 equal)."""
    manifest = seen.manifest
    if manifest is None or not isinstance(manifest, dict) or "format" not in manifest:
        raise fail(BackupError.NOT_A_BACKUP, name=name)
    if manifest["format"] != FORMAT:
        raise fail(BackupError.UNSUPPORTED_FORMAT, name=name, format=manifest["format"])
    expected = expected_members(manifest)
    for member, (size, digest) in seen.members.items():
        if member == MANIFEST:
            continue
        if member not in expected:
            raise fail(BackupError.UNLISTED_MEMBER, member=member)
        if expected[member] != (size, digest):
            raise fail(BackupError.CHECKSUM, member=member)
    for member in expected:
        if member not in seen.members:
            raise fail(BackupError.MISSING_MEMBER, member=member)
    for entry in manifest["files"]:
        if safe_file_name(FILES_PREFIX + entry["name"]) is None:
            raise fail(BackupError.UNLISTED_MEMBER, member=entry["name"])
    return manifest
