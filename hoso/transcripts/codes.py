"""Public verification codes: 8 characters of Crockford base32, shown as ``XXXX-XXXX``.

40 random bits (about 10^12 codes) from ``secrets``; the public lookups are rate-limited per IP,
so guessing a code of some school is not practical. The alphabet leaves out I, L, O and U, and
typed input is forgiving: lower case, spaces and dashes are ignored, O reads as 0, I and L as 1.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SHAPE = re.compile(rf"^[{ALPHABET}]{{8}}$")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", (typed or "").upper()).translate(_TYPO)
    if not _SHAPE.match(cleaned):
        return None
    return f"{cleaned[:4]}-{cleaned[4:]}"
