"""Departments and the office team: GIVEN a school, WHEN the administrator creates, renames,
chooses heads for and deletes departments, THEN names are unique, heads are active staff of the
school, nobody names themselves, a department with members stays, roles follow the head at once,
and every change is audited."""

from __future__ import annotations

import pytest

from hoso.accounts.roles import Role
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import Department
from hoso.organisation.setup import actions
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import fresh_school

pytestmark = pytest.mark.django_db


def test_departments_are_created_without_heads_while_there_is_no_staff(fresh):
    admin = fresh.actor("admin")
    maths = actions.department_create(actor=admin, name="Tổ Toán – Tin", kind="subject")
    office = actions.department_create(actor=admin, name="Tổ văn phòng", kind="office")
    assert (maths.head, office.kind) == (None, "office")
    events = AuditEvent.objects.filter(event_type="department.created").order_by("seq")
    assert [e.after["name"] for e in events] == ["Tổ Toán – Tin", "Tổ văn phòng"]


def test_the_head_is_chosen_and_the_role_follows(fresh):
    admin = fresh.actor("admin")
    maths = actions.department_create(actor=admin, name="Tổ Toán – Tin", kind="subject")
    actions.department_update(
        actor=admin,
        department=maths,
        name="Tổ Toán – Tin học",
        kind="subject",
        head_id=str(fresh.staff["teacher"].pk),
        deputy_id="",
    )
    assert Role.DEPARTMENT_HEAD in fresh.actor("teacher").roles
    event = AuditEvent.objects.get(event_type="department.updated")
    assert event.before == {
        "name": "Tổ Toán – Tin",
        "kind": "subject",
        "head": None,
        "deputy": None,
    }
    assert event.after["head"] == fresh.staff["teacher"].pk


def test_nobody_names_themselves_head_or_deputy(fresh):
    admin = fresh.actor("admin")
    with pytest.raises(DomainError) as caught:
        actions.department_create(
            actor=admin, name="Tổ Tin", kind="subject", head_id=fresh.staff["admin"].pk
        )
    assert caught.value.code == SetupError.HEAD_IS_SELF
    with pytest.raises(DomainError) as caught:
        actions.department_create(
            actor=fresh.actor("vice"),
            name="Tổ Tin",
            kind="subject",
            deputy_id=fresh.staff["vice"].pk,
        )
    assert caught.value.code == SetupError.HEAD_IS_SELF
    assert not Department.objects.exists()


def test_heads_are_active_staff_of_this_school_and_two_different_people(fresh):
    admin = fresh.actor("admin")
    other = fresh_school(code="TH-KHAC", level="primary")
    with pytest.raises(DomainError) as caught:
        actions.department_create(
            actor=admin, name="Tổ Tin", kind="subject", head_id=other.staff["teacher"].pk
        )
    assert caught.value.code == SetupError.HEAD_NOT_STAFF
    teacher = fresh.staff["teacher"]
    with pytest.raises(DomainError) as caught:
        actions.department_create(
            actor=admin, name="Tổ Tin", kind="subject", head_id=teacher.pk, deputy_id=teacher.pk
        )
    assert caught.value.code == SetupError.HEAD_SAME_AS_DEPUTY
    teacher.is_active = False
    teacher.save()
    with pytest.raises(DomainError) as caught:
        actions.department_create(actor=admin, name="Tổ Tin", kind="subject", head_id=teacher.pk)
    assert caught.value.code == SetupError.HEAD_NOT_STAFF


def test_names_are_unique_whatever_the_case_and_marks(fresh):
    admin = fresh.actor("admin")
    actions.department_create(actor=admin, name="Tổ Ngữ văn", kind="subject")
    with pytest.raises(DomainError) as caught:
        actions.department_create(actor=admin, name="tổ ngữ văn", kind="subject")
    assert caught.value.code == SetupError.DEPARTMENT_NAME_TAKEN


def test_only_an_empty_department_is_deleted(fresh):
    admin = fresh.actor("admin")
    maths = actions.department_create(actor=admin, name="Tổ Toán", kind="subject")
    teacher = fresh.staff["teacher"]
    teacher.department = maths
    teacher.save()
    with pytest.raises(DomainError) as caught:
        actions.department_delete(actor=admin, department=maths)
    assert caught.value.code == SetupError.DEPARTMENT_NOT_EMPTY
    assert caught.value.message == "Tổ “Tổ Toán” còn 1 thành viên: chỉ xóa được tổ không còn ai."
    teacher.department = None
    teacher.save()
    actions.department_delete(actor=admin, department=maths)
    assert not Department.objects.exists()
    event = AuditEvent.objects.get(event_type="department.deleted")
    assert event.before["name"] == "Tổ Toán" and event.target_id == str(maths.pk)
