"""E-mail through Django's mail backend (SMTP when ``HOSO_EMAIL_HOST`` is set). One connection
per worker thread, reopened after an error. SMTP refusing the recipient is final; a connection
or server error is retried by the outbox."""

from __future__ import annotations

import smtplib
import threading

from django.core.mail import EmailMessage, get_connection

from hoso.notifications.channels.base import Message, Provider, ProviderError, Sent


def body(message: Message) -> str:
    lines = [message.text, ""]
    if message.items:
        lines += [f"- {item}" for item in message.items] + [""]
    if message.url:
        lines.append(f"Xem chi tiết: {message.url}")
    lines += ["", f"— HoSo, {message.school_name}"]
    return "\n".join(lines)


class EmailProvider(Provider):
    name = "smtp"
    channel = "email"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.local = threading.local()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = get_connection(fail_silently=False)
            conn.open()  # kept open across messages (send_messages closes only what it opened)
            self.local.conn = conn
        return conn

    def send(self, message: Message, address) -> Sent:
        try:
            email = EmailMessage(
                subject=f"[HoSo] {message.subject}",
                body=body(message),
                to=[address],
                connection=self.connection(),
            )
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise ProviderError(
                f"Máy chủ thư từ chối địa chỉ {address}.", retryable=False, code="email_refused"
            ) from exc
        except (smtplib.SMTPException, TimeoutError, OSError) as exc:
            self.local.conn = None  # reopen next time
            raise ProviderError(
                f"Không gửi được thư: {exc}", retryable=True, code="email_unavailable"
            ) from exc
        return Sent(provider_message_id=email.extra_headers.get("Message-ID", ""), address=address)
