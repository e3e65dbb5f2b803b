"""Who is calling the API: a bearer token or the browser session, then the Actor for them.

Token: ``Authorization: Bearer hoso_...``; only the SHA-256 of a token is stored (ApiToken.digest).
A token that is presented but unknown, revoked or expired answers 401 at once; it never falls
back to the session. Session: Django's session cookie, with the CSRF check on unsafe methods.
Either way an account that must change its password gets 403.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from hoso.accounts.actions import token_digest
from hoso.accounts.actor import Actor, build_actor, memberships
from hoso.accounts.middleware import SESSION_SCHOOL, actor_for_request, default_year
from hoso.accounts.models import ApiToken
from hoso.accounts.policies import not_found
from hoso.api.errors import ApiError, PasswordChangeRequired
from hoso.core import clock
from hoso.core.errors import DomainError

TOKEN_PREFIX = "hoso_"
LAST_USED_GRANULARITY = timedelta(minutes=1)
SCHOOL_HEADER = "X-HoSo-School"
YEAR_HEADER = "X-HoSo-Year"


def _check_account(user) -> None:
    if getattr(user, "must_change_password", False):
        raise PasswordChangeRequired()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hoso_...`` — a personal token made with POST /api/v1/tokens."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX):
            raise AuthenticationError()
        now = clock.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if row is None or not row.user.is_active:
            raise AuthenticationError()
        _check_account(row.user)
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRANULARITY:
            # Bookkeeping, not a change people see: at most one write a minute per token.
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user


class SessionAuth(NinjaSessionAuth):
    """The browser session (Swagger UI, htmx pages). CSRF is checked on unsafe methods."""

    def _get_key(self, request: HttpRequest):
        # No session cookie: nothing to forge, answer 401 rather than a CSRF failure.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated:
            return None
        _check_account(user)
        return user


def _header_int(request: HttpRequest, name: str) -> int | None:
    raw = request.headers.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise DomainError(ApiError.BAD_SCOPE, "Mã trường hoặc mã năm học không hợp lệ.")
    return int(raw)


def _actor_in(request: HttpRequest, school_id: int | None, year_id: int | None) -> Actor:
    """The actor in a chosen school (default: the session's, else the first membership) and
    year (default: the school's current year)."""
    from hoso.organisation.models import SchoolYear

    user = request.user
    schools = memberships(user)
    if school_id is None:
        wanted = request.session.get(SESSION_SCHOOL)
        school = next((s for s in schools if s.pk == wanted), schools[0] if schools else None)
    else:
        school = next((s for s in schools if s.pk == school_id), None)
        if school is None:
            raise not_found(Actor(user=user), f"trường #{school_id}")
    if school is None:
        return Actor(user=user)
    if year_id is None:
        year = default_year(school)
    else:
        year = SchoolYear.objects.filter(school=school, pk=year_id).first()
        if year is None:
            raise not_found(build_actor(user, school, None), f"năm học #{year_id}")
    actor = build_actor(user, school, year)
    actor.schools = schools
    return actor


def api_actor(
    request: HttpRequest, *, school_id: int | None = None, year_id: int | None = None
) -> Actor:
    """The Actor of this API request, built once.

    School and year: the arguments (query parameters of /me), else the headers
    ``X-HoSo-School`` / ``X-HoSo-Year``, else the session's choice, else the person's default.
    """
    school_id = school_id if school_id is not None else _header_int(request, SCHOOL_HEADER)
    year_id = year_id if year_id is not None else _header_int(request, YEAR_HEADER)
    key = (request.user.pk, school_id, year_id)
    cached = getattr(request, "_hoso_api_actor", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if school_id is None and year_id is None:
        actor = actor_for_request(request)
    else:
        actor = _actor_in(request, school_id, year_id)
    request._hoso_api_actor = (key, actor)
    request.actor = actor  # anything else reading request.actor sees the same person
    return actor
