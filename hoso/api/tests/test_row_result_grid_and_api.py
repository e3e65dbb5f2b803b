"""GIVEN a secondary sheet (TT22, scores) and a primary one (TT27, levels) with complete,
incomplete and empty rows, WHEN the grid page and the API read the same sheet, THEN every row shows
the same result (the one ``gradebook.selectors.row_result``), the grid in its display form
("7,6", "Đ") and the API as text ("7.6", "D")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from hoso.gradebook.entry.views import display_result
from hoso.gradebook.tests.results_helpers import primary_grades, primary_school, put
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def grid_and_api_rows(world, school_class, subject, term) -> tuple[dict, dict]:
    client = Client()
    client.force_login(world.users["principal"])
    args = [school_class.pk, subject.pk, term.pk]
    page = client.get(reverse("gradebook:sheet", args=args))
    assert page.status_code == 200
    api = client.get(f"/api/v1/gradebook/sheets/{args[0]}/{args[1]}/{args[2]}")
    assert api.status_code == 200
    grid = {row.student.pk: (row.result, row.errors) for row in page.context["rows"]}
    rows = {row["student"]["id"]: (row["result"], row["errors"]) for row in api.json()["rows"]}
    return grid, rows


def as_grid(api_result: str | None) -> str:
    if api_result is None:
        return ""
    try:
        return display_result(Decimal(api_result))
    except ArithmeticError:
        return display_result(api_result)


def assert_same(grid: dict, api: dict) -> None:
    assert grid.keys() == api.keys()
    for student_id, (result, errors) in api.items():
        assert grid[student_id] == (as_grid(result), errors), student_id


def test_secondary_sheet_rows_agree(world):
    complete = world.student_a
    incomplete = make_student(world.school, world.class_a, "Lê Văn Cường")
    make_student(world.school, world.class_a, "Vũ Thị Dung")  # no cell at all
    full = {"TX1": "8", "TX2": "7", "TX3": "9", "TX4": "6", "GK": "7", "CK": "8"}
    put(world, complete, world.math, world.term1, full)
    put(world, incomplete, world.math, world.term1, {"TX1": "5", "GK": "6"})
    grid, api = grid_and_api_rows(world, world.class_a, world.math, world.term1)
    assert api[complete.pk] == ("7.6", [])
    assert api[incomplete.pk][0] is None and api[incomplete.pk][1]
    assert_same(grid, api)


def test_primary_sheet_rows_agree(world):
    primary = primary_school(world)
    graded = make_student(world.school, primary.school_class, "Phan Minh Châu")
    make_student(world.school, primary.school_class, "Đỗ Thị Em")
    primary_grades(primary, graded)
    subject = primary.subjects["TOAN"]
    grid, api = grid_and_api_rows(world, primary.school_class, subject, primary.terms[2])
    assert_same(grid, api)
