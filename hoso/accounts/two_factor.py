"""Optional two-step sign-in (xác thực hai bước, TOTP RFC 6238) for those who sign for the school:
leaders, the administrator and the clerk. Every write is audited; a code counts once.

API tokens are not affected: they are created by a signed-in person and are their own
credential (revoked on a password change, a reset and a disabled account)."""

from __future__ import annotations

import hashlib
import io
import secrets

import pyotp
from django.db import transaction

from hoso.accounts.actions import primary_school_id
from hoso.accounts.actor import Actor
from hoso.accounts.errors import AccountError
from hoso.accounts.models import RecoveryCode, TwoFactor, User
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError

ELIGIBLE_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR, Role.CLERK)
RECOVERY_CODES = 10
ISSUER = "HoSo"


def eligible(actor: Actor) -> bool:
    """Who may turn it on: a leader, the administrator, the clerk (or the server's superuser)."""
    user = actor.user
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or actor.has(*ELIGIBLE_ROLES)
    )


def is_on(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def provisioning_uri(row: TwoFactor) -> str:
    return pyotp.TOTP(row.secret).provisioning_uri(name=row.user.username, issuer_name=ISSUER)


def qr_svg(row: TwoFactor) -> str:
    import segno

    out = io.BytesIO()
    segno.make_qr(provisioning_uri(row), error="m").save(out, kind="svg", scale=5, xmldecl=False)
    return out.getvalue().decode()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (of now −1, now, now +1) whose code is ``code``, or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = clock.now()
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


# --- the person's own ----------------------------------------------------------------------


def two_factor_begin(*, actor: Actor) -> TwoFactor:
    """A new secret, not yet in force (the person scans it, then confirms with a code)."""
    if not eligible(actor):
        raise PermissionDeniedError(
            AccountError.TWO_FACTOR, "Xác thực hai bước dành cho lãnh đạo, quản trị viên, văn thư."
        )
    with transaction.atomic():
        row = TwoFactor.objects.select_for_update().filter(user=actor.user).first()
        if row is not None and row.is_on:
            raise DomainError(AccountError.TWO_FACTOR, "Xác thực hai bước đã bật.")
        if row is None:
            row = TwoFactor(user=actor.user)
        row.secret = pyotp.random_base32()
        row.created_at = clock.now()
        row.last_step = 0
        row.save()
    return row


def two_factor_confirm(*, actor: Actor, code: str) -> list[str]:
    """Turn it on once a code from the app matches; the recovery codes, shown once."""
    with transaction.atomic():
        row = TwoFactor.objects.select_for_update().filter(user=actor.user).first()
        if row is None or row.is_on:
            raise DomainError(AccountError.TWO_FACTOR, "Hãy bắt đầu lại việc bật xác thực.")
        step = _matching_step(row.secret, code)
        if step is None:
            raise DomainError(
                AccountError.TWO_FACTOR, "Mã không đúng: kiểm tra giờ của điện thoại và thử lại."
            )
        row.confirmed_at = clock.now()
        row.last_step = step
        row.save(update_fields=["confirmed_at", "last_step"])
        codes = _replace_recovery_codes(actor.user)
        audit_record(
            event_type="account.two_factor_enabled",
            actor=actor.user,
            school_id=actor.school_id,
            target=actor.user,
            after={"recovery_codes": len(codes)},
        )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=_digest(c)) for c in codes])
    return codes


def two_factor_disable(*, actor: Actor, password: str) -> None:
    """Turn it off (the password is asked again)."""
    user = actor.user
    if not user.check_password(password):
        raise DomainError(AccountError.WRONG_PASSWORD, "Mật khẩu không đúng.")
    with transaction.atomic():
        deleted, _ = TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                event_type="account.two_factor_disabled",
                actor=user,
                school_id=actor.school_id,
                target=user,
            )


# --- the second step of signing in ---------------------------------------------------------


def verify(*, user: User, code: str) -> bool:
    """A code of the app (each time step once) or an unused recovery code (used up)."""
    code = (code or "").strip()
    with transaction.atomic():
        row = TwoFactor.objects.select_for_update().filter(user=user).first()
        if row is None or not row.is_on:
            return False
        step = _matching_step(row.secret, code)
        if step is not None:
            if step <= row.last_step:  # replayed
                return False
            row.last_step = step
            row.save(update_fields=["last_step"])
            return True
        if len(_normalise_recovery(code)) != 10:
            return False
        recovery = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, digest=_digest(code), used_at__isnull=True)
            .first()
        )
        if recovery is None:
            return False
        recovery.used_at = clock.now()
        recovery.save(update_fields=["used_at"])
        audit_record(
            event_type="account.recovery_code_used",
            actor=user,
            school_id=primary_school_id(user),
            target=user,
            after={
                "left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
            },
        )
        return True


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
