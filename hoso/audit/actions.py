"""Writing the audit trail. Call ``audit_record`` inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hoso.audit.hashing import event_fields, event_hash
from hoso.audit.keys import audit_keys
from hoso.audit.models import GENESIS_HASH, AuditChain, AuditEvent
from hoso.core import clock, context

#: New events are keyed (HMAC-SHA256, ADR 0009).
HASH_VERSION = 2


def chain_key_for(school_id: int | None) -> str:
    return f"school:{school_id}" if school_id else "system"


def _locked_chain(school_id: int | None) -> AuditChain:
    key = chain_key_for(school_id)
    chain = AuditChain.objects.select_for_update().filter(key=key).first()
    if chain is None:
        # get_or_create under a unique key: a concurrent creator makes one of us re-read.
        AuditChain.objects.get_or_create(
            key=key, defaults={"school_id": school_id, "last_hash": GENESIS_HASH}
        )
        chain = AuditChain.objects.select_for_update().get(key=key)
    return chain


def audit_record(
    *,
    event_type: str,
    actor=None,
    school_id: int | None = None,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    before: Any = None,
    after: Any = None,
    acting_as: str = "",
) -> AuditEvent:
    """Append one event to the school's chain, in the caller's transaction.

    The chain head row is locked (SELECT ... FOR UPDATE) until the caller commits, so two writers
    of one school append one after the other and writers of different schools never wait.
    If the caller's transaction rolls back, the event disappears with the change.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:300]
    ctx = context.current()
    actor_id = actor.pk if actor is not None and actor.pk else None
    actor_name = actor.get_full_name() if actor_id else ""
    keys = audit_keys()
    with transaction.atomic():
        chain = _locked_chain(school_id)
        seq = chain.last_seq + 1
        at = clock.now()
        fields = event_fields(
            chain_key=chain.key,
            seq=seq,
            school_id=school_id,
            at=at,
            actor_id=actor_id,
            actor_name=actor_name,
            acting_as=acting_as,
            ip=ctx.ip,
            channel=ctx.channel,
            event_type=event_type,
            target_type=target_type,
            target_id=str(target_id),
            target_repr=target_repr[:300],
            before=before,
            after=after,
            prev_hash=chain.last_hash,
            hash_version=HASH_VERSION,
            key_id=keys.current_id,
        )
        digest = event_hash(fields, key=keys.current)
        event = AuditEvent.objects.create(
            chain=chain,
            seq=seq,
            school_id=school_id,
            at=at,
            actor_id=actor_id,
            actor_name=actor_name,
            acting_as=acting_as,
            ip=ctx.ip,
            channel=ctx.channel,
            event_type=event_type,
            target_type=target_type,
            target_id=str(target_id),
            target_repr=target_repr[:300],
            before=fields["before"],
            after=fields["after"],
            prev_hash=chain.last_hash,
            hash=digest,
            hash_version=HASH_VERSION,
            key_id=keys.current_id,
        )
        AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, last_hash=digest)
    return event


def snapshot(instance, fields: list[str]) -> dict[str, Any]:
    """A JSON-ready dict of some model fields, for before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out
