"""The Actor: one person, in one school and year, with the roles and scopes derived for them.

Built once per request (a handful of queries) and passed to every policy, selector and action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hoso.accounts.roles import LEADERS, ROLE_LABELS, Role
from hoso.core import clock


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
        """The year is closed and not reopened for anything: everything is read-only."""
        return bool(self.year and self.year.is_closed and not self.year.is_reopened())

    def can_write(self, area: str) -> bool:
        """May ``area`` of the actor's year be written (an open year, or a closed one reopened
        for that area: transcripts, results, gradebook, records, students, organisation)?"""
        return self.year is None or self.year.writable_for(area)

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
    from django.db import connection

    from hoso.accounts.models import InspectorGrant
    from hoso.organisation.models import School, Staff
    from hoso.students.models import Guardian

    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(School.objects.all())
    # Raw SQL: this runs on every request, and the ORM spent more time compiling the query
    # than the database answering it.
    sql = (
        f"SELECT * FROM {School._meta.db_table} WHERE "
        f"id IN (SELECT school_id FROM {Staff._meta.db_table} WHERE user_id = %(user)s "
        "AND is_active = %(yes)s AND (end_date IS NULL OR end_date > %(today)s)) "
        f"OR id IN (SELECT school_id FROM {Guardian._meta.db_table} WHERE user_id = %(user)s) "
        f"OR id IN (SELECT school_id FROM {InspectorGrant._meta.db_table} WHERE user_id = %(user)s "
        "AND revoked_at IS NULL AND starts_at <= %(now)s AND ends_at > %(now)s) "
        "ORDER BY name, id"  # School.Meta.ordering: the first is the default school
    )
    now = connection.ops.adapt_datetimefield_value(clock.now())
    today = connection.ops.adapt_datefield_value(clock.today())
    return list(School.objects.raw(sql, {"user": user.pk, "yes": True, "now": now, "today": today}))


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


def _memberships_sql() -> str:
    """One statement for everything build_actor reads besides the staff row (it runs on every
    request; as eight ORM queries it cost more in query compilation than in the database).
    Rows: (kind, int_a, int_b, text_a) — p: an extra position; t: (class, subject) taught on
    the year's reference day; h: homeroom class on that day; d: (department, 1 if head else 0,
    kind); x: delegations in force; g: guardian profile; i: inspector grants in force."""
    from hoso.accounts.models import Delegation, InspectorGrant
    from hoso.organisation.assignments.selectors import in_force_sql
    from hoso.organisation.models import (
        Department,
        HomeroomAssignment,
        SchoolClass,
        StaffPosition,
        TeachingAssignment,
    )
    from hoso.students.models import Guardian

    t = {
        "sp": StaffPosition._meta.db_table,
        "ta": TeachingAssignment._meta.db_table,
        "ha": HomeroomAssignment._meta.db_table,
        "sc": SchoolClass._meta.db_table,
        "dp": Department._meta.db_table,
        "dl": Delegation._meta.db_table,
        "gd": Guardian._meta.db_table,
        "ig": InspectorGrant._meta.db_table,
    }
    none_int = "CAST(NULL AS INTEGER)"
    none_text = "CAST(NULL AS VARCHAR(20))"
    return f"""
SELECT 'p', {none_int}, {none_int}, sp.position FROM {t["sp"]} sp WHERE sp.staff_id = %(staff)s
UNION ALL
SELECT 't', ta.school_class_id, ta.subject_id, {none_text} FROM {t["ta"]} ta
  INNER JOIN {t["sc"]} c ON c.id = ta.school_class_id
  WHERE ta.teacher_id = %(staff)s AND c.year_id = %(year)s AND {in_force_sql("ta", "day")}
UNION ALL
SELECT 'h', ha.school_class_id, {none_int}, {none_text} FROM {t["ha"]} ha
  INNER JOIN {t["sc"]} c ON c.id = ha.school_class_id
  WHERE ha.teacher_id = %(staff)s AND c.year_id = %(year)s AND {in_force_sql("ha", "day")}
UNION ALL
SELECT 'd', d.id, CASE WHEN d.head_id = %(staff)s THEN 1 ELSE 0 END, d.kind FROM {t["dp"]} d
  WHERE d.school_id = %(school)s AND (d.head_id = %(staff)s OR d.deputy_id = %(staff)s)
