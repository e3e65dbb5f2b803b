"""Reading consents. The outbox asks these when it queues and again when it sends."""

from __future__ import annotations

from collections.abc import Iterable

from hoso.privacy.models import CHANNEL_PURPOSE, Consent


def consented_user_ids(*, school_id: int, purpose: str, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` with a live consent for ``purpose`` in the school (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    return set(
        Consent.objects.filter(
            school_id=school_id,
            purpose=purpose,
            user_id__in=ids,
            student__isnull=True,
            withdrawn_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def channel_allowed_user_ids(*, school_id: int, channel: str, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` the school may reach on ``channel``: every one for a channel that
    needs no consent (in-app), else those with a live consent for the channel's purpose. The
    caller decides who needs asking (a guardian does; staff at work do not)."""
    ids = set(user_ids)
    purpose = CHANNEL_PURPOSE.get(channel, "unknown")
    if purpose is None:
        return ids
    if purpose == "unknown":
        return set()
    return consented_user_ids(school_id=school_id, purpose=purpose, user_ids=ids)
