"""Reading consents. The outbox asks these when it queues and again when it sends."""

from __future__ import annotations

from collections.abc import Iterable

from hoso.privacy.models import (
    CHANNEL_PURPOSE,
    Consent,
    DataRequest,
    PrivacyNotice,
    PrivacySettings,
)


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


def current_notice(*, school_id: int) -> PrivacyNotice | None:
    """The school's latest published notice (None before the first)."""
    return (
        PrivacyNotice.objects.filter(school_id=school_id, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def settings_of(school) -> PrivacySettings:
    """The school's settings (the defaults, unsaved, until the principal saves them)."""
    found = PrivacySettings.objects.filter(school=school).first()
    return found or PrivacySettings(school=school)


def consents_of(*, school_id: int, user_id: int) -> dict[tuple[str, int | None], Consent]:
    """A guardian's live consents, by (purpose, child id or None), with their notice."""
    return {
        (c.purpose, c.student_id): c
        for c in Consent.objects.filter(
            school_id=school_id, user_id=user_id, withdrawn_at__isnull=True
        ).select_related("notice")
    }


def consent_history(*, school_id: int, user_id: int) -> list[Consent]:
    return list(
        Consent.objects.filter(school_id=school_id, user_id=user_id)
        .select_related("notice", "student", "recorded_by")
        .order_by("-given_at", "-pk")[:50]
    )


def requests_of_child(*, school_id: int, student_id: int) -> list[DataRequest]:
    return list(
        DataRequest.objects.filter(school_id=school_id, student_id=student_id).order_by(
            "-received_at"
        )
    )


def request_register(*, school_id: int, state: str = "open") -> list[DataRequest]:
    """The register of requests (open ones first by deadline; or all, newest first)."""
    qs = DataRequest.objects.filter(school_id=school_id).select_related(
        "student", "requested_by", "handled_by"
    )
    if state == "open":
        return list(
            qs.filter(
                state__in=[DataRequest.State.RECEIVED, DataRequest.State.IN_PROGRESS]
            ).order_by("due_at", "pk")
        )
    return list(qs.order_by("-received_at", "-pk")[:500])
