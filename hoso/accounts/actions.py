"""Every write about accounts, positions, delegations and access grants, audited."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.accounts.errors import AccountError
from hoso.accounts.models import (
    ApiToken,
    Delegation,
    InspectorGrant,
    PasswordHistory,
    RecoveryCode,
    TwoFactor,
    User,
)
from hoso.accounts.policies import Perm, require
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import fold, nfc


def primary_school_id(user: User | None) -> int | None:
    if user is None:
        return None
    staff = user.staff_profiles.order_by("pk").first()
    if staff:
        return staff.school_id
    guardian = user.guardian_profiles.order_by("pk").first()
    return guardian.school_id if guardian else None


# --- logins ---------------------------------------------------------------------------------


def login_failed(
    *, user: User | None, username: str, counts: dict[str, int], wait: int, step: str = "password"
) -> None:
    """Audit a failed sign-in (unknown user name, wrong password or code, disabled account) with
    the failures counted under each throttle key and the wait it now imposes."""
    with transaction.atomic():
        audit_record(
            event_type="auth.login_failed",
            school_id=primary_school_id(user),
            target=user,
            target_type="accounts.user",
            target_repr=nfc(username)[:80],
            after={"username": nfc(username)[:80], "step": step, "failures": counts, "wait": wait},
        )


def login_throttled(*, user: User | None, username: str, wait: int) -> None:
    """Audit a try refused unchecked because earlier failures impose a wait."""
    with transaction.atomic():
        audit_record(
            event_type="auth.login_throttled",
            school_id=primary_school_id(user),
            target=user,
            target_type="accounts.user",
            target_repr=nfc(username)[:80],
            after={"username": nfc(username)[:80], "wait": wait},
        )


def record_login(*, user: User) -> None:
    with transaction.atomic():
        audit_record(
            event_type="auth.login", actor=user, school_id=primary_school_id(user), target=user
        )


def record_logout(*, user: User) -> None:
    with transaction.atomic():
        audit_record(
            event_type="auth.logout", actor=user, school_id=primary_school_id(user), target=user
        )


# --- passwords ------------------------------------------------------------------------------


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise DomainError(AccountError.WRONG_PASSWORD, "Mật khẩu hiện tại không đúng.")
    if old_password == new_password:
        raise DomainError(AccountError.WEAK_PASSWORD, "Mật khẩu mới phải khác mật khẩu cũ.")
    _set_own_password(
        user, new_password, event_type="account.password_changed", reason="password_changed"
    )


def _set_own_password(
    user: User, new_password: str, *, event_type: str, reason: str, field: str | None = None
) -> None:
    """``user`` sets their own password (changed, or reset by e-mail): the password rules, the
    history, the audit event, and every API token revoked — in one transaction."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(AccountError.WEAK_PASSWORD, " ".join(exc.messages), field=field)
    with transaction.atomic():
        store_password(user=user, raw=new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(
            event_type=event_type, actor=user, school_id=primary_school_id(user), target=user
        )
        api_tokens_revoke_all(user=user, by=user, reason=reason)


def store_password(*, user: User, raw: str) -> None:
    """Set ``user``'s password (the caller saves ``password`` and ``password_changed_at``), keeping
    the hash of the one it replaces in the history, pruned to HOSO_PASSWORD_HISTORY."""
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password, created_at=clock.now())
        keep = max(int(getattr(settings, "HOSO_PASSWORD_HISTORY", 5)), 0)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(raw)
    user.password_changed_at = clock.now()


# --- "Quên mật khẩu": a link by e-mail -------------------------------------------------------


