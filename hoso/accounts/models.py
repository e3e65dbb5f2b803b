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
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
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

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or clock.now()))


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
