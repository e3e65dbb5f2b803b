"""Zalo Official Account: template messages (ZNS) by HTTP.

Zalo sends only templates the OA registered and Zalo approved; HoSo fills their parameters.
``HOSO_ZALO_TEMPLATES`` maps a notification kind to a template id (``{"default": "123456",
"digest": "123457"}``); every template is registered with the parameters ``school_name``,
``message`` (≤ 400 characters, HoSo cuts at a word and adds "…"), ``link`` and ``sent_date``.

    POST {HOSO_ZALO_URL}  access_token: {HOSO_ZALO_ACCESS_TOKEN}
    {"phone": "84912345678", "template_id": "123456",
     "template_data": {"school_name": …, "message": …, "link": …, "sent_date": "08/12/2026"},
     "tracking_id": "hoso-123"}
    → 200 {"error": 0, "message": "Success", "data": {"msg_id": "…"}}

An answer with ``error`` ≠ 0 is refused for good (invalid phone, template, quota), except the
codes in ``RETRYABLE`` (rate limits, Zalo busy).
"""

from __future__ import annotations

from hoso.core import clock
from hoso.notifications.channels.base import Message, Provider, ProviderError, Sent
from hoso.notifications.channels.http import post_json
from hoso.notifications.channels.sms import phone_international

MESSAGE_LIMIT = 400
# Zalo's error codes worth a later try (rate limit, system busy); the rest are final.
RETRYABLE = {-32, -33, -1}


def cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip(",.;:-") + "…"


class ZaloProvider(Provider):
    name = "zalo-zns"
    channel = "zalo"

    def __init__(self, *, url: str, access_token: str, templates: dict, timeout: float, **kw):
        super().__init__(**kw)
        self.url, self.access_token, self.templates, self.timeout = (
            url,
            access_token,
            templates,
            timeout,
        )

    def template_for(self, kind: str) -> str:
        template = self.templates.get(kind) or self.templates.get("default")
        if not template:
            raise ProviderError(
                f"Chưa có mẫu tin Zalo cho loại thông báo “{kind}” (HOSO_ZALO_TEMPLATES).",
                retryable=False,
                code="zalo_no_template",
            )
        return str(template)

    def payload(self, message: Message, phone: str) -> dict:
        text = message.text
        if message.items:
            text = f"{len(message.items)} thông báo mới trong tuần. " + text
        return {
            "phone": phone,
            "template_id": self.template_for(message.kind),
            "template_data": {
                "school_name": message.school_name[:100],
                "message": cut_at_word(text, MESSAGE_LIMIT),
                "link": message.url,
                "sent_date": clock.today().strftime("%d/%m/%Y"),
            },
            "tracking_id": f"hoso-{message.delivery_id}",
        }

    def send(self, message: Message, address) -> Sent:
        phone = phone_international(address)
        if not phone:
            raise ProviderError(
                f"Số điện thoại không hợp lệ: {address}", retryable=False, code="bad_phone"
            )
        answer = post_json(
            self.url,
            self.payload(message, phone),
            headers={"access_token": self.access_token},
            timeout=self.timeout,
        )
        error = int(answer.get("error", 0) or 0)
        if error != 0:
            raise ProviderError(
                f"Zalo từ chối (mã {error}): {answer.get('message', '')}".strip(),
                retryable=error in RETRYABLE,
                code=f"zalo_{error}",
            )
        msg_id = (answer.get("data") or {}).get("msg_id", "")
        return Sent(provider_message_id=str(msg_id)[:200], address=phone)