def password_reset_request(*, identifier: str, address: str | None, base_url: str) -> str:
    """Someone asked for a reset link for ``identifier`` (a user name, an e-mail address or a
    parent's mobile number). The
    answer never says whether an account exists or has an e-mail address: every active account
    it names that has one gets a link by e-mail (sent in the background); requests are limited
    per address and per account within the hour. Audited; returns what happened (for tests and
    the audit, not for the page)."""
    from hoso.accounts import throttle
    from hoso.accounts.models import LoginThrottle
    from hoso.accounts.tasks import send_password_reset_email

    identifier = nfc(identifier).strip()[:200]
    scope = LoginThrottle.Scope
    users = []
    if identifier:
        users = list(
            User.objects.filter(is_active=True).filter(
                Q(username__iexact=identifier) | (Q(email__iexact=identifier) & ~Q(email=""))
            )[:5]
        )
        if not users:  # a parent signs in with the phone: they may type it here too
            from hoso.accounts.backends import parent_accounts_with_phone

            users = parent_accounts_with_phone(identifier)[:1]
    address_ok = throttle.reset_request_allowed(
        scope=scope.RESET_ADDRESS, key=address or "?", limit=throttle.RESET_PER_ADDRESS_HOUR
    )
    outcomes: dict[User | None, str] = {}
    for user in users:
        if not address_ok:
            outcomes[user] = "address_limit"
        elif not user.email:
            outcomes[user] = "no_email"
        elif not throttle.reset_request_allowed(
            scope=scope.RESET_ACCOUNT, key=str(user.pk), limit=throttle.RESET_PER_ACCOUNT_HOUR
        ):
            outcomes[user] = "account_limit"
        else:
            outcomes[user] = "sent"
    if not users:
        outcomes[None] = "unknown" if address_ok else "address_limit"
    with transaction.atomic():
        for user, outcome in outcomes.items():
            audit_record(
                event_type="auth.password_reset_requested",
                school_id=primary_school_id(user),
                target=user,
                target_type="accounts.user",
                target_repr=identifier[:80],
                after={"identifier": identifier[:80], "outcome": outcome},
            )
            if outcome == "sent":
                pk = user.pk
                transaction.on_commit(lambda pk=pk: send_password_reset_email.enqueue(pk, base_url))
    return "sent" if "sent" in outcomes.values() else next(iter(outcomes.values()))


def password_reset_email(*, user_id: int, base_url: str) -> bool:
    """Send the reset link to the account's e-mail address (a background task)."""
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from hoso.accounts.tokens import reset_tokens

    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), reset_tokens.make_token(user)],
    )
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    lines = [
        f"Chào {user.display_name or user.username},",
        "",
        f"Có người (có thể là bạn) đề nghị đặt lại mật khẩu HoSo của tài khoản {user.username}.",
        f"Mở liên kết sau trong {minutes} phút để đặt mật khẩu mới (liên kết chỉ dùng một lần):",
        "",
        f"{base_url.rstrip('/')}{path}",
        "",
        "Nếu bạn không đề nghị việc này, hãy bỏ qua thư: mật khẩu hiện tại vẫn giữ nguyên.",
        "",
        "— HoSo",
    ]
    try:
        send_mail(
            subject="[HoSo] Đặt lại mật khẩu",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:  # SMTP down or refused: the person asks again or asks the administrator
        import logging

        logging.getLogger(__name__).exception("Could not e-mail a reset link to user %s", user.pk)
        return False
    return True


def password_reset_complete(*, user: User, token: str, new_password: str) -> None:
    """Set the new password through a valid e-mailed link (which this uses up), with the same
    rules as a change; every API token is revoked; the person signs in afterwards (and still
    gives their second-step code if they use one)."""
    from hoso.accounts.tokens import reset_tokens

    if not reset_tokens.check_token(user, token) or not user.is_active:
        raise DomainError(
            AccountError.RESET_LINK,
            "Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng. "
            "Hãy yêu cầu liên kết mới.",
        )
    _set_own_password(
        user,
        new_password,
        event_type="account.password_reset_by_email",
        reason="password_reset",
        field="new_password",
    )


def temporary_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(6)) + "".join(
        secrets.choice("23456789") for _ in range(4)
    )


def account_reset_password(*, actor: Actor, user: User) -> str:
    """Give a temporary password, shown once to whoever reset it; the person must change it at
    next login and is told. A leader's password (principal, vice principal) is reset only by the
    principal in person — never by the administrator, who must not know it; the principal's own
    by the server command ``reset_principal_password``."""
    leader = _leader_staff(user)
    if leader is not None:
        _require_principal_for_leader(actor, leader, action="reset")
    else:
        require(actor, Perm.MANAGE_ACCOUNTS, what=f"đặt lại mật khẩu {user.username}")
    _check_in_school(actor, user)
    with transaction.atomic():
        temporary = set_temporary_password(
            by=actor.user, school=actor.school, user=user, reason="reset"
        )
    return temporary


