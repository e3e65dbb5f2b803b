"""Every write about accounts, positions, delegations and access grants, audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from hoso.accounts.actor import Actor
from hoso.accounts.errors import AccountError
from hoso.accounts.models import ApiToken, Delegation, InspectorGrant, User
from hoso.accounts.policies import Perm, require
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc


def _primary_school_id(user: User | None) -> int | None:
    if user is None:
        return None
    staff = user.staff_profiles.order_by("pk").first()
    if staff:
        return staff.school_id
    guardian = user.guardian_profiles.order_by("pk").first()
    return guardian.school_id if guardian else None


# --- logins ---------------------------------------------------------------------------------


def register_failed_login(*, user: User | None, username: str, locked: bool = False) -> User | None:
    """Count a failure; lock the account for HOSO_LOCKOUT_MINUTES after HOSO_LOCKOUT_FAILURES."""
    with transaction.atomic():
        after = {"username": nfc(username)[:80], "already_locked": locked}
        if user is not None and not locked:
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins", "locked_until"])
            after["failures"] = user.failed_logins
            if user.failed_logins >= settings.HOSO_LOCKOUT_FAILURES:
                user.locked_until = clock.now() + timedelta(minutes=settings.HOSO_LOCKOUT_MINUTES)
                user.failed_logins = 0
                user.save(update_fields=["locked_until", "failed_logins"])
                after["locked_until"] = user.locked_until.isoformat()
        audit_record(
            event_type="auth.login_failed",
            school_id=_primary_school_id(user),
            target=user,
            target_type="accounts.user",
            target_repr=nfc(username)[:80],
            after=after,
        )
        if user is not None and "locked_until" in after:
            audit_record(
                event_type="account.locked",
                school_id=_primary_school_id(user),
                target=user,
                after={"locked_until": after["locked_until"]},
            )
    return user


def register_successful_password(*, user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def record_login(*, user: User) -> None:
    with transaction.atomic():
        audit_record(
            event_type="auth.login", actor=user, school_id=_primary_school_id(user), target=user
        )


def record_logout(*, user: User) -> None:
    with transaction.atomic():
        audit_record(
            event_type="auth.logout", actor=user, school_id=_primary_school_id(user), target=user
        )


# --- passwords ------------------------------------------------------------------------------


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise DomainError(AccountError.WRONG_PASSWORD, "Mật khẩu hiện tại không đúng.")
    if old_password == new_password:
        raise DomainError(AccountError.WEAK_PASSWORD, "Mật khẩu mới phải khác mật khẩu cũ.")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(AccountError.WEAK_PASSWORD, " ".join(exc.messages))
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = clock.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(
            event_type="account.password_changed",
            actor=user,
            school_id=_primary_school_id(user),
            target=user,
        )


def _temporary_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(6)) + "".join(
        secrets.choice("23456789") for _ in range(4)
    )


def account_reset_password(*, actor: Actor, user: User) -> str:
    """Give a temporary password, shown once; the person must change it at next login."""
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"đặt lại mật khẩu {user.username}")
    _check_in_school(actor, user)
    temporary = _temporary_password()
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        user.save(
            update_fields=["password", "must_change_password", "failed_logins", "locked_until"]
        )
        audit_record(
            event_type="account.password_reset",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            after={"must_change_password": True},
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
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"khóa/mở tài khoản {user.username}")
    _check_in_school(actor, user)
    if user.pk == actor.user.pk and not active:
        raise DomainError(AccountError.SELF_DISABLE, "Không thể tự vô hiệu hóa tài khoản của mình.")
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = active
        if active:
            user.locked_until = None
            user.failed_logins = 0
        user.save(update_fields=["is_active", "locked_until", "failed_logins"])
        audit_record(
            event_type="account.enabled" if active else "account.disabled",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            before=before,
            after={"is_active": active},
        )
    return user


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


def account_create_for_staff(*, actor: Actor, staff, username: str = "") -> tuple[User, str]:
    """Create the person's account (or link the existing one) with a temporary password."""
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"tạo tài khoản cho {staff}")
    if staff.school_id != actor.school_id:
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Cán bộ không thuộc trường này.")
    if staff.user_id:
        raise DomainError(AccountError.ALREADY_HAS_ACCOUNT, "Cán bộ này đã có tài khoản.")
    username = nfc(username).lower() or _username_for(staff.full_name)
    if User.objects.filter(username=username).exists():
        raise DomainError(
            AccountError.USERNAME_TAKEN, f"Tên đăng nhập {username} đã có người dùng."
        )
    temporary = _temporary_password()
    with transaction.atomic():
        user = User.objects.create_user(
            username,
            temporary,
            display_name=staff.full_name,
            email=staff.email,
            phone=staff.phone,
            must_change_password=True,
        )
        staff.user = user
        staff.save(update_fields=["user"])
        audit_record(
            event_type="account.created",
            actor=actor.user,
            school_id=actor.school_id,
            target=user,
            after={"username": username, "staff": staff.pk, "display_name": staff.full_name},
        )
    return user, temporary


def staff_set_positions(*, actor: Actor, staff, position: str, extra: list[str]) -> None:
    """Assign the main and further positions (roles follow from them)."""
    from hoso.organisation.models import Position, StaffPosition

    require(actor, Perm.MANAGE_ACCOUNTS, what=f"phân quyền {staff}")
    valid = set(Position.values)
    if position not in valid or any(p not in valid for p in extra):
        raise DomainError(AccountError.BAD_POSITION, "Chức vụ không hợp lệ.")
    if staff.school_id != actor.school_id:
        raise DomainError(AccountError.NOT_IN_SCHOOL, "Cán bộ không thuộc trường này.")
    with transaction.atomic():
        before = {
            "position": staff.position,
            "extra": sorted(staff.extra_positions.values_list("position", flat=True)),
        }
        staff.position = position
        staff.save(update_fields=["position"])
        wanted = sorted(set(extra) - {position})
        staff.extra_positions.exclude(position__in=wanted).delete()
        for p in wanted:
            StaffPosition.objects.get_or_create(staff=staff, position=p)
        after = {"position": position, "extra": wanted}
        if before != after:
            audit_record(
                event_type="staff.positions_changed",
                actor=actor.user,
                school_id=actor.school_id,
                target=staff,
                before=before,
                after=after,
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
            school_id=_primary_school_id(user),
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
            school_id=_primary_school_id(user),
            target=row,
            after={"revoked_at": row.revoked_at.isoformat()},
        )


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
    temporary = _temporary_password()
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
            temporary = _temporary_password()
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
