"""Kế hoạch bài dạy chờ kiểm tra: GIVEN teachers' submitted lesson plans, WHEN the vice principal
opens the check list, THEN the plans not yet checked since their latest submission are listed with
links to the record, filtered by department, teacher and school week; a check takes one off;
only the principal and vice principals see it; the vice principal's home links to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.records import actions
from hoso.records.tests.helpers import lesson_plan, pdf, setup_records

pytestmark = pytest.mark.django_db
URL = "records:checklist"


@pytest.fixture
def plans(world):
    setup_records(world)
    out = {}
    for who, week in (("subject", 10), ("homeroom", 11)):
        ob = lesson_plan(world, who, week=week)
        actions.submission_upload(
            actor=world.actor(who), obligation_id=ob.pk, upload=pdf(), submit=True
        )
        out[who] = ob
    return out


def _listed(client, **query) -> str:
    response = client.get(reverse(URL), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_vice_principal_sees_submitted_plans_filters_and_checks_them(client, world, plans):
    client.force_login(world.users["vice"])
    body = _listed(client)
    for who, ob in plans.items():
        assert world.people[who].full_name in body
        assert reverse("records:obligation", args=[ob.pk]) in body
    assert plans["subject"].period_label in body and "Tuần 10" in body

    by_week = _listed(client, tuan=10)
    assert world.people["subject"].full_name in by_week.split("<table")[1]
    assert world.people["homeroom"].full_name not in by_week.split("<table")[1]
    dept = world.people["subject"].department
    by_dept = _listed(client, to=dept.pk).split("<table")[1]
    assert reverse("records:obligation", args=[plans["subject"].pk]) in by_dept
    assert reverse("records:obligation", args=[plans["homeroom"].pk]) not in by_dept
    by_teacher = _listed(client, nguoi=world.people["homeroom"].pk).split("<table")[1]
    assert reverse("records:obligation", args=[plans["subject"].pk]) not in by_teacher

    # checked: off the list (the department head's approval does not take it off)
    actions.obligation_approve(actor=world.actor("dept_head"), obligation_id=plans["subject"].pk)
    assert reverse("records:obligation", args=[plans["subject"].pk]) in _listed(client)
    actions.obligation_check(actor=world.actor("vice"), obligation_id=plans["subject"].pk)
    assert reverse("records:obligation", args=[plans["subject"].pk]) not in _listed(client)


def test_bad_filters_are_explained_and_kept(client, world, plans):
    client.force_login(world.users["vice"])
    body = _listed(client, tuan="abc")
    assert "Tuần “abc” không hợp lệ" in body
    assert world.people["subject"].full_name in body


@pytest.mark.parametrize("who", ["subject", "dept_head", "parent", "inspector"])
def test_only_the_principal_and_vice_principals_see_it(client, world, plans, who):
    client.force_login(world.users[who])
    assert client.get(reverse(URL)).status_code == 403


def test_the_vice_principals_home_links_to_the_check_list(client, world, plans):
    client.force_login(world.users["vice"])
    home = client.get("/").content.decode()
    assert "2 kế hoạch bài dạy chờ kiểm tra" in home and reverse(URL) in home
    client.force_login(world.users["subject"])
    assert "chờ kiểm tra" not in client.get("/").content.decode()