def set_temporary_password(*, by, school, user: User, reason: str) -> str:
    """A new one-time password for ``user`` (inside the caller's transaction, after its checks),
    audited, and the person told in the school's notifications."""
    temporary = temporary_password()
    store_password(user=user, raw=temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(
        event_type="account.password_reset",
        actor=by,
        school_id=school.pk if school is not None else None,
        target=user,
        after={"must_change_password": True, "reason": reason},
    )
    api_tokens_revoke_all(
        user=user,
        by=by,
        school_id=school.pk if school is not None else None,
        reason="password_reset",
    )
    if school is not None:
        from hoso.notifications.actions import notify

        who = by.get_full_name() if by is not None else "quản trị máy chủ"
        notify(
            user=user,
            school=school,
            kind="account.password_reset",
            text=(
                f"Mật khẩu của bạn đã được {who} đặt lại lúc {clock.local_now():%H:%M %d/%m/%Y}. "
                "Nếu bạn không đề nghị việc này, hãy báo Hiệu trưởng."
            ),
            dedupe_key=f"password_reset:{user.pk}:{clock.now().timestamp()}",
        )
    return temporary


def _check_in_school(actor: Actor, user: User) -> None:
    school = actor.school
    if not (
        user.staff_profiles.filter(school=school).exists()
        or user.guardian_profiles.filter(school=school).exists()
        or InspectorGrant.objects.filter(school=school, user=user).exists()
    ):
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Tài khoản không thuộc trường này.")
    if user.is_superuser and not actor.user.is_superuser:
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Không thể sửa tài khoản quản trị hệ thống.")


def account_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Disable or re-open an account; a leader's only by the principal in person."""
    leader = _leader_staff(user)
    if leader is not None:
        _require_principal_for_leader(actor, leader, action="enable" if active else "disable")
    else:
        require(actor, Perm.MANAGE_ACCOUNTS, what=f"khóa/mở tài khoản {user.username}")
    _check_in_school(actor, user)
    if user.pk == actor.user.pk and not active:
        raise DomainError(AccountError.SELF_DISABLE, "Không thể tự vô hiệu hóa tài khoản của mình.")
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            event_type="account.enabled" if active else "account.disabled",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            before=before,
            after={"is_active": active},
        )
        if not active:
            api_tokens_revoke_all(
                user=user, by=actor.user, school_id=actor.school_id, reason="account_disabled"
            )
    return user


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


def _username_for(display_name: str) -> str:
    """'Nguyễn Thị Minh Anh' → 'anhntm' (given name + initials), made unique with digits."""
    words = fold(display_name).split(" ")
    base = (words[-1] + "".join(w[0] for w in words[:-1])) if words and words[0] else "user"
    base = "".join(ch for ch in base if ch.isalnum()) or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def propose_username(display_name: str) -> str:
    """The user name a new account of ``display_name`` would get (free when asked)."""
    return _username_for(display_name)


def check_username(username: str) -> str:
    """The user name normalised, or a DomainError naming what is wrong with it."""
    username = nfc(username).lower()
    if not _USERNAME.match(username):
        raise DomainError(
            AccountError.BAD_USERNAME,
            "Tên đăng nhập gồm 3–80 ký tự: chữ không dấu, số và . _ -, bắt đầu bằng chữ hoặc số.",
            field="username",
        )
    if User.objects.filter(username=username).exists():
        raise DomainError(
            AccountError.USERNAME_TAKEN,
            f"Tên đăng nhập {username} đã có người dùng.",
            field="username",
        )
    return username


def open_staff_account(*, by, school_id: int, staff, username: str) -> tuple[User, str]:
    """Create ``staff``'s account with a one-time password, inside the caller's transaction.
    The caller has checked who may do it (``account_create_for_staff``, or the staff register's
    ``staff_create`` when the account is created with the person). ``by``: the acting user,
    None for a server command."""
    temporary = temporary_password()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username,
                temporary,
                display_name=staff.full_name,
                email=staff.email,
                phone=staff.phone,
                must_change_password=True,
            )
    except IntegrityError:  # taken in between by a concurrent creation
        raise DomainError(
            AccountError.USERNAME_TAKEN,
            f"Tên đăng nhập {username} đã có người dùng.",
            field="username",
        )
    staff.user = user
    staff.save(update_fields=["user"])
    audit_record(
        event_type="account.created",
        actor=by,
        school_id=school_id,
        target=user,
        after={"username": username, "staff": staff.pk, "display_name": staff.full_name},
    )
    return user, temporary


