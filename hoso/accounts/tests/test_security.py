"""Accounts security (issue 12): password reuse, the progressive delay after failed sign-ins
that neither reveals accounts nor lets a stranger lock someone out, the e-mailed reset link and
the optional second step (TOTP)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from hoso.accounts import actions, throttle, two_factor
from hoso.accounts.models import ApiToken, LoginThrottle, PasswordHistory, RecoveryCode, User
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.testing.factories import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _try(client, username, password="Sai-mat-khau-1"):
    return client.post(LOGIN, {"username": username, "password": password})


# --- password reuse --------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_password_differs_from_current_and_recent_ones(world, settings):
    settings.HOSO_PASSWORD_HISTORY = 2
    user = world.users["librarian"]
    with pytest.raises(DomainError) as exc:  # the current one
        actions.password_change(user=user, old_password=PASSWORD, new_password=PASSWORD)
    assert exc.value.code == "WEAK_PASSWORD"
    actions.password_change(user=user, old_password=PASSWORD, new_password="Hoaphuong2027")
    actions.password_change(user=user, old_password="Hoaphuong2027", new_password="Sensung2028")
    with pytest.raises(DomainError) as exc:  # the one before: still remembered
        actions.password_change(user=user, old_password="Sensung2028", new_password="Hoaphuong2027")
    assert exc.value.message == "Mật khẩu mới phải khác mật khẩu hiện tại và 2 mật khẩu gần nhất."
    actions.password_change(user=user, old_password="Sensung2028", new_password="Cauvong2029")
    actions.password_change(user=user, old_password="Cauvong2029", new_password="Banglang2030")
    # Only hashes are kept, and only HOSO_PASSWORD_HISTORY of them.
    kept = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(kept) == 2 and all(h.startswith(("argon2", "pbkdf2", "md5")) for h in kept)
    assert not any("Cauvong2029" in h or "Sensung2028" in h for h in kept)
    # Three changes ago: forgotten, allowed again.
    actions.password_change(user=user, old_password="Banglang2030", new_password="Hoaphuong2027")


@pytest.mark.django_db
def test_a_temporary_password_cannot_be_kept_as_the_new_one(client, world):
    user = world.users["librarian"]
    temporary = actions.set_temporary_password(by=None, school=None, user=user, reason="test")
    actions.password_change(user=user, old_password=temporary, new_password="Hoaphuong2027")
    with pytest.raises(DomainError) as exc:
        actions.password_change(user=user, old_password="Hoaphuong2027", new_password=temporary)
    assert "khác mật khẩu hiện tại và 5 mật khẩu gần nhất" in exc.value.message


# --- failed sign-ins -------------------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_and_known_user_names_get_the_same_answers(world):
    known, stranger = _client("10.0.0.1"), _client("10.0.0.2")
    seen_known, seen_unknown = [], []
    with time_machine.travel(clock.now(), tick=False):  # remaining waits are to the second
        for _ in range(8):
            seen_known.append(_try(known, world.users["principal"].username).context["error"])
            seen_unknown.append(_try(stranger, "khong.co.ai").context["error"])
    assert seen_known == seen_unknown
    assert seen_known[0] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert "Đăng nhập sai nhiều lần, hãy thử lại sau" in seen_known[-1]
    assert not any("khóa" in e for e in seen_known)
    # Both are audited alike.
    failed = AuditEvent.objects.filter(event_type="auth.login_failed")
    assert (
        failed.filter(target_repr="khong.co.ai").count()
        == failed.filter(target_id=world.users["principal"].pk).count()
    )


@pytest.mark.django_db
def test_delays_grow_and_end(world, _fixed_clock):
    client = _client("10.0.0.7")
    username = world.users["subject"].username
    waits = []
    for _ in range(4 + 3):  # HOSO_LOCKOUT_FAILURES (5) free tries, then 2, 4, 8 s
        _try(client, username)
        waits.append(
            throttle.wait_seconds(
                throttle.keys_for(username=username, address="10.0.0.7", device=None)
            )
        )
        _fixed_clock.shift(timedelta(seconds=waits[-1] + 1))
    assert waits == [0, 0, 0, 0, 2, 4, 8]
    # Refused tries wait without counting.
    _try(client, username)
    refused = _try(client, username)
    assert (
        "thử lại sau 16 giây" in refused.context["error"]
        or "thử lại sau 15 giây" in refused.context["error"]
    )
    assert AuditEvent.objects.filter(event_type="auth.login_throttled").exists()
    _fixed_clock.shift(timedelta(seconds=20))
    assert _try(client, username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_delay_is_capped(world, settings):
    rule = throttle.rules()[LoginThrottle.Scope.PAIR]
    assert throttle.delay_after(100, rule) == settings.HOSO_LOCKOUT_MINUTES * 60
    assert throttle.delay_after(100, throttle.rules()[LoginThrottle.Scope.ACCOUNT]) == 60


@pytest.mark.django_db
def test_a_stranger_does_not_lock_the_principal_out(world, _fixed_clock):
    # The clock stands still: a hundred tries on a loaded machine may take longer than the
    # delays they earn (seen once, as a sign-in let through).
    _fixed_clock.move_to(clock.now(), tick=False)
    principal = world.users["principal"].username
    stranger = _client("203.0.113.9")
    for _ in range(100):
        _try(stranger, principal)
    assert "hãy thử lại sau" in _try(stranger, principal, PASSWORD).context["error"]
    # The principal, from another address (a browser never used before), signs in.
    assert _try(_client("198.51.100.4"), principal, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_known_browser_is_not_slowed_by_guessing_from_many_addresses(world):
    principal = world.users["principal"].username
    office = _client("198.51.100.4")
    assert _try(office, principal, PASSWORD).status_code == 302  # remembered here
    office.post(reverse("accounts:logout"))
    for n in range(60):  # a botnet: a few tries each from many addresses
        _try(_client(f"203.0.113.{n}"), principal)
    assert "hãy thử lại sau" in _try(_client("192.0.2.1"), principal, PASSWORD).context["error"]
    assert _try(office, principal, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_many_user_names_from_one_address_are_slowed(world):
    client = _client("203.0.113.50")
    for n in range(50):  # 10 × HOSO_LOCKOUT_FAILURES
        _try(client, f"ten{n}")
    assert (
        "hãy thử lại sau" in _try(client, world.users["clerk"].username, PASSWORD).context["error"]
    )


@pytest.mark.django_db
def test_a_successful_sign_in_clears_its_own_counts(world):
    client = _client("10.0.0.8")
    username = world.users["homeroom"].username
    for _ in range(3):
        _try(client, username)
    assert _try(client, username, PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(key=f"{username}|10.0.0.8").exists()
    assert LoginThrottle.objects.get(scope="address", key="10.0.0.8").failures == 3


def test_an_ipv6_network_counts_as_one_address():
    assert throttle.network_of("2001:db8:1:2::5") == throttle.network_of("2001:db8:1:2:ffff::9")
    assert throttle.network_of("2001:db8:1:2::5") == "2001:db8:1:2::/64"
    assert throttle.network_of("::ffff:203.0.113.5") == "203.0.113.5"
    assert throttle.network_of("203.0.113.5") == "203.0.113.5"


def test_client_address_behind_trusted_proxies(rf, settings):
    from hoso.core.context import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    settings.HOSO_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # a forged header is ignored
    settings.HOSO_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.5"  # what our proxy saw, not what the client wrote
    settings.HOSO_TRUSTED_PROXIES = 2
    assert client_ip(request) == "1.1.1.1"


# --- "Quên mật khẩu" -------------------------------------------------------------------------


def _reset_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"https?://\S+/dat-lai-mat-khau/\S+/", mail.outbox[0].body).group(0)


@pytest.mark.django_db
def test_password_reset_by_email(client, world, django_capture_on_commit_callbacks):
    user = world.users["clerk"]
    User.objects.filter(pk=user.pk).update(email="thu.bt@example.edu.vn")
    actions.api_token_create(user=user, name="máy in")
    page = client.get(LOGIN)
    assert "Quên mật khẩu?" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("accounts:password_reset"), {"identifier": "THU.BT@example.edu.vn"}, follow=True
        )
    assert "Nếu tài khoản tồn tại và có e-mail" in answer.content.decode()
    link = _reset_link()
    assert mail.outbox[0].to == ["thu.bt@example.edu.vn"]
    step = client.get(link)  # the token leaves the address bar
    assert step.status_code == 302 and step["Location"].endswith("/dat/")
    weak = client.post(
        step["Location"], {"new_password": "password1", "new_password2": "password1"}
    )
    assert "quá phổ biến" in weak.content.decode()
    same = client.post(step["Location"], {"new_password": PASSWORD, "new_password2": PASSWORD})
    assert "khác mật khẩu hiện tại" in same.content.decode()
    done = client.post(
        step["Location"], {"new_password": "Phuongvi2027", "new_password2": "Phuongvi2027"}
    )
    assert done.status_code == 302
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        event_type="account.password_reset_by_email", target_id=user.pk
    ).exists()
    # The link works once.
    again = client.get(client.get(link)["Location"])
    assert again.context["valid"] is False
    assert _try(_client("10.0.0.3"), user.username, "Phuongvi2027").status_code == 302


@pytest.mark.django_db
def test_reset_answer_is_the_same_for_unknown_and_mail_less_accounts(
    client, world, django_capture_on_commit_callbacks
):
    answers = []
    for identifier in ("khong.co.ai", world.users["subject"].username):  # subject: no e-mail
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                reverse("accounts:password_reset"), {"identifier": identifier}, follow=True
            )
        answers.append([str(m) for m in page.context["messages"]])
    assert answers[0] == answers[1] and "quản trị viên" in answers[0][0]
    assert mail.outbox == []
    outcomes = AuditEvent.objects.filter(event_type="auth.password_reset_requested")
    assert sorted(e.after["outcome"] for e in outcomes) == ["no_email", "unknown"]


@pytest.mark.django_db
def test_reset_link_expires(
    client, world, _fixed_clock, settings, django_capture_on_commit_callbacks
):
    user = world.users["clerk"]
    User.objects.filter(pk=user.pk).update(email="thu.bt@example.edu.vn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"identifier": user.username})
    link = _reset_link()
    _fixed_clock.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
    assert client.get(client.get(link)["Location"]).context["valid"] is False


@pytest.mark.django_db
def test_reset_link_dies_with_a_password_change(client, world, django_capture_on_commit_callbacks):
    user = world.users["clerk"]
    User.objects.filter(pk=user.pk).update(email="thu.bt@example.edu.vn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"identifier": user.username})
    link = _reset_link()
    user.refresh_from_db()
    actions.password_change(user=user, old_password=PASSWORD, new_password="Hoaphuong2027")
    assert client.get(client.get(link)["Location"]).context["valid"] is False


@pytest.mark.django_db
def test_reset_requests_are_limited(client, world, django_capture_on_commit_callbacks):
    user = world.users["clerk"]
    User.objects.filter(pk=user.pk).update(email="thu.bt@example.edu.vn")
    for _ in range(throttle.RESET_PER_ACCOUNT_HOUR + 2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"identifier": user.username})
    assert len(mail.outbox) == throttle.RESET_PER_ACCOUNT_HOUR
    for _ in range(throttle.RESET_PER_ADDRESS_HOUR):
        page = client.post(reverse("accounts:password_reset"), {"identifier": "x"}, follow=True)
    assert "Quá nhiều yêu cầu từ địa chỉ này" in page.content.decode()


# --- two-step sign-in ------------------------------------------------------------------------


def _turn_on(client, user) -> tuple[str, list[str]]:
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"action": "2fa_begin"})
    page = client.get(reverse("accounts:profile"))
    secret = page.context["two_factor_secret"]
    assert secret and "<svg" in page.context["two_factor_qr"]
    code = pyotp.TOTP(secret).at(clock.now())
    page = client.post(reverse("accounts:profile"), {"action": "2fa_confirm", "code": code})
    codes = page.context["recovery_codes"]
    assert len(codes) == 10 and two_factor.is_on(user)
    client.post(reverse("accounts:logout"))
    return secret, codes


@pytest.mark.django_db
def test_sign_in_with_a_second_step(world, _fixed_clock):
    user = world.users["principal"]
    client = _client("10.0.0.9")
    secret, _codes = _turn_on(client, user)
    _fixed_clock.shift(timedelta(seconds=30))  # the confirming code's step is used up
    step = _try(client, user.username, PASSWORD)
    assert step["Location"] == reverse("accounts:login_code")
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert "Mã không đúng" in wrong.context["error"]
    code = pyotp.TOTP(secret).at(clock.now())
    assert client.post(reverse("accounts:login_code"), {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    # The same code, again: refused.
    client.post(reverse("accounts:logout"))
    _try(client, user.username, PASSWORD)
    replay = client.post(reverse("accounts:login_code"), {"code": code})
    assert replay.status_code == 200 and "đã dùng" in replay.context["error"]
    # The next one works; and the wait for the code is 5 minutes at most.
    _fixed_clock.shift(timedelta(seconds=30))
    fresh = pyotp.TOTP(secret).at(clock.now())
    assert client.post(reverse("accounts:login_code"), {"code": fresh}).status_code == 302
    client.post(reverse("accounts:logout"))
    _try(client, user.username, PASSWORD)
    _fixed_clock.shift(timedelta(minutes=6))
    late = client.post(reverse("accounts:login_code"), {"code": pyotp.TOTP(secret).at(clock.now())})
    assert late["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(
        event_type="account.two_factor_enabled", target_id=user.pk
    ).exists()


@pytest.mark.django_db
def test_a_recovery_code_works_once(world):
    user = world.users["clerk"]
    client = _client("10.0.0.10")
    _secret, codes = _turn_on(client, user)
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()  # hashed
    _try(client, user.username, PASSWORD)
    assert (
        client.post(reverse("accounts:login_code"), {"code": codes[0].upper()}).status_code == 302
    )
    client.post(reverse("accounts:logout"))
    _try(client, user.username, PASSWORD)
    again = client.post(reverse("accounts:login_code"), {"code": codes[0]})
    assert again.status_code == 200
    assert AuditEvent.objects.filter(event_type="account.recovery_code_used").count() == 1


@pytest.mark.django_db
def test_only_leaders_administrator_and_clerk_see_the_option(client, world):
    for key, expected in [("subject", False), ("parent", False), ("vice", True), ("admin", True)]:
        client.force_login(world.users[key])
        page = client.get(reverse("accounts:profile"))
        assert page.context["two_factor_eligible"] is expected, key
        assert ("Xác thực hai bước" in page.content.decode()) is expected, key
    with pytest.raises(PermissionDeniedError):
        two_factor.two_factor_begin(actor=world.actor("subject"))


@pytest.mark.django_db
def test_turning_it_off_needs_the_password(world):
    user = world.users["vice"]
    client = _client("10.0.0.11")
    _turn_on(client, user)
    client.force_login(user)
    page = client.post(reverse("accounts:profile"), {"action": "2fa_disable", "password": "sai"})
    assert "Mật khẩu không đúng" in page.content.decode() and two_factor.is_on(user)
    client.post(reverse("accounts:profile"), {"action": "2fa_disable", "password": PASSWORD})
    assert not two_factor.is_on(user)
    assert AuditEvent.objects.filter(event_type="account.two_factor_disabled").exists()


@pytest.mark.django_db
def test_administrator_resets_someone_elses_second_step_never_their_own(world):
    clerk, admin = world.users["clerk"], world.users["admin"]
    _turn_on(_client("10.0.0.12"), clerk)
    _turn_on(_client("10.0.0.13"), admin)
    actor = world.actor("admin")
    actions.account_two_factor_reset(actor=actor, user=clerk)
    assert not two_factor.is_on(clerk)
    assert AuditEvent.objects.filter(
        event_type="account.two_factor_reset", actor=admin, target_id=clerk.pk
    ).exists()
    with pytest.raises(PermissionDeniedError):
        actions.account_two_factor_reset(actor=actor, user=admin)
    _turn_on(_client("10.0.0.14"), world.users["principal"])
    with pytest.raises(PermissionDeniedError):  # a leader's: the principal's to do
        actions.account_two_factor_reset(actor=actor, user=world.users["principal"])
    actions.account_two_factor_reset(actor=world.actor("vice"), user=admin)
    assert not two_factor.is_on(admin)
    _turn_on(_client("10.0.0.15"), world.users["vice"])
    actions.account_two_factor_reset(actor=world.actor("principal"), user=world.users["vice"])
    assert not two_factor.is_on(world.users["vice"])


@pytest.mark.django_db
def test_accounts_page_marks_failures_and_turns_a_second_step_off(client, world):
    clerk = world.users["clerk"]
    _turn_on(_client("10.0.0.16"), clerk)
    for n in range(5):
        _try(_client(f"203.0.113.{n}"), clerk.username)
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:admin")).content.decode()
    assert "nhiều lần đăng nhập sai" in page and "Tắt xác thực hai bước" in page
    staff = clerk.staff_profiles.get()
    client.post(reverse("accounts:admin_action", args=[staff.pk, "two_factor"]))
    assert not two_factor.is_on(clerk)


@pytest.mark.django_db
def test_stale_counters_are_forgotten(world, _fixed_clock):
    _try(_client("10.0.0.17"), "khong.co.ai")
    assert LoginThrottle.objects.count() == 3
    _fixed_clock.shift(timedelta(days=2))
    assert throttle.forget_stale() == 3


@pytest.mark.django_db
def test_a_borrowed_session_cannot_guess_the_password(world):
    user = world.users["homeroom"]
    client = _client("10.0.0.18")
    client.force_login(user)
    url = reverse("accounts:password_change")
    data = {"new_password": "Hoaphuong2027", "new_password2": "Hoaphuong2027"}
    for n in range(5):
        page = client.post(url, {"old_password": f"Doan{n}sai", **data})
    assert "hãy thử lại sau" in page.content.decode()
    page = client.post(url, {"old_password": PASSWORD, **data})  # even the right one waits
    assert page.status_code == 200 and "hãy thử lại sau" in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            event_type="auth.login_failed", target_id=user.pk, after__step="recheck"
        ).count()
        == 5
    )
