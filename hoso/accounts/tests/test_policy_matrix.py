"""The policy matrix: every role × action × scope (GIVEN a small school, WHEN each person acts,
THEN exactly the expected scope answers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hoso.accounts.models import Delegation
from hoso.accounts.policies import Perm, can
from hoso.accounts.roles import Role
from hoso.organisation.policies import can_edit_class_students, visible_classes, visible_staff
from hoso.students.policies import can_edit_student, visible_students

PEOPLE = [
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
    "parent",
    "inspector",
    "outsider",
]

EXPECTED_ROLES = {
    "principal": {Role.PRINCIPAL},
    "vice": {Role.VICE_PRINCIPAL},
    "dept_head": {Role.DEPARTMENT_HEAD},
    "deputy": {Role.DEPARTMENT_DEPUTY},
    "homeroom": {Role.HOMEROOM_TEACHER, Role.SUBJECT_TEACHER},
    "subject": {Role.SUBJECT_TEACHER},
    "clerk": {Role.CLERK, Role.OFFICE_HEAD},
    "accountant": {Role.ACCOUNTANT},
    "admin": {Role.ADMINISTRATOR},
    "medical": {Role.MEDICAL},
    "librarian": {Role.LIBRARIAN},
    "doi": {Role.DOI_LEADER},
    "parent": {Role.PARENT},
    "inspector": {Role.INSPECTOR},
    "outsider": set(),
}

SCHOOL_WIDE = {"principal", "vice", "admin", "clerk", "inspector", "medical", "doi"}
# Which classes each person sees: "A" = 6A1, "B" = 6A2.
EXPECTED_CLASSES = {k: {"A", "B"} for k in SCHOOL_WIDE} | {
    "dept_head": {"A"},  # the department's subject teacher teaches 6A1
    "deputy": set(),
    "homeroom": {"A"},
    "subject": {"A"},
    "accountant": set(),
    "librarian": set(),
    "parent": set(),
    "outsider": set(),
}
EXPECTED_STUDENTS = dict(EXPECTED_CLASSES) | {"parent": {"A"}}

PERMS = {
    Perm.VIEW_SCHOOL: SCHOOL_WIDE,
    Perm.VIEW_STAFF: {"principal", "vice", "admin", "clerk", "inspector"},
    Perm.VIEW_STAFF_PERSONAL: {"principal", "vice", "clerk"},
    Perm.EDIT_STAFF: {"clerk", "admin"},
    Perm.ASSIGN_POSITIONS: {"principal", "vice", "admin", "clerk"},
    Perm.MANAGE_ACCOUNTS: {"admin", "vice"},
    Perm.MANAGE_ORGANISATION: {"principal", "vice", "admin"},
    Perm.VIEW_AUDIT: {"principal", "vice", "admin"},
    Perm.EDIT_STUDENTS: {"clerk", "vice"},
    Perm.IMPORT_STUDENTS: {"clerk", "vice"},
    Perm.MANAGE_ENROLMENT: {"clerk", "vice"},
    Perm.DELEGATE_DEPARTMENT: {"dept_head"},
    Perm.DELEGATE_PRINCIPAL: {"principal"},
    Perm.GRANT_INSPECTOR: {"principal"},
    Perm.ROLL_OVER: {"clerk", "vice", "principal"},
    Perm.REOPEN_YEAR: {"principal"},
}
# Who may edit the profile of the student in 6A1 ("A") and 6A2 ("B").
EXPECTED_EDIT = {"clerk": {"A", "B"}, "vice": {"A", "B"}, "homeroom": {"A"}}


@pytest.mark.django_db
def test_roles_are_derived_from_positions_and_assignments(world):
    for person in PEOPLE:
        assert set(world.actor(person).roles) == EXPECTED_ROLES[person], person


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_scope_of_classes_students_and_edits(world, person):
    actor = world.actor(person)
    letter = {world.class_a.pk: "A", world.class_b.pk: "B"}
    seen = {letter[c.pk] for c in visible_classes(actor)}
    assert seen == EXPECTED_CLASSES[person]
    student_letter = {world.student_a.pk: "A", world.student_b.pk: "B"}
    students = {student_letter[s.pk] for s in visible_students(actor)}
    assert students == EXPECTED_STUDENTS[person]
    editable = {
        student_letter[s.pk]
        for s in (world.student_a, world.student_b)
        if can_edit_student(actor, s)
    }
    assert editable == EXPECTED_EDIT.get(person, set())
    class_edit = {
        letter[c.pk] for c in (world.class_a, world.class_b) if can_edit_class_students(actor, c)
    }
    assert class_edit == EXPECTED_EDIT.get(person, set())


@pytest.mark.django_db
@pytest.mark.parametrize("perm", list(Perm))
def test_permission_matrix(world, perm):
    holders = {person for person in PEOPLE if can(world.actor(person), perm)}
    assert holders == PERMS[perm]


@pytest.mark.django_db
def test_department_head_sees_its_department_staff_only(world):
    names = {s.pk for s in visible_staff(world.actor("dept_head"))}
    expected = {world.people[k].pk for k in ("dept_head", "deputy", "subject")}
    assert names == expected
    assert not visible_staff(world.actor("homeroom")).exists()


@pytest.mark.django_db
def test_closed_year_is_read_only_for_every_role(world):
    from hoso.testing.factories import make_year

    old = make_year(world.school, "2025-2026", closed=True)
    for person in PEOPLE:
        actor = world.actor(person, year=old)
        for perm in (
            Perm.EDIT_STUDENTS,
            Perm.IMPORT_STUDENTS,
            Perm.MANAGE_ENROLMENT,
            Perm.MANAGE_ORGANISATION,
        ):
            assert not can(actor, perm), (person, perm)
        assert not can_edit_student(actor, world.student_a)


@pytest.mark.django_db
def test_delegation_is_time_bounded(world):
    now = timezone.now()
    Delegation.objects.create(
        school=world.school,
        kind=Delegation.Kind.DEPARTMENT_HEAD,
        grantor=world.people["dept_head"],
        grantee=world.people["deputy"],
        department=world.people["dept_head"].department,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    deputy = world.actor("deputy")
    assert Role.DEPARTMENT_HEAD in deputy.roles
    assert deputy.acting_as_for(Role.DEPARTMENT_HEAD).startswith("thay Lê Văn Toàn")
    assert {c.pk for c in visible_classes(deputy)} == {world.class_a.pk}
    assert can(deputy, Perm.DELEGATE_DEPARTMENT)  # acting head; re-delegation is refused by action
    later = world.users["deputy"]
    from hoso.accounts.actor import build_actor

    after_end = build_actor(later, world.school, world.year, now=now + timedelta(hours=2))
    assert Role.DEPARTMENT_HEAD not in after_end.roles
    before_start = build_actor(later, world.school, world.year, now=now - timedelta(hours=2))
    assert Role.DEPARTMENT_HEAD not in before_start.roles


@pytest.mark.django_db
def test_principal_delegation_gives_vice_principal_principal_powers(world):
    now = timezone.now()
    Delegation.objects.create(
        school=world.school,
        kind=Delegation.Kind.PRINCIPAL,
        grantor=world.people["principal"],
        grantee=world.people["vice"],
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=1),
    )
    vice = world.actor("vice")
    assert Role.PRINCIPAL in vice.roles and can(vice, Perm.GRANT_INSPECTOR)
    assert "Nguyễn Văn Hùng" in vice.acting_as_for(Role.PRINCIPAL)


@pytest.mark.django_db
def test_expired_inspector_grant_gives_nothing(world):
    from hoso.accounts.models import InspectorGrant

    InspectorGrant.objects.filter(user=world.users["inspector"]).update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert world.actor("inspector").roles == frozenset()
