"""Writing the demo data: two schools, one transaction each, one audit event each.

Demo accounts all share the public password :data:`hoso.demo.data.DEMO_PASSWORD` and are created
with ``must_change_password=False``, so the guided demo works without a forced password change at
first login. The password is hashed once and the same encoded string is given to every demo
account (hashing ~2,000 passwords with Argon2 one by one would take minutes). Never seed a
database that real people use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.db import transaction

from hoso.accounts.models import InspectorGrant, User
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.demo.builder import SchoolPlan, plan_school
from hoso.demo.data import DEMO_PASSWORD, SCHOOLS
from hoso.demo.errors import DemoError
from hoso.organisation.models import (
    Checkpoint,
    Department,
    GradeLevel,
    Holiday,
    HomeroomAssignment,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffPosition,
    Subject,
    SubjectOffering,
    TeachingAssignment,
    Term,
)
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterEntry,
    Student,
    StudentGuardian,
)


@dataclass(frozen=True)
class SeedResult:
    short_name: str
    created: bool
    counts: dict[str, int]


def demo_seed(*, today: date | None = None, codes: tuple[str, ...] = ()) -> list[SeedResult]:
    """Create the demo schools that do not exist yet; leave existing ones untouched.

    ``today``: the reference day every date of the demo derives from (default: the clock's
    today); ``codes``: only these schools (default: both)."""
    today = today or clock.today()
    specs = [s for s in SCHOOLS if not codes or s.code in codes]
    existing = set(
        School.objects.filter(code__in=[s.code for s in specs]).values_list("code", flat=True)
    )
    encoded: str | None = None
    results = []
    for spec in specs:
        if spec.code in existing:
            results.append(SeedResult(spec.short_name, created=False, counts={}))
            continue
        plan = plan_school(spec, today=today)
        encoded = encoded or make_password(DEMO_PASSWORD)
        with transaction.atomic():
            _check_usernames_free(plan)
            _write(plan, encoded)
            counts = plan.counts()
            audit_record(
                event_type="demo.seeded",
                school_id=plan.school.pk,
                target=plan.school,
                after=counts,
            )
            _seed_extensions(plan, today)
        results.append(SeedResult(spec.short_name, created=True, counts=counts))
    return results


# Each domain's demo data (record types, certificates, grades, transcripts) is a module of this
# package with ``seed_demo(school, year, *, today)``; it runs for the current year
# and derives every date from the reference day ``today`` (nothing dated after it).
DEMO_EXTENSIONS = (
    "hoso.demo.records",
    "hoso.demo.signing",
    "hoso.demo.gradebook",
    "hoso.demo.transcripts",
    "hoso.demo.attendance",
    "hoso.demo.transfers",
    "hoso.demo.graduation",
    "hoso.demo.parents",
    "hoso.demo.messages",
    "hoso.demo.correspondence",
)


def _seed_extensions(plan: SchoolPlan, today: date) -> None:
    current = next(y for y in plan.years if not y.is_closed)
    for module_name in DEMO_EXTENSIONS:
        import_module(module_name).seed_demo(plan.school, current, today=today)


def _check_usernames_free(plan: SchoolPlan) -> None:
    wanted = [username for _, username in plan.logins]
    taken = sorted(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    if taken:
        raise DomainError(
            DemoError.USERNAME_TAKEN,
            "Không tạo được dữ liệu mẫu: tên đăng nhập đã có người dùng: " + ", ".join(taken),
        )


def _write(plan: SchoolPlan, encoded_password: str) -> None:
    """Save the plan in dependency order; bulk_create fills in each saved parent's id."""
    plan.school.save()
    SchoolYear.objects.bulk_create(plan.years)
    Term.objects.bulk_create(plan.terms)
    Checkpoint.objects.bulk_create(plan.checkpoints)
    Holiday.objects.bulk_create(plan.holidays)
    GradeLevel.objects.bulk_create(plan.grades)
    Subject.objects.bulk_create(plan.subjects)
    SubjectOffering.objects.bulk_create(plan.offerings)
    Department.objects.bulk_create(plan.departments)
    for user in plan.users:
        user.password = encoded_password
    User.objects.bulk_create(plan.users)
    Staff.objects.bulk_create(plan.staff)
    StaffPosition.objects.bulk_create(plan.extra_positions)
    for department, head, deputy in plan.department_leads:
        department.head = head
        department.deputy = deputy
    Department.objects.bulk_update(plan.departments, ["head", "deputy"])
    SchoolClass.objects.bulk_create(plan.classes)
    HomeroomAssignment.objects.bulk_create(plan.homerooms)
    TeachingAssignment.objects.bulk_create(plan.teaching)
    Student.objects.bulk_create(plan.students)
    Guardian.objects.bulk_create(plan.guardians)
    StudentGuardian.objects.bulk_create(plan.guardian_links)
    Enrolment.objects.bulk_create(plan.enrolments)
    RegisterEntry.objects.bulk_create(plan.register_entries)
    plan.counter.save()
    InspectorGrant.objects.bulk_create(plan.inspector_grants)
