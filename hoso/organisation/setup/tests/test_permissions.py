"""Who may do what in the set-up, role by role (the small school's people): GIVEN each person,
WHEN they open the set-up, prepare a step or confirm, THEN exactly the principal, vice principals
and the administrator prepare, the principal confirms, inspectors only read, everyone else gets
403 (logged); objects of another school answer 404; a closed year refuses writes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hoso.accounts.actor import build_actor
from hoso.audit.models import AuditEvent
from hoso.core.errors import PermissionDeniedError
from hoso.organisation.models import Department, SchoolClass
from hoso.organisation.setup import actions, policies
from hoso.testing.factories import PASSWORD, make_year, small_school

pytestmark = pytest.mark.django_db

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
READERS = {"principal", "vice", "admin", "inspector"}
PREPARERS = {"principal", "vice", "admin"}
CONFIRMERS = {"principal"}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_policy_matrix(world, who):
    actor = world.actor(who)
    assert policies.can_view(actor) == (who in READERS)
    assert policies.can_prepare(actor) == (who in PREPARERS)
    assert policies.can_confirm(actor) == (who in CONFIRMERS)
    assert policies.can_create_year(actor) == (who in PREPARERS)


@pytest.mark.parametrize("who", sorted(set(PEOPLE) - PREPARERS))
def test_everyone_else_is_refused_a_write_and_the_refusal_is_logged(world, who):
    with pytest.raises(PermissionDeniedError):
        actions.classes_add(
            actor=world.actor(who), grade_number=6, names=["6A9"], sessions_per_day=1
        )
    assert not SchoolClass.objects.filter(name="6A9").exists()
    assert AuditEvent.objects.filter(
        event_type="access.forbidden", target_repr__contains="thêm lớp"
    ).exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_the_pages_answer_by_role(world, who):
    client = Client()
    assert client.login(username=world.users[who].username, password=PASSWORD)
    page = client.get(reverse("organisation:setup:index"))
    assert page.status_code == (200 if who in READERS else 403)
    post = client.post(
        reverse("organisation:setup:classes_add"),
        {"grade": "6", "names": "6A9", "sessions_per_day": "1"},
    )
    assert post.status_code == (302 if who in PREPARERS else 403)


def test_the_inspector_reads_without_buttons(world):
    client = Client()
    client.login(username=world.users["inspector"].username, password=PASSWORD)
    html = client.get(reverse("organisation:setup:classes")).content.decode()
    assert "Bạn chỉ xem được các trang thiết lập." in html
    assert "Thêm lớp" not in html and "6A1" in html


def test_a_closed_year_refuses_writes_and_says_so(world):
    closed = make_year(world.school, "2025-2026", closed=True)
    admin = build_actor(world.users["admin"], world.school, closed)
    assert policies.can_view(admin) and not policies.can_prepare(admin)
    assert policies.can_create_year(admin)  # the way out of a closed year
    with pytest.raises(PermissionDeniedError):
        actions.department_create(actor=admin, name="Tổ mới", kind="subject")
    client = Client()
    client.login(username=world.users["admin"].username, password=PASSWORD)
    session = client.session
    session["hoso_year_id"] = closed.pk
    session.save()
    html = client.get(reverse("organisation:setup:departments")).content.decode()
    assert "Năm học 2025-2026 đã khóa" in html
    assert (
        client.post(
            reverse("organisation:setup:department_add"), {"name": "Tổ mới", "kind": "subject"}
        ).status_code
        == 403
    )
    assert not Department.objects.filter(name="Tổ mới").exists()


def test_another_schools_objects_answer_404(world):
    other = small_school(code="KHAC")
    client = Client()
    client.login(username=world.users["admin"].username, password=PASSWORD)
    dept = Department.objects.filter(school=other.school).first()
    for url in (
        reverse("organisation:setup:class_update", args=[other.class_a.pk]),
        reverse("organisation:setup:class_delete", args=[other.class_a.pk]),
        reverse("organisation:setup:department_update", args=[dept.pk]),
        reverse("organisation:setup:department_delete", args=[dept.pk]),
        reverse("organisation:setup:subject_delete", args=[other.math.pk]),
    ):
        assert (
            client.post(url, {"name": "X", "sessions_per_day": "1", "kind": "subject"}).status_code
            == 404
        ), url
    assert (
        client.get(reverse("organisation:setup:subject_edit", args=[other.math.pk])).status_code
        == 404
    )
    assert client.post(reverse("organisation:setup:grade_save", args=[12])).status_code == 404
    other.class_a.refresh_from_db()
    assert other.class_a.name == "6A1"
    assert AuditEvent.objects.filter(event_type="access.not_found").count() >= 6
