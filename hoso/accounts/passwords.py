"""Password rules, with Vietnamese messages."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth.password_validation import (
    CommonPasswordValidator as DjangoCommonPasswordValidator,
)
from django.core.exceptions import ValidationError

from hoso.core.text import fold


class LengthValidator:
    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"Mật khẩu phải có ít nhất {self.min_length} ký tự.", code="password_too_short"
            )

    def get_help_text(self):
        return f"Ít nhất {self.min_length} ký tự."


class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not (re.search(r"[^\W\d_]", password) and re.search(r"\d", password)):
            raise ValidationError(
                "Mật khẩu phải có cả chữ cái và chữ số.", code="password_letters_digits"
            )

    def get_help_text(self):
        return "Có cả chữ cái và chữ số."


class NotPersonalValidator:
    """Refuses the user name, or the person's given name plus digits only."""

    def validate(self, password, user=None):
        if user is None:
            return
        folded = fold(password)
        username = fold(getattr(user, "username", ""))
        given = fold(getattr(user, "display_name", "").split(" ")[-1])
        letters = re.sub(r"[\d\W_]", "", folded)
        if (username and username in folded) or (len(given) >= 2 and letters == given):
            raise ValidationError(
                "Mật khẩu không được chứa tên đăng nhập hoặc chỉ là tên của bạn.",
                code="password_too_personal",
            )

    def get_help_text(self):
        return "Không chứa tên đăng nhập."


class CommonPasswordValidator(DjangoCommonPasswordValidator):
    """Refuses a password found in a list of common ones: Django's list of 20,000 (from leaked
    password sets; ``password1``, ``qwerty123``…) plus the Vietnamese ones of
    ``common_passwords_vi.txt`` (``matkhau123``, ``anhyeuem``…), compared without case."""

    VIETNAMESE = Path(__file__).with_name("common_passwords_vi.txt")

    def __init__(self):
        super().__init__()
        words = self.VIETNAMESE.read_text(encoding="utf-8").split()
        self.passwords = set(self.passwords) | {w.strip().lower() for w in words if w.strip()}

    def validate(self, password, user=None):
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác.",
                code="password_too_common",
            )

    def get_help_text(self):
        return "Không phải mật khẩu phổ biến (như password1, 12345678, matkhau123)."


class ReuseValidator:
    """Refuses the account's current password and its last ``HOSO_PASSWORD_HISTORY`` ones
    (compared with their stored hashes; ``accounts.PasswordHistory`` keeps hashes only)."""

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        from hoso.accounts.models import PasswordHistory

        keep = int(getattr(settings, "HOSO_PASSWORD_HISTORY", 5))
        earlier = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        hashes = [user.password, *earlier[:keep]] if keep > 0 else [user.password]
        if any(h and check_password(password, h) for h in hashes):
            recent = f" và {keep} mật khẩu gần nhất" if keep > 0 else ""
            raise ValidationError(
                f"Mật khẩu mới phải khác mật khẩu hiện tại{recent}.", code="password_reused"
            )

    def get_help_text(self):
        return "Khác mật khẩu hiện tại và các mật khẩu gần đây."
