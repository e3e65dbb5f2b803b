"""The Actor: one person, in one school and year, with the roles and scopes derived for them.

Built once per request (a handful of queries) and passed to every policy, selector and action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from hoso.accounts.roles import LEADERS, ROLE_LABELS, Role


@dataclass
class Actor:
    user: object
    school: object | None = None
    year: object | None = None
    staff: object | None = None
    guardian_ids: frozenset[int] = frozenset()
    roles: frozenset[Role] = frozenset()
    # class id -> subject ids the person teaches there in this year
    taught: dict[int, frozenset[int]] = field(default_factory=dict)
    homeroom_class_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()  # departments headed (or by delegation)
    child_ids: frozenset[int] = frozenset()
    # role -> "thay <grantor>" when the role is held through a delegation
    delegated: dict[Role, str] = field(default_factory=dict)
    schools: list = field(default_factory=list)  # every school the person belongs to

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADERS)

    @property
    def school_id(self) -> int | None:
        return self.school.pk if self.school else None

    @property
    def readonly_year(self) -> bool:
        return bool(self.year and self.year.is_closed)

    def acting_as_for(self, *roles: Role) -> str:
        """The delegation label to record when one of ``roles`` is used, or ''."""
        for role in roles:
            if role in self.roles and role not in self.delegated:
                return ""
        for role in roles:
            if role in self.delegated:
                return self.delegated[role]
        return ""

    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[r] for r in Role if r in self.roles]


def memberships(user) -> list:
    """Schools the person belongs to: as staff, as a parent, or through an inspector grant.

    One ``IN (subquery)`` per link: joining staff × guardians × grants multiplied the rows of
    every school (≈ 20 ms a request on the demo; this form ≈ 2 ms, bench/gradebook.py)."""
    from hoso.accounts.models import InspectorGrant
    from hoso.organisation.models import School, Staff
    from hoso.students.models import Guardian

    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(School.objects.all())
    now = timezone.now()
    grants = InspectorGrant.objects.filter(
        user=user, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    )
    return list(
        School.objects.filter(
            Q(pk__in=Staff.objects.filter(user=user, is_active=True).values("school_id"))
            | Q(pk__in=Guardian.objects.filter(user=user).values("school_id"))
            | Q(pk__in=grants.values("school_id"))
        )
    )


_POSITION_ROLES = {
    "principal": Role.PRINCIPAL,
    "vice_principal": Role.VICE_PRINCIPAL,
    "clerk": Role.CLERK,
    "accountant": Role.ACCOUNTANT,
    "administrator": Role.ADMINISTRATOR,
    "medical": Role.MEDICAL,
    "librarian": Role.LIBRARIAN,
    "doi_leader": Role.DOI_LEADER,
}


def build_actor(user, school, year, *, now=None) -> Actor:
    """Derive roles and scopes for ``user`` in ``school``/``year``."""
    from hoso.accounts.models import Delegation, InspectorGrant
    from hoso.organisation.models import (
        Department,
        HomeroomAssignment,
        Staff,
        TeachingAssignment,
    )
    from hoso.students.models import StudentGuardian

    now = now or timezone.now()
    if school is None or not user.is_authenticated:
        return Actor(user=user)
    roles: set[Role] = set()
    delegated: dict[Role, str] = {}
    staff = (
        Staff.objects.filter(school=school, user=user, is_active=True)
        .prefetch_related("extra_positions")
        .first()
    )
    taught: dict[int, set[int]] = {}
    homeroom: set[int] = set()
    departments: set[int] = set()
    if staff is not None:
        positions = {staff.position} | {p.position for p in staff.extra_positions.all()}
        roles |= {_POSITION_ROLES[p] for p in positions if p in _POSITION_ROLES}
        if year is not None:
            for class_id, subject_id in TeachingAssignment.objects.filter(
                teacher=staff, school_class__year=year
            ).values_list("school_class_id", "subject_id"):
                taught.setdefault(class_id, set()).add(subject_id)
            homeroom = set(
                HomeroomAssignment.objects.filter(
                    teacher=staff, school_class__year=year
                ).values_list("school_class_id", flat=True)
            )
        if taught:
            roles.add(Role.SUBJECT_TEACHER)
        if homeroom:
            roles.add(Role.HOMEROOM_TEACHER)
        for dept in Department.objects.filter(school=school).filter(
            Q(head=staff) | Q(deputy=staff)
        ):
            if dept.head_id == staff.pk:
                departments.add(dept.pk)
                roles.add(
                    Role.OFFICE_HEAD
                    if dept.kind == Department.Kind.OFFICE
                    else Role.DEPARTMENT_HEAD
                )
            else:
                roles.add(Role.DEPARTMENT_DEPUTY)
        for d in Delegation.objects.filter(
            school=school,
            grantee=staff,
            revoked_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
        ).select_related("grantor", "department"):
            label = f"thay {d.grantor.full_name}"
            if d.kind == Delegation.Kind.DEPARTMENT_HEAD and d.department_id:
                departments.add(d.department_id)
                if Role.DEPARTMENT_HEAD not in roles:
                    roles.add(Role.DEPARTMENT_HEAD)
                    delegated[Role.DEPARTMENT_HEAD] = f"{label} (Tổ trưởng {d.department.name})"
            elif d.kind == Delegation.Kind.PRINCIPAL and Role.PRINCIPAL not in roles:
                roles.add(Role.PRINCIPAL)
                delegated[Role.PRINCIPAL] = f"{label} (Hiệu trưởng)"
    guardian_ids = frozenset(
        user.guardian_profiles.filter(school=school).values_list("pk", flat=True)
    )
    children: set[int] = set()
    if guardian_ids:
        roles.add(Role.PARENT)
        children = set(
            StudentGuardian.objects.filter(guardian_id__in=guardian_ids).values_list(
                "student_id", flat=True
            )
        )
    if InspectorGrant.objects.filter(
        school=school, user=user, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).exists():
        roles.add(Role.INSPECTOR)
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return Actor(
        user=user,
        school=school,
        year=year,
        staff=staff,
        guardian_ids=guardian_ids,
        roles=frozenset(roles),
        taught={k: frozenset(v) for k, v in taught.items()},
        homeroom_class_ids=frozenset(homeroom),
        department_ids=frozenset(departments),
        child_ids=frozenset(children),
        delegated=delegated,
    )
