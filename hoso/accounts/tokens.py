"""The e-mailed "Quên mật khẩu" link: Django's token, on our clock (PASSWORD_RESET_TIMEOUT).

The token hashes the account's password hash and last sign-in, so it stops working once used
(the password changes), after any other password change, and after a sign-in."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from hoso.core import clock


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "hoso.accounts.tokens.ResetTokenGenerator"

    def _now(self) -> datetime:
        return clock.now().replace(tzinfo=None)  # UTC, naive as Django's generator counts


reset_tokens = ResetTokenGenerator()
