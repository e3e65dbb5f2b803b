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