def account_create_for_staff(*, actor: Actor, staff, username: str = "") -> tuple[User, str]:
    """Create the person's account with a one-time password. A leader's account (principal,
    vice principal) is opened only by the principal in person: the administrator never sees a
    leader's password."""
    from hoso.organisation.models import Staff
    from hoso.organisation.staff.positions import holds_leader_position

    if staff.school_id != actor.school_id:
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Cán bộ không thuộc trường này.")
    staff = Staff.objects.get(pk=staff.pk)  # decide on the positions as stored, not as passed
    if holds_leader_position(staff):
        _require_principal_for_leader(actor, staff, action="create")
    else:
        require(actor, Perm.MANAGE_ACCOUNTS, what=f"tạo tài khoản cho {staff}")
    if staff.user_id:
        raise DomainError(AccountError.ALREADY_HAS_ACCOUNT, "Cán bộ này đã có tài khoản.")
    username = check_username(username) if username else _username_for(staff.full_name)
    with transaction.atomic():
        return open_staff_account(
            by=actor.user, school_id=actor.school_id, staff=staff, username=username
        )


LEADER_ACTION_LABELS = {
    "create": "tạo tài khoản",
    "reset": "đặt lại mật khẩu",
    "disable": "vô hiệu hóa tài khoản",
    "enable": "mở lại tài khoản",
    "two_factor": "đặt lại xác thực hai bước",
}


def _leader_staff(user: User):
    """A staff row through which ``user`` is a leader (principal, vice principal) in some
    school — one account per person, so a leader of another school counts too — or None."""
    from hoso.organisation.models import Staff
    from hoso.organisation.staff.positions import LEADER_POSITIONS

    rows = Staff.objects.filter(user=user, is_active=True)
    return (
        rows.filter(position__in=LEADER_POSITIONS).first()
        or rows.filter(extra_positions__position__in=LEADER_POSITIONS).first()
    )


def _require_principal_for_leader(actor: Actor, staff, *, action: str) -> None:
    """A leader's account is handled by the principal in person, never on their own account
    (the principal's own: the server command). Refusals are audited with what was asked."""
    from hoso.accounts.policies import in_person_principal, log_refused

    own = staff.user_id is not None and staff.user_id == getattr(actor.user, "pk", None)
    if actor.staff is not None and in_person_principal(actor) and not own:
        return
    reason = "self" if own else "needs_principal"
    log_refused(
        actor,
        event_type="account.leader_action_refused",
        target=staff,
        after={"action": action, "reason": reason, "name": staff.full_name},
    )
    if own:
        message = (
            "Không tự thực hiện việc này trên tài khoản của mình: đổi mật khẩu ở trang Đổi mật "
            "khẩu; nếu quên, quản trị máy chủ dùng lệnh reset_principal_password."
        )
    else:
        message = (
            f"Tài khoản của lãnh đạo nhà trường ({staff.full_name}): chỉ Hiệu trưởng mới "
            f"{LEADER_ACTION_LABELS.get(action, action)}. Quản trị viên không xem mật khẩu của "
            "lãnh đạo."
        )
    raise PermissionDeniedError(AccountError.LEADER_ACCOUNT, message)


def account_two_factor_reset(*, actor: Actor, user: User) -> None:
    """Someone lost their phone and their recovery codes: the account's manager turns their
    second step off (never their own — nobody lowers their own bar; a leader's by the principal
    in person, like a leader's password)."""
    if user.pk == actor.user.pk:
        raise PermissionDeniedError(
            AccountError.TWO_FACTOR,
            "Không tự đặt lại xác thực hai bước của mình: hãy tắt nó ở trang Tài khoản của tôi.",
        )
    leader = _leader_staff(user)
    if leader is not None:
        _require_principal_for_leader(actor, leader, action="two_factor")
    else:
        require(actor, Perm.MANAGE_ACCOUNTS, what=f"đặt lại xác thực hai bước {user.username}")
    _check_in_school(actor, user)
    with transaction.atomic():
        deleted, _ = TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(
            event_type="account.two_factor_reset",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            after={"was_on": bool(deleted)},
        )


# --- delegation and inspector access --------------------------------------------------------


