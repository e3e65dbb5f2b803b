"""The error boundary of the HTML pages: where a domain error raised by a view becomes a response.

The JSON API has its own (``api/api.py``, django-ninja exception handlers); this is the same idea
for the pages, so a view stays thin (parse → ``access_*`` → action/selector → render) and does not
catch what it cannot repair:

- a refusal (``PermissionDeniedError``, and Django's ``PermissionDenied``) answers **403**; one
  nobody has logged yet (``require`` and most ``access_*`` log their own) is written to the audit
  trail as ``access.forbidden``, naming the page, its arguments and the error's code;
- ``Http404`` / ``NotFoundError`` answer **404** (``NotFoundError`` is logged like ``not_found``);
- any other ``DomainError`` answers with its Vietnamese message: to htmx a small fragment swapped
  into ``#hx-errors`` (``HX-Retarget``), to a page view declared with ``@errors_return_to`` a flash
  message and a redirect back (the same as before), to any other a page with the message (400).

Views that re-render a form with the person's input and the error keep their ``except`` (a form
that keeps what was typed is worth its lines); the ``403.html``, ``404.html``, ``500.html``
templates in ``hoso/templates`` are the Vietnamese pages Django shows for the rest.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from hoso.accounts.policies import log_denied, refusal_logged, refusals_unwatch, refusals_watch
from hoso.core.errors import DomainError, NotFoundError, PermissionDeniedError

FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
NOT_FOUND = "Không tìm thấy."

# Where htmx shows an error the page did not plan for (an element of base.html).
ERROR_AREA = "#hx-errors"


def errors_return_to(url_name: str, *kwarg_names: str, refusals: bool = False):
    """Declare where a domain error of this view sends the person: the message as a flash
    message and a redirect to ``url_name`` reversed with the named arguments of the view (never
    a GET to itself: that would loop; it gets the error page). ``refusals=True``: a ``PermissionDeniedError``
    of the action too (still audited) — for pages where a refusal explains itself ("only the
    principal may…") better than a 403 page; ``require``'s plain 403 stays a 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            url = reverse(url_name, kwargs={name: kwargs[name] for name in kwarg_names})
            return_on_error(request, url, refusals=refusals)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def return_on_error(request, url: str, *, refusals: bool = False) -> None:
    """The same as ``@errors_return_to``, for a view whose way back depends on what it loaded
    or was sent."""
    request.error_return_to = (url, refusals)


def describe(request, exc: DomainError | None = None) -> str:
    """What was refused, for the audit trail: ``records.decide 12 NOT_APPROVER``."""
    match = request.resolver_match
    if match is None:
        where = request.path
    else:
        where = ".".join([*match.namespaces, match.url_name or match.view_name])
        where = " ".join([where, *(str(v) for v in match.kwargs.values())])
    code = getattr(exc, "code", "")
    return f"{where} {code}".strip()


class DomainErrorMiddleware:
    """Turns what a page view raises into the response (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = refusals_watch()
        try:
            return self.get_response(request)
        finally:
            refusals_unwatch(token)

    def process_exception(self, request, exc):
        if request.path.startswith("/api/"):
            return None  # the API answers in JSON (api/api.py)
        htmx = request.headers.get("HX-Request") == "true"
        back, refusals_too = getattr(request, "error_return_to", None) or (None, False)
        if back and request.method == "GET" and urlsplit(back).path == request.path:
            back = None  # an error of the page it would return to: no loop
        if isinstance(exc, PermissionDeniedError) and back and refusals_too and not htmx:
            if not refusal_logged():
                log_denied(_actor(request), kind="forbidden", what=describe(request, exc))
            messages.error(request, exc.message)
            return redirect(back)
        if isinstance(exc, PermissionDenied):
            if isinstance(exc, PermissionDeniedError) and not refusal_logged():
                log_denied(_actor(request), kind="forbidden", what=describe(request, exc))
            if htmx:
                return _fragment(request, str(exc) or FORBIDDEN, status=403)
            return None  # Django's 403 page: templates/403.html
        if isinstance(exc, NotFoundError):
            if not refusal_logged():
                log_denied(_actor(request), kind="not_found", what=describe(request, exc))
            if htmx:
                return _fragment(request, NOT_FOUND, status=404)
            raise Http404(NOT_FOUND) from exc
        if isinstance(exc, Http404):
            return _fragment(request, NOT_FOUND, status=404) if htmx else None
        if not isinstance(exc, DomainError):
            return None
        if htmx:
            return _fragment(request, exc.message, status=400)
        if back:
            messages.error(request, exc.message)
            return redirect(back)
        return render(
            request,
            "error.html",
            {"message": exc.message, "back": _referer(request)},
            status=400,
        )


def _actor(request):
    from hoso.accounts.actor import Actor

    return getattr(request, "actor", None) or Actor(user=request.user)


def _fragment(request, message: str, *, status: int) -> HttpResponse:
    """The message, swapped into the page's error area (htmx swaps an error answer that the
    server retargets: ``hoso/static/hoso/nav.js``)."""
    body = render_to_string("_error.html", {"message": message}, request=None)
    response = HttpResponse(body, status=status)
    response["HX-Retarget"] = ERROR_AREA
    response["HX-Reswap"] = "innerHTML"
    return response


def _referer(request) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
