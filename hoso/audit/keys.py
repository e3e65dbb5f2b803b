"""The keys of the audit trail: HMAC-SHA256 secrets held outside the database (ADR 0009).

``HOSO_AUDIT_KEYS = "2027a:<secret>,2026a:<older secret>"``: the first key marks new events, the
others only verify the events they marked (rotation). Unset, a development key is derived from
SECRET_KEY (the system check ``audit.W001`` says so). A key id is 1-16 letters, digits, ``._-``;
a secret has at least 32 characters.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ID = "dev"
MIN_SECRET_LENGTH = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,16}$")


@dataclass(frozen=True)
class AuditKeys:
    current_id: str
    secrets: dict[str, bytes]
    derived: bool  # True: the development key derived from SECRET_KEY

    @property
    def current(self) -> bytes:
        return self.secrets[self.current_id]


def parse_keys(raw: str) -> list[tuple[str, bytes]]:
    """``id:secret,id:secret`` → pairs, first = current. ImproperlyConfigured on a bad entry."""
    pairs: list[tuple[str, bytes]] = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        key_id, sep, secret = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "HOSO_AUDIT_KEYS: each entry is id:secret, the id 1-16 letters, digits or ._-"
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"HOSO_AUDIT_KEYS: the secret of {key_id!r} is shorter than {MIN_SECRET_LENGTH}"
            )
        if key_id in dict(pairs):
            raise ImproperlyConfigured(f"HOSO_AUDIT_KEYS: the id {key_id!r} appears twice")
        pairs.append((key_id, secret.encode("utf-8")))
    return pairs


@lru_cache(maxsize=8)
def _keys(raw: str, secret_key: str) -> AuditKeys:
    pairs = parse_keys(raw)
    if pairs:
        return AuditKeys(current_id=pairs[0][0], secrets=dict(pairs), derived=False)
    derived = hashlib.sha256(b"hoso-audit-key\x00" + secret_key.encode("utf-8")).digest()
    return AuditKeys(current_id=DEV_KEY_ID, secrets={DEV_KEY_ID: derived}, derived=True)


def audit_keys() -> AuditKeys:
    """The configured keys (parsed once per configuration value: cheap on the append path)."""
    return _keys(getattr(settings, "HOSO_AUDIT_KEYS", "") or "", settings.SECRET_KEY)
