"""SMS through an HTTP provider (tin nhắn thương hiệu / brandname).

The text is folded to GSM-7 without diacritics (``đ`` → ``d``, marks stripped: "Thông báo" →
"Thong bao") so one message is 160 characters, not 70 in UCS-2. A text longer than 160 is cut at
a word and ends with the link to read the rest in HoSo; without a link it is refused
(``sms_too_long``), never cut in the middle of a word or silently.

The provider's API (one POST per message, JSON) — adapt ``payload``/``parse`` for another:

    POST {HOSO_SMS_URL}  Authorization: Bearer {HOSO_SMS_API_KEY}
    {"to": "84912345678", "text": "...", "sender": "{HOSO_SMS_SENDER}", "ref": "hoso-123"}
    → 200 {"id": "provider-message-id"}
"""

from __future__ import annotations

import re
import unicodedata

from hoso.notifications.channels.base import Message, Provider, ProviderError, Sent
from hoso.notifications.channels.http import post_json

LIMIT = 160
# The GSM 03.38 basic character set (one septet each) and its extension (two: ESC + char).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
# Common typography folded to plain GSM characters.
REPLACE = {
    "đ": "d",
    "Đ": "D",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "•": "-",
    "\u00a0": " ",
    "\t": " ",
}


def fold(text: str) -> str:
    """Vietnamese text as GSM-7 without diacritics: "Đặng Thị Ánh – họp" → "Dang Thi Anh - hop".
    A character GSM-7 cannot carry after folding becomes "?"; runs of spaces become one."""
    text = "".join(REPLACE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    stripped = unicodedata.normalize("NFC", stripped)
    out = "".join(ch if ch in GSM_BASIC or ch in GSM_EXTENDED else "?" for ch in stripped)
    return re.sub(r"[ ]{2,}", " ", out).strip()


def septets(text: str) -> int:
    """The length of a GSM-7 text in septets (extension characters count two)."""
    return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)


class TooLong(ProviderError):
    def __init__(self, length: int):
        super().__init__(
            f"Tin SMS dài {length} ký tự (tối đa {LIMIT}) và không có đường dẫn để xem tiếp: "
            "hãy rút gọn nội dung.",
            retryable=False,
            code="sms_too_long",
        )


def sms_text(text: str, url: str = "", *, limit: int = LIMIT) -> str:
    """The SMS for ``text``: folded; when over ``limit``, cut after a whole word and followed by
    "... " and ``url`` (refused with :class:`TooLong` when there is no link or no room)."""
    body = fold(text)
    link = fold(url) if url else ""
    whole = f"{body} {link}".strip() if link and septets(body) + 1 + septets(link) <= limit else ""
    if septets(body) <= limit and not link:
        return body
    if whole:
        return whole
    if not link:
        raise TooLong(septets(body))
    tail = f"... {link}"
    room = limit - septets(tail)
    if room < 20:  # the link leaves no room for a useful beginning
        raise TooLong(septets(body))
    words = body.split(" ")
    kept: list[str] = []
    used = 0
    for word in words:
        extra = septets(word) + (1 if kept else 0)
        if used + extra > room:
            break
        kept.append(word)
        used += extra
    if not kept:  # a single word longer than the room: refuse rather than cut it
        raise TooLong(septets(body))
    return " ".join(kept).rstrip(",.;:-") + tail


def phone_international(phone: str) -> str:
    """A Vietnamese mobile number in the 84… form providers expect ("0912 345 678" →
    "84912345678"); "" when it is not one."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) in (11, 12):
        return digits
    if digits.startswith("0") and len(digits) in (10, 11):
        return "84" + digits[1:]
    return ""


class SmsProvider(Provider):
    name = "sms-http"
    channel = "sms"

    def __init__(self, *, url: str, api_key: str = "", sender: str = "", timeout: float, **kw):
        super().__init__(**kw)
        self.url, self.api_key, self.sender, self.timeout = url, api_key, sender, timeout

    def payload(self, message: Message, phone: str) -> dict:
        text = message.text
        if message.items:
            text = f"{message.school_name}: {len(message.items)} thong bao moi trong tuan."
        return {
            "to": phone,
            "text": sms_text(text, message.url),
            "sender": self.sender,
            "ref": f"hoso-{message.delivery_id}",
        }

    def send(self, message: Message, address) -> Sent:
        phone = phone_international(address)
        if not phone:
            raise ProviderError(
                f"Số điện thoại không hợp lệ: {address}", retryable=False, code="bad_phone"
            )
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        answer = post_json(
            self.url, self.payload(message, phone), headers=headers, timeout=self.timeout
        )
        return Sent(provider_message_id=str(answer.get("id", ""))[:200], address=phone)
