"""Saving a pasted block in one request (``save_cells``).

GIVEN the small school's 6A1 math sheet (taught by the subject teacher) with a few students,
WHEN the grid posts many cells at once, THEN each cell is saved (or refused) on its own, with
its own answer and audit event, and the number of SQL statements grows with the cells, not with
the checks."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def url(world, subject=None):
    return reverse(
        "gradebook:save_cells",
        args=[world.class_a.pk, (subject or world.math).pk, world.term1.pk],
    )


def post(client, world, cells, **kw):
    return client.post(
        url(world, **kw), json.dumps({"cells": cells}), content_type="application/json"
    )


def students(world, n):
    extra = [make_student(world.school, world.class_a, f"Học Sinh {i}") for i in range(n)]
    return [world.student_a, *extra]


def test_a_block_is_saved_cell_by_cell_with_one_answer_each(client, world):
    pupils = students(world, 3)
    client.force_login(world.users["subject"])
    cells = [
        {"student": p.pk, "column": col, "value": value}
        for p in pupils
        for col, value in (("TX1", "8"), ("TX2", "7,5"), ("GK", "9"))
    ]
    response = post(client, world, cells)
    assert response.status_code == 200
    body = response.json()
    assert [a["status"] for a in body["cells"]] == [200] * 12
    assert [a["value"] for a in body["cells"][:3]] == ["8,0", "7,5", "9,0"]
    assert Assessment.objects.filter(subject=world.math, term=world.term1).count() == 12
    assert AuditEvent.objects.filter(event_type="grade.saved").count() == 12
    assert set(body["results"]) == {str(p.pk) for p in pupils}


def test_bad_cells_are_refused_alone_and_the_rest_is_saved(client, world):
    pupils = students(world, 1)
    sheet = load_sheet(world.class_a, world.math, world.term1)
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=pupils[0],
        column_key="TX3",
        raw_value="5",
    )
    client.force_login(world.users["subject"])
    response = post(
        client,
        world,
        [
            {"student": pupils[0].pk, "column": "TX1", "value": "11"},  # out of range
            {"student": pupils[0].pk, "column": "TX2", "value": "6"},  # fine
            {"student": pupils[0].pk, "column": "TX3", "value": "7", "version": 0},  # conflict
            {"student": pupils[0].pk, "column": "XX", "value": "7"},  # no such column
            {"student": 999999, "column": "TX1", "value": "7"},  # not in the class
            {"student": pupils[1].pk, "column": "TX1", "value": "7"},  # fine
        ],
    )
    answers = response.json()["cells"]
    assert [a["status"] for a in answers] == [400, 200, 409, 400, 400, 200]
    assert answers[0]["code"] == "OUT_OF_RANGE" and "10" in answers[0]["message"]
    assert answers[2]["current"] == {"value": "5,0", "version": 1}
    assert answers[3]["code"] == "UNKNOWN_COLUMN"
    assert answers[4]["code"] == "NOT_ENROLLED"
    saved = dict(
        Assessment.objects.filter(subject=world.math)
        .values_list("column", "value")
        .order_by()
        .filter(student=pupils[0])
    )
    assert saved == {"TX2": "6.0", "TX3": "5.0"}


def test_a_finalised_column_refuses_all_its_cells_with_one_check(client, world):
    pupils = students(world, 4)
    sheet = load_sheet(world.class_a, world.math, world.term1)
    for p in pupils:
        actions.assessment_save(
            actor=world.actor("subject"), sheet=sheet, student=p, column_key="GK", raw_value="6"
        )
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    client.force_login(world.users["subject"])
    cells = [{"student": p.pk, "column": "GK", "value": "8"} for p in pupils]
    cells += [{"student": p.pk, "column": "TX1", "value": "8"} for p in pupils]
    with CaptureQueriesContext(connection) as ctx:
        answers = post(client, world, cells).json()["cells"]
    assert [a["status"] for a in answers] == [403] * 5 + [200] * 5
    assert {a["code"] for a in answers[:5]} == {"FINALISED"}
    # the writability of each column is checked once, not once per cell
    checks = [q for q in ctx.captured_queries if "finalised_at IS NOT NULL" in q["sql"]]
    assert len(checks) == 2


@pytest.mark.parametrize("who", ["principal", "homeroom", "dept_head"])
def test_readers_who_are_not_the_teacher_cannot_batch_save(client, world, who):
    client.force_login(world.users[who])
    response = post(client, world, [{"student": world.student_a.pk, "column": "TX1", "value": "8"}])
    assert response.json()["cells"][0]["status"] == 403
    assert response.json()["cells"][0]["code"] == "NOT_ASSIGNED"
    assert not Assessment.objects.exists()


def test_out_of_scope_people_get_404_or_403(client, world):
    client.force_login(world.users["parent"])
    response = post(client, world, [{"student": world.student_a.pk, "column": "TX1", "value": "8"}])
    assert response.status_code in (403, 404)
    assert not Assessment.objects.exists()


def test_empty_or_oversized_batches_are_refused_in_vietnamese(client, world):
    client.force_login(world.users["subject"])
    assert post(client, world, []).json()["code"] == "BAD_REQUEST"
    too_many = [{"student": world.student_a.pk, "column": "TX1", "value": "8"}] * 201
    response = post(client, world, too_many)
    assert response.status_code == 400 and "tối đa 200 ô" in response.json()["message"]
