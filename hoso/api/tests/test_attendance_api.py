"""Attendance over JSON: GIVEN the small school, WHEN the homeroom teacher reads and saves a roll,
reads a month, and a parent asks leave through /api/v1/attendance, THEN the same scopes and
actions as the pages hold (404 out of scope, 403 out of role, 400 with the code)."""

from __future__ import annotations

import pytest
from django.test import Client

from hoso.accounts.actions import api_token_create
from hoso.attendance.models import AttendanceMark, LeaveRequest
from hoso.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
V1 = "/api/v1/attendance"


def token_client(world, who: str) -> Client:
    _, token = api_token_create(user=world.users[who], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_roll_get_put_and_month(world):
    w = world
    teacher = token_client(w, "homeroom")
    url = f"{V1}/classes/{w.class_a.pk}/roll"
    got = teacher.get(url, {"date": "2026-11-19", "session": "morning"})
    assert got.status_code == 200
    assert got.json()["taken_by"] is None
    assert [s["status"] for s in got.json()["students"]] == ["present"]
    body = {"date": "2026-11-19", "session": "morning", "marks": {str(w.student_a.pk): "absent"}}
    saved = teacher.put(url, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["students"][0]["status"] == "absent"
    assert saved.json()["taken_by"] == "Đỗ Thị Lan"
    assert AuditEvent.objects.filter(event_type="attendance.roll_taken").count() == 1
    month = teacher.get(f"{V1}/classes/{w.class_a.pk}/months/2026-11").json()
    assert month["state"] == "open" and month["window_closes"] == "2026-12-05"
    row = month["students"][0]
    assert row["pending"] == 1 and "?" in row["cells"]
    assert teacher.get(f"{V1}/classes/{w.class_a.pk}/months/2026-13").status_code == 400


def test_roll_scope_and_refusals(world):
    w = world
    url = f"{V1}/classes/{w.class_a.pk}/roll"
    body = {"date": "2026-11-19", "session": "morning", "marks": {}}
    assert token_client(w, "parent").get(url).status_code == 404
    assert token_client(w, "medical").get(url).status_code == 404
    # The clerk reads any class's roll but does not take it.
    clerk = token_client(w, "clerk")
    assert clerk.get(url).status_code == 200
    assert clerk.put(url, body, content_type="application/json").status_code == 403
    subject = token_client(w, "subject")
    assert subject.get(url).status_code == 200
    assert subject.put(url, body, content_type="application/json").status_code == 403
    saturday = {**body, "date": "2026-11-14"}
    answer = token_client(w, "homeroom").put(url, saturday, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "attendance_not_school_day"
    other = f"{V1}/classes/{w.class_b.pk}/roll"
    assert token_client(w, "homeroom").get(other).status_code == 404
    assert not AttendanceMark.objects.exists()


def test_parent_leave_request(world):
    w = world
    parent = token_client(w, "parent")
    body = {
        "student_id": w.student_a.pk,
        "start": "2026-11-23",
        "end": "2026-11-24",
        "sessions": ["morning"],
        "reason": "Khám răng",
    }
    answer = parent.post(f"{V1}/leave-requests", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "sent"
    assert AttendanceMark.objects.filter(student=w.student_a, source="leave").count() == 2
    other = {**body, "student_id": w.student_b.pk}
    assert (
        parent.post(f"{V1}/leave-requests", other, content_type="application/json").status_code
        == 404
    )
    assert LeaveRequest.objects.count() == 1
