"""Writes about parents' slips: issue, redeem (open an account or choose a new password), link an
existing account. Each in one transaction with its audit event; the code itself is never stored
or audited, only its SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hoso.accounts.actions import api_tokens_revoke_all, store_password
from hoso.accounts.actor import Actor
from hoso.accounts.backends import parent_accounts_with_phone
from hoso.accounts.errors import AccountError
from hoso.accounts.invitations.policies import access_guardian_for_invitation
from hoso.accounts.models import LoginThrottle, ParentInvitation, User
from hoso.accounts.phones import normalise_phone
from hoso.accounts.policies import log_refused
from hoso.accounts.roles import Role
from hoso.accounts.throttle import network_of
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError

# No I, L, O, 0, 1: nothing a parent can misread on paper. 31⁸ ≈ 8.5·10¹¹ codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITE_SCOPE = LoginThrottle.Scope.INVITE_CODE


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(raw: str) -> str:
    """What the parent typed, as stored: capitals, without spaces or dashes."""
    return re.sub(r"[\s\-.]", "", raw or "").upper()[:20]


def code_digest(code: str) -> str:
    return hashlib.sha256(clean_code(code).encode()).hexdigest()


def show_code(code: str) -> str:
    """``ABCD-EFGH``: two groups of four, easier to copy from paper."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class Slip:
    invitation: ParentInvitation
    code: str  # shown once, on the slip

    @property
    def shown(self) -> str:
        return show_code(self.code)