def delegation_create(
    *, actor: Actor, grantee, kind: str, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Delegation:
    """Tổ trưởng → tổ phó of the same department; Hiệu trưởng → a phó hiệu trưởng."""
    from hoso.organisation.models import Department, Position

    if ends_at <= starts_at:
        raise DomainError(AccountError.BAD_DELEGATION, "Thời hạn ủy quyền không hợp lệ.")
    if ends_at - starts_at > timedelta(days=366):
        raise DomainError(AccountError.BAD_DELEGATION, "Ủy quyền tối đa một năm.")
    grantor = actor.staff
    if grantor is None:
        raise DomainError(AccountError.BAD_DELEGATION, "Chỉ cán bộ của trường mới được ủy quyền.")
    department = None
    if kind == Delegation.Kind.DEPARTMENT_HEAD:
        require(actor, Perm.DELEGATE_DEPARTMENT, what="ủy nhiệm tổ phó")
        department = Department.objects.filter(
            school=actor.school, head=grantor, deputy=grantee
        ).first()
        if department is None:
            raise DomainError(
                AccountError.BAD_DELEGATION, "Tổ trưởng chỉ ủy nhiệm cho tổ phó của tổ mình."
            )
    elif kind == Delegation.Kind.PRINCIPAL:
        require(actor, Perm.DELEGATE_PRINCIPAL, what="ủy quyền hiệu trưởng")
        if Role.PRINCIPAL in actor.delegated:
            raise DomainError(
                AccountError.BAD_DELEGATION, "Người được ủy quyền không ủy quyền lại."
            )
        is_vice = (
            grantee.position == Position.VICE_PRINCIPAL
            or grantee.extra_positions.filter(position=Position.VICE_PRINCIPAL).exists()
        )
        if grantee.school_id != actor.school_id or not is_vice:
            raise DomainError(
                AccountError.BAD_DELEGATION, "Hiệu trưởng chỉ ủy quyền cho phó hiệu trưởng."
            )
    else:
        raise DomainError(AccountError.BAD_DELEGATION, "Loại ủy quyền không hợp lệ.")
    with transaction.atomic():
        d = Delegation.objects.create(
            school=actor.school,
            kind=kind,
            grantor=grantor,
            grantee=grantee,
            department=department,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=nfc(reason),
        )
        audit_record(
            event_type="delegation.created",
            actor=actor.user,
            school_id=actor.school_id,
            target=d,
            after={
                "kind": kind,
                "grantee": grantee.pk,
                "grantee_name": grantee.full_name,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "reason": d.reason,
            },
        )
    return d


def delegation_revoke(*, actor: Actor, delegation: Delegation) -> None:
    if delegation.school_id != actor.school_id or (
        actor.staff is None or delegation.grantor_id != actor.staff.pk
    ):
        raise DomainError(AccountError.BAD_DELEGATION, "Chỉ người ủy quyền mới thu hồi được.")
    with transaction.atomic():
        delegation.revoked_at = clock.now()
        delegation.save(update_fields=["revoked_at"])
        audit_record(
            event_type="delegation.revoked",
            actor=actor.user,
            school_id=actor.school_id,
            target=delegation,
            after={"revoked_at": delegation.revoked_at.isoformat()},
        )


def inspector_grant(
    *, actor: Actor, user: User, organisation: str, ends_at: datetime
) -> InspectorGrant:
    """The principal gives an inspector read-only access until ``ends_at`` (seed 001 Đ14.5)."""
    require(actor, Perm.GRANT_INSPECTOR, what=f"cấp quyền thanh tra cho {user.username}")
    if ends_at <= clock.now():
        raise DomainError(AccountError.BAD_DELEGATION, "Thời hạn truy cập phải ở tương lai.")
    with transaction.atomic():
        grant = InspectorGrant.objects.create(
            school=actor.school,
            user=user,
            organisation=nfc(organisation),
            granted_by=actor.user,
            ends_at=ends_at,
        )
        audit_record(
            event_type="inspector.granted",
            actor=actor.user,
            school_id=actor.school_id,
            target=grant,
            after={
                "user": user.username,
                "organisation": grant.organisation,
                "ends_at": ends_at.isoformat(),
            },
        )
    return grant


# --- API tokens -----------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    token = "hoso_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=nfc(name) or "API",
            prefix=token[5:13],
            digest=token_digest(token),
            expires_at=clock.now() + timedelta(days=days),
        )
        audit_record(
            event_type="account.api_token_created",
            actor=user,
            school_id=primary_school_id(user),
            target=row,
            after={
                "name": row.name,
                "prefix": row.prefix,
                "expires_at": row.expires_at.isoformat(),
            },
        )
    return row, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the person's own tokens."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if row is None or row.revoked_at is not None:
            raise DomainError(AccountError.NOT_IN_SCHOOL, "Không tìm thấy khóa API.")
        row.revoked_at = clock.now()
        row.save(update_fields=["revoked_at"])
        audit_record(
            event_type="account.api_token_revoked",
            actor=user,
            school_id=primary_school_id(user),
            target=row,
            after={"revoked_at": row.revoked_at.isoformat()},
        )


