"""Our one clock: every "now" and "today" of HoSo is asked here.

Time is an input. Code never reads the wall clock directly (``datetime.now()``, ``date.today()``,
``timezone.now()``): it calls :func:`now` or :func:`today`. The test suite runs on a fixed clock
(``hoso/conftest.py``; ``HOSO_TEST_NOW`` moves it) and tests that need another moment travel there
themselves; the demo is built from one reference date (``seed_demo --today``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

#: Vietnam has one time zone and no daylight saving time.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Vietnam."""
    return timezone.localdate(timezone.now(), VN_TZ)


def local_now() -> datetime:
    """The current moment in Vietnam's time zone (for what people read: minutes, stamps)."""
    return timezone.now().astimezone(VN_TZ)


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` in Vietnam, timezone-aware."""
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)


def now_on(day: date) -> datetime:
    """ "Now" as of a reference day: the current moment when ``day`` is today, else 17:00 on
    ``day`` in Vietnam (what is built as of another day, like ``seed_demo --today``)."""
    return now() if day == today() else at(day, 17)
