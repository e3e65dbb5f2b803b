"""Server-side wrapping of stored key material.

A PKCS#12 kept in the database is already encrypted with its owner's password (we re-export it with
PBES2/AES-256 when it is uploaded). We wrap it once more with AES-256-GCM under a key derived by
HKDF-SHA256 from ``settings.HOSO_SIGNING_STORE_KEY`` (default: ``settings.SECRET_KEY``), so a database
dump alone is not enough to attack the password offline. Rotating that secret makes stored
credentials unreadable: people then upload their PKCS#12 again.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from hoso.core.errors import DomainError
from hoso.signing.errors import SigningErrorCode

_VERSION = b"\x01"
_INFO = b"hoso.signing.pkcs12-wrap.v1"


def _server_key() -> bytes:
    secret = getattr(settings, "HOSO_SIGNING_STORE_KEY", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hoso-signing", info=_INFO).derive(
        secret.encode("utf-8")
    )


def wrap(data: bytes, *, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return _VERSION + nonce + AESGCM(_server_key()).encrypt(nonce, data, aad)


def unwrap(blob: bytes, *, aad: bytes) -> bytes:
    blob = bytes(blob)
    if not blob or blob[:1] != _VERSION:
        raise DomainError(SigningErrorCode.KEY_STORE_BROKEN, "Khoá lưu trữ chữ ký số bị hỏng.")
    try:
        return AESGCM(_server_key()).decrypt(blob[1:13], blob[13:], aad)
    except Exception as exc:  # InvalidTag: server key changed or blob tampered with
        raise DomainError(
            SigningErrorCode.KEY_STORE_BROKEN,
            "Không giải mã được chữ ký số đã lưu (khoá máy chủ đã thay đổi?). "
            "Vui lòng tải lại tệp PKCS#12.",
        ) from exc
