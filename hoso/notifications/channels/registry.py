"""Which provider serves each channel here, built from the settings (``deploy/hoso.env.example``)
once per process and rebuilt when a test changes the settings."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from hoso.notifications.channels.base import Provider

_lock = threading.Lock()
_cache: dict[str, Provider | None] = {}


def _setting(name: str, default):
    return getattr(settings, name, default)


def _build(channel: str) -> Provider | None:
    timeout = float(_setting("HOSO_PROVIDER_TIMEOUT", 10))
    if channel == "email":
        from hoso.notifications.channels.email import EmailProvider
        from hoso.notifications.outbox import email_enabled

        if not email_enabled():
            return None
        return EmailProvider(rate=float(_setting("HOSO_EMAIL_RATE", 10)))
    if channel == "sms":
        url = _setting("HOSO_SMS_URL", "")
        if not url:
            return None
        from hoso.notifications.channels.sms import SmsProvider

        return SmsProvider(
            url=url,
            api_key=_setting("HOSO_SMS_API_KEY", ""),
            sender=_setting("HOSO_SMS_SENDER", ""),
            timeout=timeout,
            rate=float(_setting("HOSO_SMS_RATE", 20)),
        )
    if channel == "zalo":
        token = _setting("HOSO_ZALO_ACCESS_TOKEN", "")
        if not token:
            return None
        from hoso.notifications.channels.zalo import ZaloProvider

        return ZaloProvider(
            url=_setting("HOSO_ZALO_URL", "https://business.openapi.zalo.me/message/template"),
            access_token=token,
            templates=dict(_setting("HOSO_ZALO_TEMPLATES", {}) or {}),
            timeout=timeout,
            rate=float(_setting("HOSO_ZALO_RATE", 10)),
        )
    if channel == "push":
        key = _setting("HOSO_VAPID_PRIVATE_KEY", "")
        if not key:
            return None
        from hoso.notifications.channels.push import PushProvider

        return PushProvider(
            vapid_private_key=key,
            subject=_setting("HOSO_VAPID_SUBJECT", "mailto:hoso@localhost"),
            timeout=timeout,
            rate=float(_setting("HOSO_PUSH_RATE", 50)),
        )
    return None


def provider_for(channel: str) -> Provider | None:
    """The channel's adapter, or None when the channel is not configured here."""
    with _lock:
        if channel not in _cache:
            _cache[channel] = _build(channel)
        return _cache[channel]


def reset() -> None:
    with _lock:
        _cache.clear()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith(("HOSO_", "EMAIL_")):
        reset()
