"""Small, explicit builders for tests (no fixture files). ``small_school()`` gives one school
with two classes and one person per role, enough for the permission matrix."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from hoso.accounts.actor import Actor, build_actor
from hoso.accounts.models import InspectorGrant, User
from hoso.core import clock
from hoso.organisation.models import (
    Department,
    GradeLevel,
    HomeroomAssignment,
    Level,
    Position,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    TeachingAssignment,
    Term,
)
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterCounter,
    RegisterEntry,
    Student,
    StudentGuardian,
)

PASSWORD = "Matkhau2026"
# The people of ``small_school()`` (keys of ``world.users``), for tests that try every role.
SMALL_SCHOOL_ROLES = (
    "principal",
    "vice",
    "dept_head",
    "deputy",
    "homeroom",
    "subject",
    "clerk",
    "accountant",
    "admin",
    "medical",
    "librarian",
    "doi",
    "outsider",
    "parent",
    "inspector",
)
_seq = itertools.count(1)


_HASH: list[str] = []


def password_hash() -> str:
    """One Argon2 hash of PASSWORD, computed once: hashing per user would slow every test."""
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(PASSWORD))
    return _HASH[0]


def make_user(username: str, name: str = "", **extra) -> User:
    user = User(username=username, display_name=name or username, must_change_password=False)
    for k, v in extra.items():
        setattr(user, k, v)
    user.password = password_hash()
    user.save()
    return user


def make_school(code: str = "", level: str = Level.LOWER_SECONDARY) -> School:
    n = next(_seq)
    return School.objects.create(
        code=code or f"T{n}",
        name=f"Trường THCS Thử Nghiệm {n}",
        short_name=f"THCS TN{n}",
        levels=[level],
        superior_kind="commune",
        office_name="Ủy ban nhân dân phường Thử Nghiệm",
        province="Thành phố Hải Phòng",
        commune="Phường Thử Nghiệm",
    )


def make_year(school: School, name: str = "2026-2027", closed: bool = False) -> SchoolYear:
    start_year = int(name[:4])
    year = SchoolYear.objects.create(
        school=school,
        name=name,
        start_date=date(start_year, 9, 5),
        end_date=date(start_year + 1, 5, 31),
        is_closed=closed,
        rulesets={"lower_secondary": "TT22_2021"},
    )
    Term.objects.create(
        year=year, number=1, start_date=date(start_year, 9, 5), end_date=date(start_year + 1, 1, 16)
    )
    Term.objects.create(
        year=year,
        number=2,
        start_date=date(start_year + 1, 1, 18),
        end_date=date(start_year + 1, 5, 31),
    )
    return year


def make_staff(
    school: School,
    name: str,
    position: str = Position.TEACHER,
    *,
    username=None,
    department=None,
    gender="F",
) -> Staff:
    family, *rest = name.split(" ")
    staff = Staff(
        school=school,
        code=f"CB{next(_seq):04d}",
        family_name=family,
        middle_name=" ".join(rest[:-1]),
        given_name=rest[-1] if rest else family,
        gender=gender,
        position=position,
        department=department,
    )
    if username:
        staff.user = make_user(username, name)
    staff.refresh_name_keys()
    staff.save()
    return staff


def make_student(
    school: School,
    school_class: SchoolClass,
    name: str,
    *,
    code: str = "",
    birth=date(2015, 3, 4),
    gender="M",
) -> Student:
    family, *rest = name.split(" ")
    student = Student(
        school=school,
        student_code=code or f"{next(_seq):010d}",
        family_name=family,
        middle_name=" ".join(rest[:-1]),
        given_name=rest[-1],
        gender=gender,
        birth_date=birth,
    )
    student.refresh_name_keys()
    student.save()
    Enrolment.objects.create(
        student=student,
        year=school_class.year,
        school_class=school_class,
        start_date=birth.replace(year=school_class.year.start_date.year),
    )
    counter, _ = RegisterCounter.objects.get_or_create(school=school)
    counter.last_number += 1
    counter.save()
    RegisterEntry.objects.create(
        school=school,
        number=counter.last_number,
        student=student,
        entered_on=school_class.year.start_date,
        year_name=school_class.year.name,
    )
    return student


@dataclass
class SmallSchool:
    school: School
    year: SchoolYear
    term1: Term
    class_a: SchoolClass  # 6A1
    class_b: SchoolClass  # 6A2
    math: Subject
    literature: Subject
    people: dict[str, Staff] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    student_a: Student | None = None  # in 6A1, child of the parent
    student_b: Student | None = None  # in 6A2

    def actor(self, role_key: str, *, year=None) -> Actor:
        return build_actor(self.users[role_key], self.school, year or self.year)


def small_school(code: str = "") -> SmallSchool:
    """One school, year 2026-2027, classes 6A1 and 6A2, one person per role:
    principal, vice, dept_head (Toán, teaches nothing), deputy, office_head (clerk),
    homeroom (6A1, teaches literature 6A1), subject (math 6A1 only), clerk, accountant, admin,
    medical, librarian, doi, parent (of student_a), inspector, outsider (no role)."""
    school = make_school(code)
    year = make_year(school)
    term1 = year.terms.get(number=1)
    grade = GradeLevel.objects.create(school=school, number=6, level=Level.LOWER_SECONDARY)
    class_a = SchoolClass.objects.create(year=year, grade=grade, name="6A1")
    class_b = SchoolClass.objects.create(year=year, grade=grade, name="6A2")
    math = Subject.objects.create(
        school=school, level=Level.LOWER_SECONDARY, code="TOAN", name="Toán", assessment="score"
    )
    literature = Subject.objects.create(
        school=school,
        level=Level.LOWER_SECONDARY,
        code="NGU_VAN",
        name="Ngữ văn",
        assessment="score",
    )
    for subject in (math, literature):
        SubjectOffering.objects.create(subject=subject, grade=grade, periods_per_year=140)
    maths_dept = Department.objects.create(school=school, name="Tổ Toán – Tin")
    lit_dept = Department.objects.create(school=school, name="Tổ Ngữ văn")
    office = Department.objects.create(school=school, name="Tổ văn phòng", kind="office")
    sfx = school.code.lower()
    p: dict[str, Staff] = {}
    p["principal"] = make_staff(
        school, "Nguyễn Văn Hùng", Position.PRINCIPAL, username=f"principal.{sfx}", gender="M"
    )
    p["vice"] = make_staff(school, "Trần Thị Mai", Position.VICE_PRINCIPAL, username=f"vice.{sfx}")
    p["dept_head"] = make_staff(
        school, "Lê Văn Toàn", username=f"head.{sfx}", department=maths_dept, gender="M"
    )
    p["deputy"] = make_staff(
        school, "Phạm Thị Hoa", username=f"deputy.{sfx}", department=maths_dept
    )
    p["homeroom"] = make_staff(
        school, "Đỗ Thị Lan", username=f"homeroom.{sfx}", department=lit_dept
    )
    p["subject"] = make_staff(
        school, "Vũ Minh Đức", username=f"subject.{sfx}", department=maths_dept, gender="M"
    )
    p["clerk"] = make_staff(
        school, "Bùi Thị Thu", Position.CLERK, username=f"clerk.{sfx}", department=office
    )
    p["accountant"] = make_staff(
        school, "Ngô Thị Yến", Position.ACCOUNTANT, username=f"accountant.{sfx}", department=office
    )
    p["admin"] = make_staff(
        school, "Hồ Quang Huy", Position.ADMINISTRATOR, username=f"admin.{sfx}", gender="M"
    )
    p["medical"] = make_staff(school, "Dương Thị Nga", Position.MEDICAL, username=f"medical.{sfx}")
    p["librarian"] = make_staff(
        school, "Lý Thị Hằng", Position.LIBRARIAN, username=f"librarian.{sfx}"
    )
    p["doi"] = make_staff(
        school, "Đặng Văn Nam", Position.DOI_LEADER, username=f"doi.{sfx}", gender="M"
    )
    p["outsider"] = make_staff(school, "Hoàng Văn Bảy", username=f"outsider.{sfx}", gender="M")
    maths_dept.head, maths_dept.deputy = p["dept_head"], p["deputy"]
    maths_dept.save()
    office.head = p["clerk"]
    office.save()
    TeachingAssignment.objects.create(
        teacher=p["subject"], school_class=class_a, subject=math, term=term1
    )
    TeachingAssignment.objects.create(
        teacher=p["homeroom"], school_class=class_a, subject=literature, term=term1
    )
    HomeroomAssignment.objects.create(teacher=p["homeroom"], school_class=class_a)
    student_a = make_student(school, class_a, "Nguyễn Văn An")
    student_b = make_student(school, class_b, "Trần Thị Bình", gender="F")
    parent_user = make_user(f"parent.{sfx}", "Nguyễn Văn Cường")
    guardian = Guardian.objects.create(
        school=school,
        user=parent_user,
        full_name="Nguyễn Văn Cường",
        phone="0912345678",
        search_name="nguyen van cuong",
    )
    StudentGuardian.objects.create(student=student_a, guardian=guardian, relation="father")
    inspector = make_user(f"inspector.{sfx}", "Thanh tra Sở GD")
    users = {k: s.user for k, s in p.items()}
    users["parent"] = parent_user
    users["inspector"] = inspector
    InspectorGrant.objects.create(
        school=school,
        user=inspector,
        organisation="Sở GD&ĐT",
        granted_by=users["principal"],
        ends_at=clock.now() + timedelta(days=30),
    )
    return SmallSchool(
        school=school,
        year=year,
        term1=term1,
        class_a=class_a,
        class_b=class_b,
        math=math,
        literature=literature,
        people=p,
        users=users,
        student_a=student_a,
        student_b=student_b,
    )
