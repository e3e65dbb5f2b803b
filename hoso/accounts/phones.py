"""Vietnamese mobile numbers as typed by people: ``+84 912 345 678``, ``84912345678``,
``0912.345.678`` are one number, kept as ``0912345678`` (a parent signs in with it)."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def normalise_phone(raw: str) -> str:
    """The national form of a Vietnamese mobile number, or '' when ``raw`` is not one."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    return digits if _MOBILE.match(digits) else ""
