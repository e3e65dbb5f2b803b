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
    """The client's address. X-Forwarded-For is trusted only when HOSO_TRUST_PROXY is set."""
    from django.conf import settings

    if getattr(settings, "HOSO_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
