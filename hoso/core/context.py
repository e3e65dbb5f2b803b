"""Who is acting and from where, for the audit trail, set once per request by the middleware."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    channel: str = "web"  # web | api | command | task


_COMMAND = RequestContext(channel="command")
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "hoso_request_context", default=None
)


def current() -> RequestContext:
    return _current.get() or _COMMAND


def set_current(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or — behind ``HOSO_TRUSTED_PROXIES`` reverse proxies
    (default 0) — the address the outermost trusted proxy saw, counted from the right of
    X-Forwarded-For (entries further left are whatever the client wrote, so never trusted)."""
    from django.conf import settings

    proxies = int(getattr(settings, "HOSO_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if hops:
            return hops[-proxies] if len(hops) >= proxies else hops[0]
    return request.META.get("REMOTE_ADDR")
