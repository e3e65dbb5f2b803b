"""Logins, logouts and failed logins are audit events."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    from hoso.accounts.actions import record_login

    record_login(user=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    from hoso.accounts.actions import record_logout

    record_logout(user=user)