UNION ALL
SELECT 'x', COUNT(*), {none_int}, {none_text} FROM {t["dl"]} dl
  WHERE dl.school_id = %(school)s AND dl.grantee_id = %(staff)s AND dl.revoked_at IS NULL
  AND dl.starts_at <= %(now)s AND dl.ends_at > %(now)s
UNION ALL
SELECT 'g', g.id, {none_int}, {none_text} FROM {t["gd"]} g
  WHERE g.user_id = %(user)s AND g.school_id = %(school)s
UNION ALL
SELECT 'i', COUNT(*), {none_int}, {none_text} FROM {t["ig"]} ig
  WHERE ig.school_id = %(school)s AND ig.user_id = %(user)s AND ig.revoked_at IS NULL
  AND ig.starts_at <= %(now)s AND ig.ends_at > %(now)s
"""


_MEMBERSHIPS_SQL: str | None = None


def build_actor(user, school, year, *, now=None) -> Actor:
    """Derive roles and scopes for ``user`` in ``school``/``year``: two statements (the staff
    row, then one UNION of positions, assignments, departments, delegations, guardian profiles
    and inspector grants), plus one for delegations when some are in force.

    Teaching and homeroom assignments count as they stand on the year's reference day (today
    inside the year, its last day once it is over): a change from a date takes effect that day,
    and a past year shows its final owners (ADR 0004)."""
    global _MEMBERSHIPS_SQL
    from django.db import connection

    from hoso.accounts.models import Delegation
    from hoso.organisation.models import Department, Staff
    from hoso.students.models import StudentGuardian

    now = now or clock.now()
    if school is None or not user.is_authenticated:
        return Actor(user=user)
    roles: set[Role] = set()
    delegated: dict[Role, str] = {}
    # From the day an end of employment takes effect the person holds nothing here, even
    # before the daily staff_apply_ends has done the bookkeeping.
    staff = (
        Staff.objects.filter(school=school, user=user, is_active=True)
        .exclude(end_date__lte=now.astimezone(clock.VN_TZ).date())
        .first()
    )
    taught: dict[int, set[int]] = {}
    homeroom: set[int] = set()
    departments: set[int] = set()
    guardians: set[int] = set()
    positions: set[str] = {staff.position} if staff is not None else set()
    delegations = inspector_grants = 0
    if _MEMBERSHIPS_SQL is None:
        _MEMBERSHIPS_SQL = _memberships_sql()
    from hoso.organisation.assignments.selectors import reference_day

    today = now.astimezone(clock.VN_TZ).date()
    day = reference_day(year, today=today) if year is not None else today
    params = {
        "staff": staff.pk if staff is not None else -1,
        "year": year.pk if year is not None else -1,
        "day": connection.ops.adapt_datefield_value(day),
        "school": school.pk,
        "user": user.pk,
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(_MEMBERSHIPS_SQL, params)
        rows = cursor.fetchall()
    for kind, int_a, int_b, text_a in rows:
        if kind == "p":
            positions.add(text_a)
        elif kind == "t":
            taught.setdefault(int_a, set()).add(int_b)
        elif kind == "h":
            homeroom.add(int_a)
        elif kind == "d":
            if int_b:
                departments.add(int_a)
                roles.add(
                    Role.OFFICE_HEAD if text_a == Department.Kind.OFFICE else Role.DEPARTMENT_HEAD
                )
            else:
                roles.add(Role.DEPARTMENT_DEPUTY)
        elif kind == "x":
            delegations = int_a
        elif kind == "g":
            guardians.add(int_a)
        elif kind == "i":
            inspector_grants = int_a
    roles |= {_POSITION_ROLES[p] for p in positions if p in _POSITION_ROLES}
    if taught:
        roles.add(Role.SUBJECT_TEACHER)
    if homeroom:
        roles.add(Role.HOMEROOM_TEACHER)
    if staff is not None and delegations:
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
    guardian_ids = frozenset(guardians)
    children: set[int] = set()
    if guardian_ids:
        roles.add(Role.PARENT)
        children = set(
            StudentGuardian.objects.filter(guardian_id__in=guardian_ids).values_list(
                "student_id", flat=True
            )
        )
    if inspector_grants:
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
