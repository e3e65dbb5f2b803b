"""The API for moving a student: class change, return, the student's path, the class list
keeping who left."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hoso.audit.models import AuditEvent
from hoso.students import actions
from hoso.students.models import Enrolment

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def as_user(world, who) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_clerk_changes_a_class_and_the_lists_keep_the_student(world):
    client = as_user(world, "clerk")
    url = f"{V1}/students/{world.student_a.pk}/class-change"
    response = post(
        client, url, {"school_class": world.class_b.pk, "on": "2026-12-02", "reason": "Sĩ số"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["school_class"] == {"id": world.class_b.pk, "name": "6A2"}
    assert body["status"] == "studying" and body["start_date"] == "2026-12-02"
    assert AuditEvent.objects.get(event_type="enrolment.class_changed").channel == "api"
    # again: the same class now
    again = post(client, url, {"school_class": world.class_b.pk, "on": "2026-12-03"})
    assert again.status_code == 400 and again.json()["code"] == "SAME_CLASS"
    # the old class's list keeps An, left
    roster = client.get(f"{V1}/classes/{world.class_a.pk}/students").json()
    an = next(r for r in roster if r["id"] == world.student_a.pk)
    assert an["left"] is True and an["status"] == "class_changed"
    assert an["end_date"] == "2026-12-02" and an["note"] == "Sĩ số"
    path = client.get(f"{V1}/students/{world.student_a.pk}/enrolments").json()
    assert [(e["school_class"]["name"], e["status"]) for e in path] == [
        ("6A2", "studying"),
        ("6A1", "class_changed"),
    ]


def test_class_change_refusals_over_the_api(world):
    url = f"{V1}/students/{world.student_a.pk}/class-change"
    body = {"school_class": world.class_b.pk, "on": "2026-12-02"}
    for who in ("homeroom", "subject", "parent"):
        assert post(as_user(world, who), url, body).status_code == 403, who
    clerk = as_user(world, "clerk")
    outside = post(clerk, url, {**body, "on": "2027-08-01"})
    assert outside.status_code == 400 and outside.json()["code"] == "BAD_DATE"
    assert "ngoài năm học" in outside.json()["detail"]
    assert post(clerk, url, {**body, "school_class": 999999}).status_code == 404
    assert post(clerk, f"{V1}/students/999999/class-change", body).status_code == 404
    assert post(clerk, url, {"on": "2026-12-02"}).status_code == 422
    assert Enrolment.objects.filter(student=world.student_a).count() == 1


def test_return_over_the_api(world):
    clerk = as_user(world, "clerk")
    url = f"{V1}/students/{world.student_a.pk}/return"
    body = {"school_class": world.class_a.pk, "on": "2026-11-16", "reason": "Gia đình ổn định"}
    refused = post(clerk, url, body)
    assert refused.status_code == 400 and refused.json()["code"] == "ALREADY_ENROLLED"
    actions.enrolment_end(
        actor=world.actor("clerk"),
        enrolment=world.student_a.enrolments.get(),
        status="dropped_out",
        end_date=date(2026, 11, 1),
    )
    assert post(as_user(world, "homeroom"), url, body).status_code == 403
    response = post(clerk, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["note"] == "Trở lại học — Gia đình ổn định"
    assert world.student_a.enrolments.count() == 2
