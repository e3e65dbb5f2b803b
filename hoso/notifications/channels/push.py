"""Web Push (RFC 8030/8291/8292) with VAPID, through pywebpush: one POST per device of the
person to the push service its browser chose (Google FCM, Mozilla, Apple). The payload is the
JSON the service worker (``static/hoso/sw.js``) shows: ``{"title", "body", "url"}``.

A device the push service no longer knows (404/410) is forgotten at once; the delivery is sent
when at least one device took it, retried when a service was down, failed when none is left.
"""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hoso.notifications.channels.base import Message, Provider, ProviderError, Sent

TTL_SECONDS = 24 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_key(raw: str) -> ec.EllipticCurvePrivateKey:
    """The VAPID key from ``HOSO_VAPID_PRIVATE_KEY``: PEM text, or the 32-byte scalar in
    base64url (what ``manage.py vapid_keys`` prints)."""
    raw = raw.strip()
    if raw.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(raw.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
    scalar = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    return ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())


def public_key_b64(raw: str) -> str:
    """The application server key the browser subscribes with (uncompressed point, base64url)."""
    point = (
        private_key(raw)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


class PushProvider(Provider):
    name = "webpush"
    channel = "push"

    def __init__(self, *, vapid_private_key: str, subject: str, timeout: float, **kw):
        super().__init__(**kw)
        from py_vapid import Vapid02

        self.vapid = Vapid02(private_key=private_key(vapid_private_key))
        self.subject = subject
        self.timeout = timeout

    def payload(self, message: Message) -> bytes:
        text = message.text
        if message.items:
            text = f"{len(message.items)} thông báo mới trong tuần. {text}"
        return json.dumps(
            {"title": message.subject, "body": text[:300], "url": message.url, "tag": message.kind},
            ensure_ascii=False,
        ).encode()

    def send(self, message: Message, address) -> Sent:
        """``address``: the person's ``PushSubscription`` rows (a list)."""
        from pywebpush import WebPushException, webpush

        from hoso.notifications.models import PushSubscription

        data = self.payload(message)
        delivered, gone, retry, refused = 0, [], [], []
        for sub in address:
            try:
                response = webpush(
                    subscription_info={
                        "endpoint": sub.endpoint,
                        "keys": {"p256dh": sub.p256dh, "auth": sub.auth},
                    },
                    data=data,
                    vapid_private_key=self.vapid,
                    vapid_claims={"sub": self.subject},
                    ttl=TTL_SECONDS,
                    timeout=self.timeout,
                    headers={"Urgency": "high" if message.urgent else "normal"},
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410, 403):  # unknown device, or subscribed with another key
                    gone.append(sub.pk)
                elif status in (400, 413):  # this message will never be taken
                    refused.append(f"HTTP {status}")
                else:
                    retry.append(f"HTTP {status}" if status else str(exc)[:100])
                continue
            except Exception as exc:  # connection refused, timeout (requests' exceptions)
                retry.append(type(exc).__name__)
                continue
            if 200 <= response.status_code < 300:
                delivered += 1
                PushSubscription.objects.filter(pk=sub.pk).update(last_success_at=_now())
            else:
                retry.append(f"HTTP {response.status_code}")
        if gone:
            PushSubscription.objects.filter(pk__in=gone).delete()
        if delivered:
            return Sent(address=f"{delivered} thiết bị")
        if retry:
            raise ProviderError(
                "Dịch vụ thông báo đẩy không nhận: " + ", ".join(retry),
                retryable=True,
                code="push_unavailable",
            )
        if refused:
            raise ProviderError(
                "Dịch vụ thông báo đẩy từ chối tin: " + ", ".join(refused),
                retryable=False,
                code="push_refused",
            )
        raise ProviderError(
            "Không còn thiết bị nào nhận thông báo đẩy (đã hủy đăng ký).",
            retryable=False,
            code="push_gone",
        )


def _now():
    from hoso.core import clock

    return clock.now()
