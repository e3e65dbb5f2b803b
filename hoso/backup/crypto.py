"""Encryption at rest of a backup: a streamed, chunked AES-256-GCM envelope (format 1).

The plaintext (a tar stream) is cut into chunks of ``chunk_size`` bytes (1 MiB), each sealed on
its own, so a backup of many gigabytes is written and read in constant memory. The layout::

    header  = b"HOSOBAK\\0" | version (1 byte, 1) | salt (16) | scrypt log2 N (1) | r (1) | p (1)
              | chunk_size (4, big-endian) | nonce prefix (7)                       39 bytes
    check   = HMAC-SHA256(check_key, header)                                         32 bytes
    chunk i = AES-256-GCM(enc_key, nonce = prefix | i (4, big-endian) | final (1),
                          aad = header | check)(plaintext_i) = ciphertext_i | tag (16)

``enc_key | check_key = scrypt(passphrase, salt, N, r, p, 64 bytes)``: a fresh salt per backup,
so every backup has its own keys and the counter nonces never repeat under one key. The check
value tells a wrong key (refused before anything is decrypted) from a damaged file. Every chunk
but the last is full and sealed with final = 0; the last (possibly empty) with final = 1, so a
file cut at a chunk boundary, reordered chunks or bytes appended after the end all fail
authentication (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from hoso.backup.errors import BackupError, fail

MAGIC = b"HOSOBAK\x00"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
HEADER = struct.Struct(">8sB16sBBBI7s")  # 39 bytes
CHECK_SIZE = 32
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
MIN_KEY_LENGTH = 16


def key_from_environment() -> str | None:
    """The passphrase of ``HOSO_BACKUP_KEY``, or the first line of the file
    ``HOSO_BACKUP_KEY_FILE`` names (systemd's ``LoadCredential=``); None when neither is set."""
    value = os.environ.get("HOSO_BACKUP_KEY", "")
    path = os.environ.get("HOSO_BACKUP_KEY_FILE", "")
    if not value and path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise fail(BackupError.KEY_FILE, path=path, error=error) from None
    if not value:
        return None
    if len(value) < MIN_KEY_LENGTH:
        raise fail(BackupError.KEY_TOO_SHORT, length=len(value), minimum=MIN_KEY_LENGTH)
    return value


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    derived = Scrypt(salt=salt, length=64, n=2**log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return derived[:32], derived[32:]


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


class EncryptingWriter:
    """A write-only file object: what is written goes out sealed to ``raw``. ``close()`` seals
    the last chunk (it does not close ``raw``)."""

    def __init__(self, raw: BinaryIO, passphrase: str, *, chunk_size: int = CHUNK_SIZE):
        salt, prefix = os.urandom(16), os.urandom(7)
        header = HEADER.pack(
            MAGIC, VERSION, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, chunk_size, prefix
        )
        enc_key, check_key = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        check = hmac.new(check_key, header, hashlib.sha256).digest()
        raw.write(header + check)
        self._raw, self._aead, self._prefix = raw, AESGCM(enc_key), prefix
        self._aad = header + check
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._closed = False

    def _seal(self, data: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._index, final)
        self._raw.write(self._aead.encrypt(nonce, bytes(data), self._aad))
        self._index += 1

    def write(self, data) -> int:
        self._buffer += data
        # A chunk goes out only when more follows it: the last one is always sealed as final.
        while len(self._buffer) > self._chunk_size:
            self._seal(self._buffer[: self._chunk_size], final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        if not self._closed:
            self._seal(self._buffer, final=True)
            self._buffer = bytearray()
            self._closed = True
            self._raw.flush()


def _read_exactly(raw: BinaryIO, size: int) -> bytes:
    parts, missing = [], size
    while missing:
        block = raw.read(missing)
        if not block:
            break
        parts.append(block)
        missing -= len(block)
    return b"".join(parts)


class DecryptingReader:
    """A read-only file object over a sealed stream: authenticates every chunk before handing
    out its bytes; a wrong key is refused at once (before any chunk)."""

    def __init__(self, raw: BinaryIO, passphrase: str, *, name: str = ""):
        self._name = name
        head = _read_exactly(raw, HEADER.size)
        if len(head) < HEADER.size or not is_encrypted(head):
            raise fail(BackupError.NOT_A_BACKUP, name=name)
        _magic, version, salt, log2_n, r, p, chunk_size, prefix = HEADER.unpack(head)
        if version != VERSION:
            raise fail(BackupError.UNSUPPORTED_FORMAT, name=name, format=f"mã hóa {version}")
        if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16 and chunk_size <= 64 << 20):
            raise fail(BackupError.TAMPERED, name=name, chunk="đầu tệp")
        check = _read_exactly(raw, CHECK_SIZE)
        enc_key, check_key = _derive(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(hmac.new(check_key, head, hashlib.sha256).digest(), check):
            raise fail(BackupError.WRONG_KEY, name=name)
        self._raw, self._aead, self._prefix = raw, AESGCM(enc_key), prefix
        self._aad = head + check
        self._sealed_size = chunk_size + TAG_SIZE
        self._pending = _read_exactly(raw, self._sealed_size)
        self._index = 0
        self._buffer = bytearray()
        self._done = False

    def _open_next(self) -> None:
        sealed = self._pending
        self._pending = _read_exactly(self._raw, self._sealed_size)
        final = not self._pending
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, final), sealed, self._aad)
        except InvalidTag:
            raise fail(BackupError.TAMPERED, name=self._name, chunk=self._index + 1) from None
        self._index += 1
        self._buffer += plain
        self._done = final

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._open_next()
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def drain(self) -> None:
        """Read to the end, so the final chunk is authenticated (a cut-off tail is noticed)."""
        while not self._done:
            self._open_next()
            self._buffer.clear()
        self._buffer.clear()
