"""The canonical form of an audit event and its hash. Pure: used to write and to verify.

Version 1 (events written before ADR 0009): ``sha256(canonical)``, no key.
Version 2: ``HMAC-SHA256(key, canonical)``, the canonical form also holding the version and the
key's id, so an event cannot be passed off as another version or key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def event_fields(
    *,
    chain_key: str,
    seq: int,
    school_id: int | None,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    acting_as: str,
    ip: str | None,
    channel: str,
    event_type: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    before: Any,
    after: Any,
    prev_hash: str,
    hash_version: int = 1,
    key_id: str = "",
) -> dict[str, Any]:
    fields = {
        "chain": chain_key,
        "seq": seq,
        "school": school_id,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_name": actor_name,
        "acting_as": acting_as,
        "ip": ip,
        "channel": channel,
        "type": event_type,
        "target_type": target_type,
        "target_id": target_id,
        "target_repr": target_repr,
        # JSON round trip so what is hashed is exactly what the JSON column gives back.
        "before": json.loads(json.dumps(before, default=str)) if before is not None else None,
        "after": json.loads(json.dumps(after, default=str)) if after is not None else None,
        "prev": prev_hash,
    }
    if hash_version >= 2:
        fields["v"] = hash_version
        fields["key"] = key_id
    return fields


def event_hash(fields: dict[str, Any], *, key: bytes | None = None) -> str:
    """Version 1 without ``key``; version 2 with the key named in ``fields["key"]``."""
    if key is None:
        return hashlib.sha256(canonical(fields)).hexdigest()
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


def stored_event_fields(event, *, chain_key: str, **override: Any) -> dict[str, Any]:
    """The hashed fields of a stored event (``override`` replaces some: a test's rewrite)."""
    values = {
        "seq": event.seq,
        "school_id": event.school_id,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "acting_as": event.acting_as,
        "ip": event.ip,
        "channel": event.channel,
        "event_type": event.event_type,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "hash_version": event.hash_version,
        "key_id": event.key_id,
    }
    return event_fields(chain_key=chain_key, **(values | override))
