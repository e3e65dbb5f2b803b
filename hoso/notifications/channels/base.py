"""The one interface every provider adapter implements, and the token bucket that paces it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """What one delivery says, composed once by the outbox (``outbox.compose``)."""

    delivery_id: int
    kind: str
    subject: str
    text: str
    url: str  # absolute link into HoSo, or ""
    school_name: str
    urgent: bool = False
    # A weekly digest's lines (e-mail lists them; short channels say how many).
    items: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message: its id for the delivery log (may be empty)."""

    provider_message_id: str = ""
    # The address as the provider got it (phone in 84… form, e-mail, "2 thiết bị").
    address: str = ""


class ProviderError(Exception):
    """The provider did not take the message. ``retryable``: try again later (down, timeout,
    429, 5xx); otherwise it will never go (bad number, text refused, device gone) — the
    delivery fails at once with ``code`` and the Vietnamese ``message``."""

    def __init__(self, message: str, *, retryable: bool, code: str = "provider_error"):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code


class Provider:
    """One channel's adapter. ``name`` appears in the delivery log; ``rate`` (messages per
    second, per worker process) and ``burst`` feed the token bucket."""

    name = "provider"
    channel = ""

    def __init__(self, *, rate: float = 10.0, burst: int | None = None):
        self.bucket = TokenBucket(rate=rate, burst=burst or max(1, int(rate)))

    def send(self, message: Message, address) -> Sent:  # pragma: no cover - interface
        raise NotImplementedError

    def deliver(self, message: Message, address) -> Sent:
        """``send`` paced by the bucket (waits for a token, never drops)."""
        self.bucket.take()
        return self.send(message, address)


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; ``take`` waits for one. Thread
    safe; one bucket per provider and process (several worker processes: divide the provider's
    limit between them, docs/NOTIFICATIONS.md)."""

    def __init__(self, *, rate: float, burst: int, clock=time.monotonic, sleep=time.sleep):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.tokens = float(self.burst)
        self.clock = clock
        self.sleep = sleep
        self.stamp = clock()
        self.lock = threading.Lock()

    def try_take(self) -> float:
        """Take a token and return 0, or return how long to wait for the next one."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate

    def take(self) -> None:
        while (wait := self.try_take()) > 0:
            self.sleep(wait)