def invitation_issue(*, actor: Actor, guardian_ids: list[int]) -> list[Slip]:
    """A slip for each guardian: an invitation when the guardian has no account in this school
    yet, a password-reset code when they have one. The guardian's earlier live codes stop
    working (one live code per guardian). Audited per guardian (never the code)."""
    now = clock.now()
    days = max(int(settings.HOSO_PARENT_INVITE_DAYS), 1)
    slips: list[Slip] = []
    with transaction.atomic():
        for guardian_id in dict.fromkeys(guardian_ids):
            guardian = access_guardian_for_invitation(actor, guardian_id)
            user = guardian.user
            if user is not None and not user.is_active:
                raise DomainError(
                    AccountError.ALREADY_HAS_ACCOUNT,
                    f"Tài khoản của {guardian.full_name} đang bị vô hiệu hóa: nhờ quản trị viên "
                    "mở lại trước khi in phiếu.",
                )
            kind = ParentInvitation.Kind.RESET if user else ParentInvitation.Kind.INVITE
            ParentInvitation.objects.filter(
                guardian=guardian, redeemed_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            while True:
                code = new_code()
                if not ParentInvitation.objects.filter(digest=code_digest(code)).exists():
                    break
            invitation = ParentInvitation.objects.create(
                school=actor.school,
                guardian=guardian,
                kind=kind,
                digest=code_digest(code),
                created_by=actor.user,
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
            audit_record(
                event_type=(
                    "account.invited"
                    if kind == ParentInvitation.Kind.INVITE
                    else "account.reset_code_issued"
                ),
                actor=actor.user,
                school_id=actor.school_id,
                target=invitation,
                target_repr=guardian.full_name,
                after={
                    "guardian": guardian.pk,
                    "kind": kind,
                    "user": user.username if user else None,
                    "expires_at": invitation.expires_at.isoformat(),
                },
                acting_as=actor.acting_as_for(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
            )
            slips.append(Slip(invitation=invitation, code=code))
    return slips


# --- the parent types the code ------------------------------------------------------------


def wait_message(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    return (
        f"Hãy thử lại sau {minutes} phút." if seconds > 60 else f"Hãy thử lại sau {seconds} giây."
    )


def _throttle_key(address: str | None) -> str:
    return network_of(address)


def code_wait_seconds(address: str | None) -> int:
    row = LoginThrottle.objects.filter(scope=INVITE_SCOPE, key=_throttle_key(address)).first()
    if row is None or row.blocked_until is None:
        return 0
    left = (row.blocked_until - clock.now()).total_seconds()
    return max(int(left + 0.999), 0)


def _count_wrong_code(address: str | None) -> int:
    """One more wrong code from this address; after HOSO_INVITE_CODE_FAILURES of them within a
    day the address waits HOSO_LOCKOUT_MINUTES before it may try again. Returns the wait."""
    now = clock.now()
    free = max(int(settings.HOSO_INVITE_CODE_FAILURES), 1)
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            scope=INVITE_SCOPE, key=_throttle_key(address)
        )
        if row.last_failure_at and now - row.last_failure_at > timedelta(days=1):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = 0
        if row.failures >= free:
            wait = max(int(settings.HOSO_LOCKOUT_MINUTES), 1) * 60
            row.blocked_until = now + timedelta(seconds=wait)
            row.failures = 0  # the next round of tries starts after the wait
        row.save()
    return wait


def invitation_find(*, code: str, address: str | None) -> ParentInvitation:
    """The live invitation of ``code``, or a ``DomainError`` in plain words. Unknown codes count
    against the address (a lockout after too many); an address that must wait is refused before
    the code is looked at."""
    wait = code_wait_seconds(address)
    if wait:
        raise DomainError(
            AccountError.INVITE_THROTTLED,
            "Đã nhập sai mã quá nhiều lần. " + wait_message(wait),
            field="code",
        )
    cleaned = clean_code(code)
    invitation = None
    if len(cleaned) == CODE_LENGTH:
        invitation = (
            ParentInvitation.objects.select_related("guardian", "school", "guardian__user")
            .filter(digest=code_digest(cleaned))
            .first()
        )
    if invitation is None:
        wait = _count_wrong_code(address)
        log_refused(
            None,
            event_type="account.invitation_refused",
            after={"reason": "unknown", "address": _throttle_key(address), "wait": wait},
        )
        message = "Mã không đúng. Hãy kiểm tra lại mã trên phiếu (8 ký tự, không có chữ O, I, L)."
        if wait:
            message = "Đã nhập sai mã quá nhiều lần. " + wait_message(wait)
        raise DomainError(AccountError.INVITE_CODE, message, field="code")
    if invitation.redeemed_at is not None:
        raise DomainError(
            AccountError.INVITE_CODE,
            "Mã này đã được dùng. Nếu anh/chị đã có tài khoản, hãy đăng nhập; nếu quên mật khẩu, "
            "hãy xin giáo viên chủ nhiệm phiếu mới.",
            field="code",
        )
    if invitation.revoked_at is not None or not invitation.is_live():
        raise DomainError(
            AccountError.INVITE_CODE,
            "Mã này đã hết hạn hoặc đã được thay bằng phiếu mới. Hãy xin giáo viên chủ nhiệm "
            "hoặc văn thư phiếu mới.",
            field="code",
        )
    return invitation


def _locked_live(invitation_id: int) -> ParentInvitation:
    invitation = (
        ParentInvitation.objects.select_for_update()
        .select_related("guardian", "school")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_live():
        raise DomainError(
            AccountError.INVITE_CODE,
            "Mã này đã được dùng hoặc đã hết hạn. Hãy xin phiếu mới.",
            field="code",
        )
    return invitation


def _check_password(password: str, password2: str, user: User) -> None:
    if password != password2:
        raise DomainError(
            AccountError.WEAK_PASSWORD, "Hai lần nhập mật khẩu không khớp.", field="password2"
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(AccountError.WEAK_PASSWORD, " ".join(exc.messages), field="password")


def _unique_username(base: str) -> str:
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def invitation_redeem(
    *, invitation_id: int, password: str, password2: str, phone: str = ""
) -> User:
    """The parent, not signed in, uses the code: an invitation opens their account (the phone
    confirmed, the password of their choice; refused when another active parent account signs
    in with the phone — that person signs in and links instead); a reset code sets the new
    password of the guardian's account. The code counts once. Audited."""
    with transaction.atomic():
        invitation = _locked_live(invitation_id)
        guardian = invitation.guardian
        now = clock.now()
        if invitation.kind == ParentInvitation.Kind.RESET:
            user = guardian.user
            if user is None or not user.is_active:
                raise DomainError(
                    AccountError.INVITE_CODE,
                    "Tài khoản này không còn hoạt động. Hãy liên hệ nhà trường.",
                )
            _check_password(password, password2, user)
            store_password(user=user, raw=password)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password", "password_changed_at"])
            event, after = "account.password_reset_by_code", {"guardian": guardian.pk}
            api_tokens_revoke_all(
                user=user, by=user, school_id=invitation.school_id, reason="password_reset"
            )
        else:
            if guardian.user_id:
                raise DomainError(
                    AccountError.ALREADY_HAS_ACCOUNT,
                    "Phụ huynh này đã có tài khoản. Hãy đăng nhập.",
                )
            number = normalise_phone(phone)
            if not number:
                raise DomainError(
                    AccountError.BAD_PHONE,
                    "Số điện thoại di động không hợp lệ (ví dụ 0912 345 678 hoặc +84 912 345 678).",
                    field="phone",
                )
            if parent_accounts_with_phone(number):
                raise DomainError(
                    AccountError.PHONE_TAKEN,
                    "Số điện thoại này đã dùng để đăng nhập một tài khoản phụ huynh khác. Nếu đó "
                    "là tài khoản của anh/chị, hãy đăng nhập rồi nhập lại mã để thêm con vào tài "
                    "khoản; nếu không, hãy dùng số điện thoại khác.",
                    field="phone",
                )
            user = User(
                username=_unique_username(f"ph{number}"),
                display_name=guardian.full_name,
                phone=number,
                must_change_password=False,
            )
            _check_password(password, password2, user)
            store_password(user=user, raw=password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                raise DomainError(
                    AccountError.USERNAME_TAKEN, "Vui lòng thử lại sau giây lát."
                ) from None
            before_phone = guardian.phone
            guardian.user = user
            fields = ["user"]
            if normalise_phone(guardian.phone) != number:
                guardian.phone = number
                fields.append("phone")
            guardian.save(update_fields=fields)
            event = "account.invitation_redeemed"
            after = {
                "guardian": guardian.pk,
                "username": user.username,
                "created": True,
                "phone": number,
                **({"guardian_phone_before": before_phone} if "phone" in fields else {}),
            }
        invitation.redeemed_at, invitation.redeemed_by = now, user
        invitation.save(update_fields=["redeemed_at", "redeemed_by"])
        audit_record(
            event_type=event,
            actor=user,
            school_id=invitation.school_id,
            target=user,
            after={**after, "invitation": invitation.pk},
        )
    return user


def invitation_link(*, invitation_id: int, user: User) -> None:
    """A signed-in person uses an invitation: the guardian is linked to their account (one
    account across children and schools), never a second account. Audited."""
    with transaction.atomic():
        invitation = _locked_live(invitation_id)
        guardian = invitation.guardian
        if invitation.kind == ParentInvitation.Kind.RESET or guardian.user_id:
            if guardian.user_id == user.pk:
                raise DomainError(
                    AccountError.ALREADY_HAS_ACCOUNT, "Con đã có trong tài khoản của anh/chị."
                )
            raise DomainError(
                AccountError.ALREADY_HAS_ACCOUNT,
                "Phiếu này dành cho một tài khoản khác. Hãy đăng xuất rồi nhập mã.",
            )
        if user.guardian_profiles.filter(school_id=invitation.school_id).exists():
            raise DomainError(
                AccountError.ALREADY_HAS_ACCOUNT,
                "Tài khoản của anh/chị đã gắn với một hồ sơ phụ huynh khác của trường này. Hãy "
                "nhờ văn thư ghi các con vào cùng một hồ sơ phụ huynh.",
            )
        guardian.user = user
        guardian.save(update_fields=["user"])
        if not user.phone and normalise_phone(guardian.phone):
            user.phone = normalise_phone(guardian.phone)
            user.save(update_fields=["phone"])
        invitation.redeemed_at, invitation.redeemed_by = clock.now(), user
        invitation.save(update_fields=["redeemed_at", "redeemed_by"])
        audit_record(
            event_type="account.invitation_redeemed",
            actor=user,
            school_id=invitation.school_id,
            target=user,
            after={
                "guardian": guardian.pk,
                "username": user.username,
                "created": False,
                "invitation": invitation.pk,
            },
        )
