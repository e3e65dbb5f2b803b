"""Failed sign-ins slow the next try down; nobody can lock another person out (docs/STAFF.md).

Every failure (a wrong password, an unknown user name, a wrong second-step code) is counted under
keys built from what was typed, never from whether the account exists:

- ``device``: a browser where this account signed in before (a signed cookie, ``hoso_device``).
  A try from such a browser counts only there: a stranger elsewhere cannot slow it down.
- otherwise three keys at once: ``pair`` (user name + address; an IPv6 address by its /64),
  ``account`` (the user name from anywhere: soft — more free tries, a short delay — against
  guessing spread over many addresses) and ``address`` (any user name from one address:
  against trying many accounts).

After ``free`` failures under a key, the next try under it waits 2 s, then 4 s, 8 s… up to the
key's cap. A try that must wait is refused before the password is looked at and counts nothing.
Counters forget after a day without failures; a full sign-in clears its own keys.
"""

from __future__ import annotations

import ipaddress
import operator
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q

from hoso.accounts.models import LoginThrottle, User
from hoso.core import clock

Scope = LoginThrottle.Scope

DEVICE_COOKIE = "hoso_device"
DEVICE_SALT = "hoso.accounts.device"
DEVICE_DAYS = 180
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    free: int
    cap_seconds: int


def rules() -> dict[str, Rule]:
    free = max(int(settings.HOSO_LOCKOUT_FAILURES), 1)
    cap = max(int(settings.HOSO_LOCKOUT_MINUTES), 1) * 60
    return {
        Scope.DEVICE: Rule(free, cap),
        Scope.PAIR: Rule(free, cap),
        Scope.ACCOUNT: Rule(4 * free, 60),
        Scope.ADDRESS: Rule(10 * free, cap),
    }


def delay_after(failures: int, rule: Rule) -> int:
    """Seconds the next try waits after ``failures`` failures (0 while tries are free)."""
    if failures < rule.free:
        return 0
    return min(rule.cap_seconds, 2 ** min(failures - rule.free + 1, 30))


def _name(username: str) -> str:
    return (username or "").strip().lower()[:80]


# --- the browser where an account signed in ------------------------------------------------


def device_cookie_value(user: User) -> str:
    return signing.dumps({"u": user.pk, "d": secrets.token_urlsafe(12)}, salt=DEVICE_SALT)


def device_for(request, username: str) -> str | None:
    """The id of this browser if it carries a valid cookie of the account named ``username``."""
    raw = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None
    owner = User.objects.filter(pk=data.get("u")).values_list("username", flat=True).first()
    if owner is None or owner.lower() != _name(username):
        return None
    return data["d"][:40]


def remember_device(response, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device_cookie_value(user),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


# --- keys, waits, failures -----------------------------------------------------------------


def network_of(address: str | None) -> str:
    """The key of a client address: an IPv4 address as is, an IPv6 address by its /64 (one
    subscriber's network, which can change its last 64 bits at will)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "?")[:100]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def keys_for(*, username: str, address: str | None, device: str | None) -> list[tuple[str, str]]:
    name = _name(username)
    if device:
        return [(Scope.DEVICE, f"{device}|{name}")]
    address = network_of(address)
    return [(Scope.PAIR, f"{name}|{address}"), (Scope.ACCOUNT, name), (Scope.ADDRESS, address)]


def wait_seconds(keys: list[tuple[str, str]]) -> int:
    """How long the next try under ``keys`` must still wait (0: it may go ahead)."""
    now = clock.now()
    latest = (
        LoginThrottle.objects.filter(_any_of(keys), blocked_until__gt=now)
        .order_by("-blocked_until")
        .values_list("blocked_until", flat=True)
        .first()
    )
    return 0 if latest is None else int((latest - now).total_seconds() + 0.999)


def _any_of(keys: list[tuple[str, str]]) -> Q:
    """The counters of ``keys``, in one query."""
    return reduce(operator.or_, (Q(scope=scope, key=key) for scope, key in keys))


def register_failure(keys: list[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """Count one failure under each key: the failures counted so far, by scope, and the wait
    now imposed on the next try (in seconds)."""
    now = clock.now()
    table = rules()
    counts, wait = {}, 0
    with transaction.atomic():
        for scope, key in keys:
            row, _ = LoginThrottle.objects.select_for_update().get_or_create(scope=scope, key=key)
            if row.last_failure_at and now - row.last_failure_at > FORGET_AFTER:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            delay = delay_after(row.failures, table[scope])
            row.blocked_until = now + timedelta(seconds=delay) if delay else None
            row.save()
            counts[scope] = row.failures
            wait = max(wait, delay)
    if secrets.randbelow(100) == 0:  # now and then, forget what no longer counts
        forget_stale()
    return counts, wait


def forget_stale() -> int:
    """Delete the counters of keys with no failure for a day (user names typed by guessers)."""
    deleted, _ = LoginThrottle.objects.filter(
        last_failure_at__lt=clock.now() - FORGET_AFTER - timedelta(hours=1)
    ).delete()
    return deleted


def register_success(*, username: str, address: str | None, device: str | None) -> None:
    """The person signed in: clear what counted against them (never the address's count of
    other user names)."""
    name = _name(username)
    keys = [(Scope.PAIR, f"{name}|{network_of(address)}"), (Scope.ACCOUNT, name)]
    if device:
        keys.append((Scope.DEVICE, f"{device}|{name}"))
    LoginThrottle.objects.filter(_any_of(keys)).delete()


def much_failed_usernames(usernames) -> set[str]:
    """Which of ``usernames`` had at least HOSO_LOCKOUT_FAILURES failed sign-ins under their own
    name (from any address) within the last day: someone may be guessing."""
    names = {_name(u) for u in usernames}
    rows = LoginThrottle.objects.filter(
        scope=Scope.ACCOUNT,
        key__in=names,
        failures__gte=max(int(settings.HOSO_LOCKOUT_FAILURES), 1),
        last_failure_at__gt=clock.now() - FORGET_AFTER,
    )
    return set(rows.values_list("key", flat=True))


# --- "Quên mật khẩu" requests ----------------------------------------------------------------

RESET_PER_ADDRESS_HOUR = 10
RESET_PER_ACCOUNT_HOUR = 3


def reset_request_allowed(*, scope: str, key: str, limit: int) -> bool:
    """Count one request under ``key``; False once ``limit`` were made within the hour."""
    now = clock.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(scope=scope, key=key[:200])
        if row.last_failure_at is None or now - row.last_failure_at > timedelta(hours=1):
            row.failures, row.last_failure_at = 0, now  # a new hour starts at its first request
        if row.failures >= limit:
            return False
        row.failures += 1
        row.save()
    return True


def wait_message(seconds: int) -> str:
    return f"Đăng nhập sai nhiều lần, hãy thử lại sau {seconds} giây."
