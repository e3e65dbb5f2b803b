"""Small helpers of the HTML doors that every package shares."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse


def back_url(request, fallback: str, **kwargs) -> str:
    """Where a POST goes back to: its ``next`` field when it is a path of this site, else the URL
    named ``fallback`` (reversed with ``kwargs``)."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse(fallback, kwargs=kwargs or None)


def redirect_back(request, fallback: str, **kwargs):
    return redirect(back_url(request, fallback, **kwargs))
