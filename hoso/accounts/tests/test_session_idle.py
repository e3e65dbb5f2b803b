"""The idle time-out without a session write on every page: GIVEN a logged-in session WHEN
requests follow within a minute THEN the session is not saved; a minute later it is, its expiry
pushed back; idle longer than the time-out, it has expired and the next page asks to log in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, url):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    return response, [w for w in writes if not w.lstrip().upper().startswith("SELECT")]


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_expiry_is_pushed_back_at_most_once_a_minute(client, world, _fixed_clock):
    client.force_login(world.users["principal"])
    home = reverse("home:index")
    response, writes = _get(client, home)
    assert response.status_code == 200 and writes  # first page: the expiry set
    first = _expiry(client)
    _fixed_clock.shift(timedelta(seconds=30))
    response, writes = _get(client, home)
    assert response.status_code == 200 and writes == []  # within the minute: no write
    assert _expiry(client) == first
    _fixed_clock.shift(timedelta(seconds=31))
    response, writes = _get(client, home)
    assert response.status_code == 200 and writes
    assert _expiry(client) >= first + timedelta(seconds=60)


def test_a_session_idle_longer_than_the_time_out_has_expired(client, world, _fixed_clock):
    client.force_login(world.users["principal"])
    home = reverse("home:index")
    assert client.get(home).status_code == 200
    _fixed_clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 120))
    assert client.get(home).status_code == 200  # still active: pushed back again
    _fixed_clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
