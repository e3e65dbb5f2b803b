"""Authentication with a progressive delay after failures (hoso.accounts.throttle).

Unknown and known user names get the same answer after the same work: the password hasher runs
on a dummy for an unknown name, and the throttle keys are what was typed. The reason a try was
refused is left on the request (``hoso_login_wait``; ``hoso_login_disabled`` for the right
password of a disabled account) for the login page.

A parent may type their mobile number instead of the user name (``+84 912 345 678``,
``84912345678``, ``0912.345.678``): ``login_user`` finds the one active parent account with it."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from hoso.accounts import throttle
from hoso.accounts.actions import login_failed, login_throttled
from hoso.accounts.models import User
from hoso.accounts.phones import normalise_phone
from hoso.core.context import client_ip


def parent_accounts_with_phone(phone: str, *, active_only: bool = True) -> list[User]:
    """The parent accounts whose phone is ``phone`` once both are normalised (one query)."""
    phone = normalise_phone(phone)
    if not phone:
        return []
    qs = User.objects.filter(phone__endswith=phone[-9:], guardian_profiles__isnull=False)
    if active_only:
        qs = qs.filter(is_active=True)
    return [u for u in qs.distinct() if normalise_phone(u.phone) == phone]


def login_user(identifier: str) -> User | None:
    """The account named by what was typed: its user name, else (a mobile number) the one
    active parent account with that number — none when two share it (they are refused when
    the second is opened, so this is only old data)."""
    identifier = (identifier or "").strip()
    user = User.objects.filter(username__iexact=identifier).first()
    if user is not None:
        return user
    found = parent_accounts_with_phone(identifier)
    return found[0] if len(found) == 1 else None


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = login_user(username)
        if request is None:  # a server-side check (tests, commands): no address, no throttle
            ok = user is not None and user.check_password(password)
            return user if ok and self.user_can_authenticate(user) else None
        keys = throttle.keys_for(
            username=username,
            address=client_ip(request),
            device=throttle.device_for(request, username),
        )
        wait = throttle.wait_seconds(keys)
        if wait:
            login_throttled(user=user, username=username, wait=wait)
            request.hoso_login_wait = wait
            return None
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            ok = False
        else:
            ok = user.check_password(password)
            if ok and not self.user_can_authenticate(user):
                # The right password of a disabled account: say so (whoever knows the password
                # is its owner), instead of a "wrong password" that sends them trying again.
                login_failed(user=user, username=username, counts={}, wait=0, step="disabled")
                request.hoso_login_disabled = True
                return None
        if ok:
            return user
        counts, wait = throttle.register_failure(keys)
        login_failed(user=user, username=username, counts=counts, wait=wait)
        request.hoso_login_wait = wait
        return None
