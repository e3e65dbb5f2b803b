"""Credentials that outlive their reason are refused: common passwords, and API tokens after a
password change, a reset or a disabled account (a re-enabled account gets none back)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from hoso.accounts import actions
from hoso.accounts.models import ApiToken
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.demo.data import DEMO_PASSWORD
from hoso.testing.factories import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize(
    "common", ["password1", "qwerty123", "Abc12345", "matkhau123", "Anhyeuem1"]
)
def test_common_passwords_are_refused_in_vietnamese(world, common):
    user = world.users["librarian"]
    with pytest.raises(DomainError) as exc:
        actions.password_change(user=user, old_password=PASSWORD, new_password=common)
    assert exc.value.code == "WEAK_PASSWORD" and "quá phổ biến" in exc.value.message
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("fine", [DEMO_PASSWORD, "Songhong2027", "Truong2026moi"])
def test_uncommon_passwords_pass(fine):
    validate_password(fine)


def test_the_current_password_is_not_a_new_one(world):
    user = world.users["librarian"]
    with pytest.raises(DomainError) as exc:
        actions.password_change(user=user, old_password=PASSWORD, new_password=PASSWORD)
    assert "khác mật khẩu cũ" in exc.value.message


def live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


@pytest.mark.django_db
def test_a_password_change_revokes_the_tokens(world):
    user = world.users["librarian"]
    actions.api_token_create(user=user, name="script")
    actions.api_token_create(user=user, name="phone")
    actions.password_change(user=user, old_password=PASSWORD, new_password="Thuvien2027moi")
    assert live_tokens(user) == 0
    event = AuditEvent.objects.get(event_type="account.api_tokens_revoked", target_id=str(user.pk))
    assert event.after["reason"] == "password_changed" and len(event.after["tokens"]) == 2


@pytest.mark.django_db
def test_a_reset_revokes_the_tokens(world):
    user = world.users["librarian"]
    actions.api_token_create(user=user, name="script")
    actions.account_reset_password(actor=world.actor("admin"), user=user)
    assert live_tokens(user) == 0


@pytest.mark.django_db
def test_a_disabled_account_keeps_no_token_even_when_enabled_again(world):
    user = world.users["librarian"]
    actions.api_token_create(user=user, name="script")
    admin = world.actor("admin")
    actions.account_set_active(actor=admin, user=user, active=False)
    assert live_tokens(user) == 0
    actions.account_set_active(actor=admin, user=user, active=True)
    assert live_tokens(user) == 0
    with pytest.raises(ValidationError):
        validate_password("password1")
