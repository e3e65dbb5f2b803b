"""GIVEN any answer WHEN it leaves the server THEN it carries the strict Content-Security-Policy
(core/security.py) and a Permissions-Policy; a preview framed by our own pages may be framed by
them only, a PDF gets only frame-ancestors, and a view's own policy is kept."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from hoso.core.security import SecurityHeadersMiddleware

STRICT = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


def _directives(header: str) -> list[str]:
    return [d.strip() for d in header.split(";")]


@pytest.mark.django_db
def test_every_page_has_the_strict_policy_and_the_other_headers(client, world):
    for path in ("/tai-khoan/dang-nhap/", "/xac-minh/", "/khong-co-trang-nay/"):
        response = client.get(path)
        directives = _directives(response["Content-Security-Policy"])
        assert set(STRICT) <= set(directives), path
        assert not any("unsafe-eval" in d for d in directives)
        assert not any("unsafe-inline" in d for d in directives)
        assert not any(d.startswith("style-src-attr") for d in directives)
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "<script>" not in page and ' onclick="' not in page


@pytest.mark.django_db
def test_htmx_runs_without_eval_or_injected_styles(client, world):
    client.force_login(world.users["principal"])
    page = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page
    assert "hoso/behaviours.js" in page


def _through(response: HttpResponse) -> HttpResponse:
    return SecurityHeadersMiddleware(lambda request: response)(RequestFactory().get("/x"))


def test_a_preview_framed_by_our_pages_and_a_pdf():
    framed = HttpResponse("<p>x</p>")
    framed["X-Frame-Options"] = "SAMEORIGIN"
    assert "frame-ancestors 'self'" in _through(framed)["Content-Security-Policy"]
    pdf = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    pdf["X-Frame-Options"] = "SAMEORIGIN"
    assert _through(pdf)["Content-Security-Policy"] == "frame-ancestors 'self'"
    own = HttpResponse("x")
    own["Content-Security-Policy"] = "sandbox; default-src 'none'"
    assert _through(own)["Content-Security-Policy"] == "sandbox; default-src 'none'"
