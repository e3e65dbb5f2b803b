"""Authentication with a progressive delay after failures (hoso.accounts.throttle).

Unknown and known user names get the same answer after the same work: the password hasher runs
on a dummy for an unknown name, and the throttle keys are what was typed. The reason a try was
refused is left on the request (``hoso_login_wait``; ``hoso_login_disabled`` for the right
password of a disabled account) for the login page."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from hoso.accounts import throttle
from hoso.accounts.actions import login_failed, login_throttled
from hoso.accounts.models import User
from hoso.core.context import client_ip


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
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
