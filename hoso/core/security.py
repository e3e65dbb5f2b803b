"""Security headers on every answer: a strict Content-Security-Policy and a Permissions-Policy.

Pages load scripts and styles from our own /static/ only: no inline <script>, no on*= handler,
no <style> element, no ``style=`` attribute, no eval (htmx runs with allowEval and
includeIndicatorStyles off, base.html). There is no relaxation: presentation lives in classes of
the static style sheets (hoso/static/hoso/app.css, a page's own CSS), a computed value in markup
that says it (``<progress value=…>``); a script of ours may still set ``el.style`` through the
CSSOM. core/tests/test_templates_inline.py keeps templates free of inline styles and handlers.

A view that sets its own policy keeps it (records' uploaded files are sandboxed). A PDF gets only
``frame-ancestors``: browsers' PDF viewers are not pages of ours, and some refuse to draw under a
document policy. A response that may be framed by our own pages (X-Frame-Options SAMEORIGIN: the
inline previews) gets ``frame-ancestors 'self'``, every other ``'none'``.

Referrer-Policy and X-Content-Type-Options come from Django's SecurityMiddleware
(SECURE_REFERRER_POLICY "same-origin", SECURE_CONTENT_TYPE_NOSNIFF), HSTS too in production mode.
"""

from __future__ import annotations

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def content_security_policy(*, framed_by_self: bool, pdf: bool = False) -> str:
    ancestors = "frame-ancestors 'self'" if framed_by_self else "frame-ancestors 'none'"
    if pdf:
        return ancestors
    return "; ".join((*POLICY, ancestors))


class SecurityHeadersMiddleware:
    """Placed above XFrameOptionsMiddleware, so it sees the X-Frame-Options it decided."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            framed = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
            pdf = response.get("Content-Type", "").startswith("application/pdf")
            response["Content-Security-Policy"] = content_security_policy(
                framed_by_self=framed, pdf=pdf
            )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
