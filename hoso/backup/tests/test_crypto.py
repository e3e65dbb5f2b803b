"""The encrypted envelope: round trip in many chunks, and every kind of damage refused."""

from __future__ import annotations

import io
import os

import pytest

from hoso.backup import crypto
from hoso.backup.errors import BackupError
from hoso.core.errors import DomainError

KEY = "a-backup-passphrase-for-tests"


def seal(data: bytes, *, chunk_size: int = 64, key: str = KEY) -> bytes:
    out = io.BytesIO()
    writer = crypto.EncryptingWriter(out, key, chunk_size=chunk_size)
    for i in range(0, len(data), 50):  # writes that do not line up with chunks
        writer.write(data[i : i + 50])
    writer.close()
    return out.getvalue()


def unseal(blob: bytes, *, key: str = KEY) -> bytes:
    reader = crypto.DecryptingReader(io.BytesIO(blob), key, name="x.tar.enc")
    parts = []
    while block := reader.read(37):
        parts.append(block)
    reader.drain()
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_round_trip_at_every_chunk_boundary(size):
    data = os.urandom(size)
    blob = seal(data)
    assert size < 16 or data not in blob
    assert unseal(blob) == data


def test_each_backup_has_its_own_salt_and_nonces():
    data = b"the same plaintext" * 10
    assert seal(data) != seal(data)


def code_of(blob: bytes, **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        unseal(blob, **kwargs)
    return caught.value.code


def test_wrong_key_is_told_apart_from_damage():
    blob = seal(b"x" * 300)
    with pytest.raises(DomainError) as caught:
        unseal(blob, key="another-passphrase-entirely")
    assert caught.value.code == BackupError.WRONG_KEY
    assert "Khóa sao lưu không đúng" in caught.value.message


def test_a_flipped_bit_anywhere_is_refused():
    blob = bytearray(seal(b"y" * 300))
    header = crypto.HEADER.size + crypto.CHECK_SIZE
    for position in (header + 3, len(blob) // 2, len(blob) - 1):
        damaged = bytearray(blob)
        damaged[position] ^= 0x01
        assert code_of(bytes(damaged)) == BackupError.TAMPERED
    damaged = bytearray(blob)
    damaged[10] ^= 0x01  # the salt: the key check fails (header authenticated)
    assert code_of(bytes(damaged)) in {BackupError.WRONG_KEY, BackupError.TAMPERED}


def test_cut_reordered_or_extended_streams_are_refused():
    blob = seal(b"z" * 300, chunk_size=64)
    header = crypto.HEADER.size + crypto.CHECK_SIZE
    sealed = 64 + crypto.TAG_SIZE
    chunks = [blob[i : i + sealed] for i in range(header, len(blob), sealed)]
    assert len(chunks) == 5
    head = blob[:header]
    # Cut at a chunk boundary: the new last chunk was not sealed as final.
    assert code_of(head + b"".join(chunks[:3])) == BackupError.TAMPERED
    # Two chunks swapped.
    assert code_of(head + chunks[1] + chunks[0] + b"".join(chunks[2:])) == BackupError.TAMPERED
    # Something appended after the final chunk.
    assert code_of(blob + chunks[0]) == BackupError.TAMPERED
    # Only the header.
    assert code_of(head) == BackupError.TAMPERED


def test_not_a_backup():
    with pytest.raises(DomainError) as caught:
        crypto.DecryptingReader(io.BytesIO(b"PK\x03\x04 a zip file"), KEY, name="x.zip")
    assert caught.value.code == BackupError.NOT_A_BACKUP


def test_key_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv("HOSO_BACKUP_KEY", raising=False)
    monkeypatch.delenv("HOSO_BACKUP_KEY_FILE", raising=False)
    assert crypto.key_from_environment() is None
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    monkeypatch.setenv("HOSO_BACKUP_KEY_FILE", str(key_file))
    assert crypto.key_from_environment() == KEY
    monkeypatch.setenv("HOSO_BACKUP_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(DomainError) as caught:
        crypto.key_from_environment()
    assert caught.value.code == BackupError.KEY_FILE and "absent" in caught.value.message
    monkeypatch.setenv("HOSO_BACKUP_KEY", "short")
    with pytest.raises(DomainError) as caught:
        crypto.key_from_environment()
    assert caught.value.code == BackupError.KEY_TOO_SHORT
