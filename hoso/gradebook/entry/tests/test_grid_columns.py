"""Adding regular columns (thêm cột ĐĐGtx): Circular 22 sets a minimum, more are allowed.

GIVEN the 6A1 math sheet (4 required regular columns + 2 optional, 140 periods a year), WHEN the
teacher adds columns, THEN they appear, take results and are audited, up to 12 regular columns;
nobody else can add them; a full 45 × 15 sheet renders with the same number of queries as a
small one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.columns import MAX_REGULAR
from hoso.gradebook.entry.sheets import load_sheet
from hoso.testing.factories import make_student, small_school

pytestmark = pytest.mark.django_db


def keys(world):
    return [c.key for c in load_sheet(world.class_a, world.math, world.term1).columns]


def test_the_teacher_adds_regular_columns_up_to_the_maximum(world):
    assert keys(world) == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]
    sheet = load_sheet(world.class_a, world.math, world.term1)
    assert actions.regular_column_add(actor=world.actor("subject"), sheet=sheet) == "TX7"
    assert keys(world)[6:] == ["TX7", "GK", "CK"]
    event = AuditEvent.objects.get(event_type="grade.column_added")
    assert event.after == {"regular_columns": 7, "column": "TX7"}
    # the new column takes results like the others
    saved = actions.assessment_save(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        student=world.student_a,
        column_key="TX7",
        raw_value="9",
    )
    assert saved.value == "9.0"
    for _ in range(MAX_REGULAR - 7):
        actions.regular_column_add(
            actor=world.actor("subject"), sheet=load_sheet(world.class_a, world.math, world.term1)
        )
    assert keys(world)[-3:] == ["TX12", "GK", "CK"]
    with pytest.raises(DomainError) as too_many:
        actions.regular_column_add(
            actor=world.actor("subject"), sheet=load_sheet(world.class_a, world.math, world.term1)
        )
    assert too_many.value.code == "TOO_MANY_COLUMNS"
    # the other term's sheet is not affected
    term2 = world.year.terms.get(number=2)
    assert len(load_sheet(world.class_a, world.math, term2).columns) == 8


@pytest.mark.parametrize("who", ["principal", "homeroom", "dept_head"])
def test_only_the_assigned_teacher_adds_columns(world, who):
    with pytest.raises(PermissionDeniedError):
        actions.regular_column_add(
            actor=world.actor(who), sheet=load_sheet(world.class_a, world.math, world.term1)
        )
    assert len(keys(world)) == 8


def test_the_button_adds_a_column_and_the_page_shows_it(client, world):
    client.force_login(world.users["subject"])
    url = reverse("gradebook:sheet", args=[world.class_a.pk, world.math.pk, world.term1.pk])
    assert 'data-testid="add-column"' in client.get(url).content.decode()
    add = reverse("gradebook:add_column", args=[world.class_a.pk, world.math.pk, world.term1.pk])
    page = client.post(add, follow=True).content.decode()
    assert "Đã thêm cột ĐĐGtx 7" in page and 'data-column="TX7"' in page
    client.force_login(world.users["principal"])
    assert 'data-testid="add-column"' not in client.get(url).content.decode()
    assert client.post(add).status_code == 403


def _grid_queries(world, students: int) -> tuple[int, int]:
    for i in range(students - 1):
        make_student(world.school, world.class_a, f"Học Sinh {i:02d}")
    for _ in range(MAX_REGULAR - 6):
        actions.regular_column_add(
            actor=world.actor("subject"), sheet=load_sheet(world.class_a, world.math, world.term1)
        )
    client = Client()
    client.force_login(world.users["subject"])
    url = reverse("gradebook:sheet", args=[world.class_a.pk, world.math.pk, world.term1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    html = response.content.decode()
    assert html.count("data-cell") == students * 14  # 12 regular + mid-term + end-term
    assert html.count("data-result") >= students  # + the term average: 15 columns
    return len(ctx.captured_queries), students


def test_a_45_by_15_grid_needs_as_many_queries_as_a_small_one():
    few, _ = _grid_queries(small_school("C5"), 5)
    many, _ = _grid_queries(small_school("C45"), 45)
    assert many == few
