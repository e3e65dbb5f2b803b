"""Suite-wide fixtures: the fixed clock, the small school, immediate background tasks.

The suite never reads the wall clock. Every test starts at the same moment, ``TEST_NOW``
(09:00 in Vietnam on ``HOSO_TEST_TODAY``, default 2026-11-20, a Friday of term I), and the clock
ticks from there; a test that needs another moment travels there itself (``time_machine``
fixture, or ``hoso.testing.clock.travel``). CI also runs the tests marked ``calendar`` at four
other days of the school year (``make test-calendar``).
"""

from __future__ import annotations

import os
from datetime import date, datetime, time

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from hoso.core.clock import VN_TZ

# Property tests judge the code, not the machine: no per-example deadline (the suite runs on two
# shared cores; a loaded run made a sort-key example exceed hypothesis's 200 ms default).
hypothesis_settings.register_profile("hoso", deadline=None)
hypothesis_settings.load_profile("hoso")

DEFAULT_TEST_TODAY = date(2026, 11, 20)


def _test_now() -> datetime:
    raw = os.environ.get("HOSO_TEST_TODAY", "").strip()
    day = date.fromisoformat(raw) if raw else DEFAULT_TEST_TODAY
    return datetime.combine(day, time(9, 0), tzinfo=VN_TZ)


TEST_NOW = _test_now()
_session_clock = time_machine.travel(TEST_NOW, tick=True)


def pytest_configure(config):
    # Collection and session fixtures already see the fixed clock.
    _session_clock.start()


def pytest_unconfigure(config):
    _session_clock.stop()


def pytest_report_header(config):
    return f"HoSo test clock: {TEST_NOW.isoformat()} (HOSO_TEST_TODAY)"


def _marked_moment(marker) -> datetime:
    raw = marker.args[0]
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=VN_TZ)
    if isinstance(raw, date):
        return datetime.combine(raw, time(9, 0), tzinfo=VN_TZ)
    moment = datetime.fromisoformat(raw)
    if len(raw) <= 10:
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    """Each test starts at TEST_NOW exactly, whatever ran before it, or at the moment its
    ``@pytest.mark.clock("2026-11-20")`` marker names (a test whose data needs that day)."""
    marker = request.node.get_closest_marker("clock")
    moment = _marked_moment(marker) if marker else TEST_NOW
    with time_machine.travel(moment, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(db):
    from hoso.testing.factories import small_school

    return small_school()


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path):
    """Each test writes and reads the audit anchors files of its own folder (chain ids repeat
    between tests, the files would not)."""
    settings.HOSO_AUDIT_ANCHOR_DIR = str(tmp_path / "audit-anchors")


@pytest.fixture(autouse=True)
def _fast_tasks(settings):
    """Background tasks run immediately in tests unless a test says otherwise."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