def api_tokens_revoke_all(*, user: User, by=None, school_id=None, reason: str) -> int:
    """Revoke every live API token of ``user`` (inside the caller's transaction): a changed or
    reset password, a disabled account. A re-enabled account gets none back: its owner creates
    new ones. Audited as one event with the tokens' prefixes."""
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not live:
        return 0
    now = clock.now()
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
    audit_record(
        event_type="account.api_tokens_revoked",
        actor=by,
        school_id=school_id if school_id is not None else primary_school_id(user),
        target=user,
        after={"reason": reason, "tokens": [t.prefix for t in live], "revoked_at": now.isoformat()},
    )
    return len(live)


def account_create_for_guardian(*, actor: Actor, guardian, username: str = "") -> tuple[User, str]:
    """A parent's account (one per person: a parent of children in two schools keeps one)."""
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"tạo tài khoản phụ huynh {guardian}")
    if guardian.school_id != actor.school_id:
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Phụ huynh không thuộc trường này.")
    if guardian.user_id:
        raise DomainError(AccountError.ALREADY_HAS_ACCOUNT, "Phụ huynh này đã có tài khoản.")
    username = nfc(username).lower() or (f"ph{guardian.phone}" if guardian.phone else "")
    username = username or _username_for(guardian.full_name)
    if User.objects.filter(username=username).exists():
        raise DomainError(
            AccountError.USERNAME_TAKEN, f"Tên đăng nhập {username} đã có người dùng."
        )
    temporary = temporary_password()
    with transaction.atomic():
        user = User.objects.create_user(
            username,
            temporary,
            display_name=guardian.full_name,
            phone=guardian.phone,
            must_change_password=True,
        )
        guardian.user = user
        guardian.save(update_fields=["user"])
        audit_record(
            event_type="account.created",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            after={
                "username": username,
                "guardian": guardian.pk,
                "display_name": user.display_name,
            },
        )
    return user, temporary


def inspector_account_grant(
    *, actor: Actor, username: str, display_name: str, organisation: str, ends_at: datetime
) -> tuple[InspectorGrant, str | None]:
    """Give an inspector read-only access until ``ends_at``: an existing account by user name,
    or a new account (its temporary password is returned once)."""
    require(actor, Perm.GRANT_INSPECTOR, what=f"cấp quyền thanh tra cho {username}")
    username = nfc(username).lower()
    if not username:
        raise DomainError(
            AccountError.USERNAME_TAKEN, "Cần tên đăng nhập của người được cấp quyền."
        )
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        temporary = None
        if user is None:
            if not nfc(display_name):
                raise DomainError(AccountError.NOT_IN_SCHOOL, "Cần họ tên người được cấp quyền.")
            temporary = temporary_password()
            user = User.objects.create_user(
                username, temporary, display_name=nfc(display_name), must_change_password=True
            )
            audit_record(
                event_type="account.created",
                actor=actor.user,
                school_id=actor.school_id,
                target=user,
                after={"username": username, "inspector": True, "display_name": user.display_name},
            )
        grant = inspector_grant(actor=actor, user=user, organisation=organisation, ends_at=ends_at)
    return grant, temporary


def inspector_revoke(*, actor: Actor, grant: InspectorGrant) -> None:
    require(actor, Perm.GRANT_INSPECTOR, what="thu hồi quyền thanh tra")
    if grant.school_id != actor.school_id or grant.revoked_at:
        raise DomainError(
            AccountError.NOT_IN_SCHOOL, "Không tìm thấy quyền thanh tra còn hiệu lực."
        )
    with transaction.atomic():
        grant.revoked_at = clock.now()
        grant.save(update_fields=["revoked_at"])
        audit_record(
            event_type="inspector.revoked",
            actor=actor.user,
            school_id=actor.school_id,
            target=grant,
            after={"user": grant.user.username, "revoked_at": grant.revoked_at.isoformat()},
        )
