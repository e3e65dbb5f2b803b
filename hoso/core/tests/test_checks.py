"""GIVEN production mode WHEN the public address, the secret key or the signing store key is
missing or weak THEN the start-up checks report Errors (so `check`, `runserver`, `migrate` and
the WSGI application refuse to start); outside production mode the same findings are Warnings;
with everything set, `check --deploy` is clean."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import ERROR, WARNING
from django.core.management.base import SystemCheckError

from hoso.core.checks import check_production_settings, refuse_on_errors
from hoso.core.publicurl import public_url_problem

ROOT = Path(__file__).resolve().parents[3]
# Fixed values: pytest-xdist needs the same test ids in every worker.
STRONG = hashlib.sha256(b"secret key").hexdigest()
STORE = hashlib.sha256(b"store key").hexdigest()[:40]
AUDIT_KEYS = "k1:" + hashlib.sha256(b"audit key").hexdigest()


def _ids(settings) -> dict[str, int]:
    return {m.id: m.level for m in check_production_settings()}


@pytest.fixture
def production(settings):
    settings.HOSO_PRODUCTION = True
    settings.DEBUG = False
    settings.HOSO_PUBLIC_URL = "https://hoso.truong.edu.vn"
    settings.SECRET_KEY = STRONG
    settings.HOSO_SIGNING_STORE_KEY = STORE
    settings.HOSO_AUDIT_KEYS = AUDIT_KEYS
    return settings


def test_a_complete_production_configuration_has_no_finding(production):
    assert _ids(production) == {}
    refuse_on_errors()  # does not raise


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("HOSO_PUBLIC_URL", "", "hoso.E001"),
        ("HOSO_PUBLIC_URL", "http://hoso.truong.edu.vn", "hoso.E001"),
        ("HOSO_PUBLIC_URL", "https://localhost", "hoso.E001"),
        ("HOSO_PUBLIC_URL", "https://172.16.0.3", "hoso.E001"),
        ("SECRET_KEY", "dev-only-insecure-key-change-me-in-production", "hoso.E002"),
        ("SECRET_KEY", "ngắn-quá", "hoso.E002"),
        ("SECRET_KEY", "a" * 80, "hoso.E002"),
        ("HOSO_SIGNING_STORE_KEY", "", "hoso.E003"),
        ("HOSO_SIGNING_STORE_KEY", "short", "hoso.E003"),
        ("HOSO_SIGNING_STORE_KEY", STRONG, "hoso.E003"),  # the same as SECRET_KEY
        ("DEBUG", True, "hoso.E004"),
    ],
)
def test_production_mode_refuses_a_missing_or_weak_setting(production, setting, value, expected):
    setattr(production, setting, value)
    assert _ids(production) == {expected: ERROR}
    with pytest.raises(SystemCheckError, match=expected):
        refuse_on_errors()


def test_outside_production_mode_the_same_findings_are_warnings(settings):
    settings.HOSO_PRODUCTION = False
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = False
    settings.HOSO_LOCAL_MACHINE = False
    settings.HOSO_PUBLIC_URL = "http://localhost:8000"
    settings.SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
    settings.HOSO_SIGNING_STORE_KEY = ""
    assert _ids(settings) == {"hoso.W001": WARNING, "hoso.W002": WARNING, "hoso.W003": WARNING}
    refuse_on_errors()  # only production mode refuses to start
    # A machine allowed local addresses (DEBUG, `make run`) is not warned about its address.
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = True
    assert "hoso.W001" not in _ids(settings)


def test_a_local_machine_is_not_warned_about_development_keys(settings):
    # `make run`: DEBUG or local host names only — nobody's server, no noise at every command.
    settings.HOSO_PRODUCTION = False
    settings.HOSO_LOCAL_MACHINE = True
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = True
    settings.SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
    settings.HOSO_SIGNING_STORE_KEY = ""
    assert _ids(settings) == {}


def test_public_address_rules():
    assert public_url_problem("https://hoso.truong.edu.vn", require_https=True) is None
    assert public_url_problem("https://hoso.truong.edu.vn/hoso/", require_https=True) is None
    assert public_url_problem("http://hoso.truong.edu.vn") is None
    for bad in ("", "hoso.truong.edu.vn", "ftp://x.vn", "https://x.vn/?a=1", "https://169.254.1.1"):
        assert public_url_problem(bad) is not None, bad


def _manage(*args, **env):
    # Not the suite's own switches: HOSO_* of the test run, nor DJANGO_ALLOW_ASYNC_UNSAFE that a
    # browser test of the same worker sets (check --deploy would rightly report it).
    base = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("HOSO_") or k == "HOSO_VAR_DIR") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode_and_refuses_without_the_keys():
    production = {
        "HOSO_PRODUCTION": "1",
        "HOSO_PUBLIC_URL": "https://hoso.truong.edu.vn",
        "HOSO_SECRET_KEY": STRONG,
        "HOSO_SIGNING_STORE_KEY": STORE,
        "HOSO_AUDIT_KEYS": AUDIT_KEYS,
    }
    done = _manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    refused = _manage(
        "migrate", "--check", **(production | {"HOSO_PUBLIC_URL": "http://127.0.0.1"})
    )
    assert refused.returncode != 0
    assert "hoso.E001" in refused.stderr and "HOSO_PUBLIC_URL" in refused.stderr
