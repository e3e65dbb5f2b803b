"""The canonical form of an audit event and its hash. Pure: used to write and to verify."""

from __future__ import annotations

import hashlib
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
) -> dict[str, Any]:
    return {
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


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()
