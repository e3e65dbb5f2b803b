"""Login, lock-out, forced password change, password rules, audit of account events, and the
administration screen."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from hoso.accounts import actions
from hoso.accounts.models import User
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.testing.factories import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_audited(client, world):
    user = world.users["homeroom"]
    assert _login(client, user.username, "sai-mat-khau").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.login_failed", target_id=user.pk).exists()
    response = _login(client, user.username)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.login", actor=user).exists()
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(event_type="auth.logout", actor=user).exists()
    event = AuditEvent.objects.get(event_type="auth.login", actor=user)
    assert event.ip == "127.0.0.1" and event.school_id == world.school.pk


@pytest.mark.django_db
def test_a_disabled_account_is_told_so_only_with_its_right_password(client, world):
    user = world.users["homeroom"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    wrong = _login(client, user.username, "sai-mat-khau").content.decode()
    assert "mật khẩu không đúng" in wrong and "ngừng hoạt động" not in wrong
    right = _login(client, user.username)
    assert right.status_code == 200  # not signed in
    body = right.content.decode()
    assert "Tài khoản này đã ngừng hoạt động" in body and "mật khẩu không đúng" not in body
    event = AuditEvent.objects.filter(event_type="auth.login_failed", target_id=user.pk).latest(
        "pk"
    )
    assert event.after["step"] == "disabled"
    assert not AuditEvent.objects.filter(event_type="auth.login", actor=user).exists()


@pytest.mark.django_db
def test_repeated_failures_slow_down_the_next_try(client, world):
    user = world.users["subject"]
    for _ in range(settings.HOSO_LOCKOUT_FAILURES):
        response = _login(client, user.username, "sai")
    assert "thử lại sau 2 giây" in response.content.decode()
    # Even the right password waits; nothing says the account is locked.
    response = _login(client, user.username)
    assert response.status_code == 200 and "hãy thử lại sau" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="auth.login_throttled", target_id=user.pk).exists()


@pytest.mark.django_db
def test_forced_password_change_on_first_login(client, world):
    user = world.users["clerk"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    _login(client, user.username)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_change"
    )
    assert client.get("/api/v1/me").status_code == 403
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "ngan1", "new_password2": "ngan1"},
    )
    assert "ít nhất 8 ký tự" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "Songhong2027", "new_password2": "Songhong2027"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert identify_hasher(user.password).algorithm == "argon2"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event_type="account.password_changed", actor=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password,fragment",
    [("abc12", "8 ký tự"), ("chiconchu", "chữ cái và chữ số"), ("12345678", "chữ cái")],
)
def test_password_rules(world, password, fragment):
    user = world.users["librarian"]
    with pytest.raises(DomainError) as exc:
        actions.password_change(user=user, old_password=PASSWORD, new_password=password)
    assert exc.value.code == "WEAK_PASSWORD" and fragment in exc.value.message


@pytest.mark.django_db
def test_password_may_not_contain_username(world):
    user = world.users["librarian"]
    with pytest.raises(DomainError):
        actions.password_change(user=user, old_password=PASSWORD, new_password=user.username + "99")


def test_sessions_expire_and_argon2_is_the_hasher():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    # idle expiry: the clock restarts on each request, saved at most once a minute
    # (test_session_idle.py)
    assert "hoso.accounts.middleware.SessionIdleMiddleware" in settings.MIDDLEWARE
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_admin_creates_resets_and_disables_accounts(client, world):
    from hoso.testing.factories import make_staff

    newcomer = make_staff(world.school, "Trịnh Thị Quỳnh")
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:admin"))
    assert page.status_code == 200 and "Trịnh Thị Quỳnh" in page.content.decode()
    client.post(reverse("accounts:admin_action", args=[newcomer.pk, "create"]))
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.must_change_password
    assert newcomer.user.username == "quynhtt"
    temporary = client.get(reverse("accounts:admin")).context["temporary"]
    assert temporary[0] == "quynhtt" and len(temporary[1]) == 10
    client.post(reverse("accounts:admin_action", args=[newcomer.pk, "disable"]))
    newcomer.user.refresh_from_db()
    assert not newcomer.user.is_active
    client.post(reverse("accounts:admin_action", args=[newcomer.pk, "reset"]))
    types = set(
        AuditEvent.objects.filter(
            target_id=newcomer.user.pk, target_type="accounts.user"
        ).values_list("event_type", flat=True)
    )
    assert {"account.created", "account.disabled", "account.password_reset"} <= types


@pytest.mark.django_db
def test_admin_assigns_positions_and_roles_follow(client, world):
    from hoso.accounts.roles import Role

    client.force_login(world.users["admin"])
    target = world.people["outsider"]
    response = client.post(
        reverse("organisation:staff_positions", args=[target.pk]),
        {"position": "teacher", "extra": ["medical"]},
    )
    assert response.status_code == 302
    assert Role.MEDICAL in world.actor("outsider").roles
    event = AuditEvent.objects.get(event_type="staff.positions_changed")
    assert event.before == {"position": "teacher", "extra": []}
    assert event.after["position"] == "teacher" and event.after["extra"] == ["medical"]


@pytest.mark.django_db
def test_teacher_cannot_open_the_administration_screen_and_it_is_logged(client, world):
    client.force_login(world.users["subject"])
    assert client.get(reverse("accounts:admin")).status_code == 403
    assert AuditEvent.objects.filter(
        event_type="access.forbidden", actor=world.users["subject"]
    ).exists()


@pytest.mark.django_db
def test_department_head_delegates_to_deputy_only(world):
    from datetime import timedelta

    from django.utils import timezone

    head = world.actor("dept_head")
    now = timezone.now()
    with pytest.raises(DomainError):
        actions.delegation_create(
            actor=head,
            grantee=world.people["homeroom"],
            kind="department_head",
            starts_at=now,
            ends_at=now + timedelta(days=3),
        )
    d = actions.delegation_create(
        actor=head,
        grantee=world.people["deputy"],
        kind="department_head",
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(days=3),
        reason="Đi tập huấn",
    )
    assert d.is_active()
    event = AuditEvent.objects.get(event_type="delegation.created")
    assert event.after["grantee_name"] == "Phạm Thị Hoa"


@pytest.mark.django_db
def test_api_tokens_are_created_once_and_revoked(client, world):
    user = world.users["homeroom"]
    client.force_login(user)
    page = client.post(reverse("accounts:profile"), {"action": "token", "name": "Sổ tay"})
    token = page.context["new_token"]
    assert token.startswith("hoso_")
    headers = {"Authorization": f"Bearer {token}"}
    client.logout()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    row = user.api_tokens.get()
    assert row.digest != token and token not in str(row.__dict__)
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"revoke": row.pk})
    client.logout()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert AuditEvent.objects.filter(event_type="account.api_token_revoked").exists()


@pytest.mark.django_db
def test_admin_creates_a_parent_account(client, world):
    from hoso.students.models import Guardian, StudentGuardian

    mother = Guardian.objects.create(
        school=world.school,
        full_name="Trần Thị Hạnh",
        phone="0987654321",
        search_name="tran thi hanh",
    )
    StudentGuardian.objects.create(student=world.student_a, guardian=mother, relation="mother")
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:admin_parents"), {"q": "hanh"}).content.decode()
    assert "Trần Thị Hạnh" in page and "Nguyễn Văn Cường" not in page
    client.post(reverse("accounts:admin_parent_action", args=[mother.pk, "create"]))
    mother.refresh_from_db()
    assert mother.user.username == "ph0987654321" and mother.user.must_change_password
    from hoso.accounts.actor import build_actor
    from hoso.accounts.roles import Role

    actor = build_actor(mother.user, world.school, world.year)
    assert actor.roles == {Role.PARENT} and actor.child_ids == {world.student_a.pk}
    assert AuditEvent.objects.filter(
        event_type="account.created", target_id=mother.user.pk
    ).exists()
    client.force_login(world.users["subject"])
    assert client.get(reverse("accounts:admin_parents")).status_code == 403


@pytest.mark.django_db
def test_principal_grants_and_revokes_inspector_access(client, world):
    from hoso.accounts.models import InspectorGrant
    from hoso.accounts.roles import Role

    client.force_login(world.users["principal"])
    response = client.post(
        reverse("accounts:inspectors"),
        {
            "username": "thanhtra.so",
            "display_name": "Lê Văn Kiểm",
            "organisation": "Sở GD&ĐT",
            "ends_on": "2030-01-31",
        },
    )
    assert response.status_code == 200 and response.context["temporary"]
    grant = InspectorGrant.objects.get(user__username="thanhtra.so")
    inspector = grant.user
    assert Role.INSPECTOR in build_actor_for(inspector, world).roles
    client.post(reverse("accounts:inspectors"), {"revoke": grant.pk})
    assert Role.INSPECTOR not in build_actor_for(inspector, world).roles
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"inspector.granted", "inspector.revoked", "account.created"} <= types
    client.force_login(world.users["vice"])
    assert client.get(reverse("accounts:inspectors")).status_code == 403


def build_actor_for(user, world):
    from hoso.accounts.actor import build_actor

    return build_actor(user, world.school, world.year)
