"""Authentication with lock-out after repeated failures (settings.HOSO_LOCKOUT_*)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from hoso.accounts.actions import register_failed_login, register_successful_password
from hoso.accounts.models import User


class AccountLocked(Exception):
    pass


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            register_failed_login(user=None, username=username)
            return None
        if user.is_locked():
            register_failed_login(user=user, username=username, locked=True)
            if request is not None:
                request.hoso_locked_until = user.locked_until
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            register_successful_password(user=user)
            return user
        user = register_failed_login(user=user, username=username)
        if request is not None and user.is_locked():
            request.hoso_locked_until = user.locked_until
        return None
