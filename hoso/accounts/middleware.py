"""Per request: build the Actor (school, year, roles) and force a password change when due."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from hoso.accounts.actor import Actor, build_actor, memberships
from hoso.core import clock

SESSION_SCHOOL = "hoso_school_id"
SESSION_YEAR = "hoso_year_id"


def default_year(school):
    from hoso.organisation.models import SchoolYear

    today = clock.today()
    years = SchoolYear.objects.filter(school=school)
    return (
        years.filter(start_date__lte=today, end_date__gte=today).first()
        or years.filter(is_closed=False).order_by("-start_date").first()
        or years.order_by("-start_date").first()
    )


def actor_for_request(request) -> Actor:
    from hoso.organisation.models import SchoolYear

    user = request.user
    if not user.is_authenticated:
        return Actor(user=user)
    schools = memberships(user)
    wanted = request.session.get(SESSION_SCHOOL)
    school = next((s for s in schools if s.pk == wanted), schools[0] if schools else None)
    if school is None:
        return Actor(user=user)
    year = None
    year_id = request.session.get(SESSION_YEAR)
    if year_id:
        year = SchoolYear.objects.filter(school=school, pk=year_id).first()
    year = year or default_year(school)
    actor = build_actor(user, school, year)
    actor.schools = schools
    return actor


_EXEMPT_PREFIXES = ("/static/", "/tai-khoan/doi-mat-khau", "/tai-khoan/dang-xuat", "/favicon")


class AccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {
                        "code": "PASSWORD_CHANGE_REQUIRED",
                        "detail": "Bạn phải đổi mật khẩu trước khi dùng hệ thống.",
                    },
                    status=403,
                )
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


SESSION_SEEN = "hoso_seen"  # when the session's expiry was last pushed back (epoch seconds)


class SessionIdleMiddleware:
    """The idle time-out (``SESSION_COOKIE_AGE``) without a write on every request: the
    session is saved — its expiry pushed back to now + the time-out — when it was last pushed
    back ``HOSO_SESSION_REFRESH_SECONDS`` ago or more (default 60), instead of on every request
    (``SESSION_SAVE_EVERY_REQUEST``: 3 queries and a commit per page). A session idle longer than
    the time-out still expires: its expiry is at most that long after its last request (and up
    to the refresh interval sooner). Placed after ``SessionMiddleware``, which saves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        from django.conf import settings

        now = int(clock.now().timestamp())
        every = getattr(settings, "HOSO_SESSION_REFRESH_SECONDS", 60)
        seen = session.get(SESSION_SEEN)
        if not isinstance(seen, int) or not 0 <= now - seen < every:
            session[SESSION_SEEN] = now  # modified: SessionMiddleware saves it
        return response
