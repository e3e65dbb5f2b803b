"""The password hasher (docs/adr/0010): a hash made with Django's heavier Argon2 defaults still
logs in, and the login re-makes it with the project's parameters."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.test import Client
from django.urls import reverse

from hoso.accounts.hashers import HosoArgon2PasswordHasher
from hoso.testing.factories import PASSWORD


def _params(encoded: str) -> str:
    return encoded.split("$")[3]  # "m=…,t=…,p=…"


def test_the_project_hasher_is_argon2_with_the_decided_parameters():
    hasher = get_hasher()
    assert isinstance(hasher, HosoArgon2PasswordHasher) and hasher.algorithm == "argon2"
    assert _params(make_password(PASSWORD)) == "m=47104,t=1,p=1"


@pytest.mark.django_db
def test_an_old_hash_logs_in_and_is_upgraded(world):
    # GIVEN an account whose hash was made with Django's defaults (m = 100 MiB, t = 2, p = 8)
    user = world.users["librarian"]
    user.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())
    user.save(update_fields=["password"])
    assert _params(user.password) == "m=102400,t=2,p=8"
    # WHEN it logs in through the login page
    response = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    # THEN the login succeeds and the stored hash now has the project's parameters
    assert response.status_code == 302
    user.refresh_from_db()
    assert _params(user.password) == "m=47104,t=1,p=1"
    assert user.check_password(PASSWORD)
