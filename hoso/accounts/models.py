"""Accounts: one per person (staff or parent), delegations, inspector access, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hoso.core import clock


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra):
        extra.setdefault("is_superuser", True)
        extra.setdefault("display_name", "Quản trị hệ thống")
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Tài khoản. Each person has exactly one; nobody acts with another's account."""

    username = models.CharField("tên đăng nhập", max_length=80, unique=True)
    display_name = models.CharField("họ và tên", max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    must_change_password = models.BooleanField("phải đổi mật khẩu", default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]
        verbose_name = "tài khoản"

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[-1] if self.display_name else self.username

    @property
    def is_staff(self) -> bool:  # Django admin is not used; kept for third-party checks.
        return False


class Delegation(models.Model):
    """Ủy quyền: a department head to its deputy, the principal to a vice principal, time-bounded."""

    class Kind(models.TextChoices):
        DEPARTMENT_HEAD = "department_head", "Tổ trưởng ủy nhiệm tổ phó"
        PRINCIPAL = "principal", "Hiệu trưởng ủy quyền phó hiệu trưởng"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    grantor = models.ForeignKey(
        "organisation.Staff", on_delete=models.PROTECT, related_name="delegations_given"
    )
    grantee = models.ForeignKey(
        "organisation.Staff", on_delete=models.PROTECT, related_name="delegations_received"
    )
    department = models.ForeignKey(
        "organisation.Department", null=True, blank=True, on_delete=models.PROTECT
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="delegation_dates"
            ),
            models.CheckConstraint(
                condition=~Q(grantor=models.F("grantee")), name="delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.grantor} → {self.grantee}"

    def is_active(self, now=None) -> bool:
        now = now or clock.now()
        return self.revoked_at is None and self.starts_at <= now < self.ends_at


class InspectorGrant(models.Model):
    """Explicit, time-bounded, read-only access of an inspector to one school (principal's consent)."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="inspector_grants")
    organisation = models.CharField("đơn vị", max_length=200)  # Phòng/Sở GD&ĐT, đoàn thanh tra
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Thanh tra {self.user.display_name} ({self.organisation})"

    def is_active(self, now=None) -> bool:
        now = now or clock.now()
        return self.revoked_at is None and self.starts_at <= now < self.ends_at


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordHistory(models.Model):
    """A password this account had before (its hash only, never the password): a new password
    may not be one of the last ``HOSO_PASSWORD_HISTORY``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


class LoginThrottle(models.Model):
    """Failed sign-ins counted under one key (docs/STAFF.md, "Đăng nhập sai nhiều lần"): a user
    name typed from one address, a user name from anywhere, one address for any user name, or a
    browser where the account signed in before. Keys are what was typed, so a user name that does
    not exist is throttled exactly like one that does. Also the "Quên mật khẩu" requests counted
    per address and per account within the hour."""

    class Scope(models.TextChoices):
        PAIR = "pair", "tên đăng nhập và địa chỉ"
        ACCOUNT = "account", "tên đăng nhập"
        ADDRESS = "address", "địa chỉ"
        DEVICE = "device", "trình duyệt đã đăng nhập"
        RESET_ADDRESS = "reset_address", "yêu cầu đặt lại mật khẩu từ một địa chỉ"
        RESET_ACCOUNT = "reset_account", "yêu cầu đặt lại mật khẩu cho một tài khoản"
        INVITE_CODE = "invite_code", "mã mời phụ huynh nhập sai từ một địa chỉ"

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=200)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")
        ]
        indexes = [models.Index(fields=["blocked_until"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.failures})"


class TwoFactor(models.Model):
    """Xác thực hai bước (TOTP, RFC 6238) of one account: the shared secret, confirmed once a
    code from the person's app matched, and the last time step used (a code counts once)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"2FA {self.user.username}"

    @property
    def is_on(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time recovery code for the second step (its SHA-256 only, shown once)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")
        ]


class ParentInvitation(models.Model):
    """Phiếu mời phụ huynh: a one-time code (8 characters, printed on a slip with its link) that
    lets one guardian open their account, or — ``RESET`` — choose a new password when they
    forgot it (the homeroom teacher prints it and never sees or sets the password). Only the
    code's SHA-256 is stored; the code expires (HOSO_PARENT_INVITE_DAYS) and counts once."""

    class Kind(models.TextChoices):
        INVITE = "invite", "Mời mở tài khoản"
        RESET = "reset", "Đặt lại mật khẩu"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(
        "students.Guardian", on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INVITE)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["guardian", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.guardian_id}"

    def is_live(self, now=None) -> bool:
        now = now or clock.now()
        return self.redeemed_at is None and self.revoked_at is None and now < self.expires_at
