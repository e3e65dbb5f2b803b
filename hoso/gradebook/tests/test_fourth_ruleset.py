"""A fourth rule set works without touching the grade book, the results, the API or the prints.

GIVEN a rule set registered for this test only — a copy of TT22 that asks one more regular result
per term (3/4/5 by the period bands instead of 2/3/4) under a code no code outside
``hoso/assessment`` knows — and the small school's year choosing it by data, WHEN the grid, the
results, the API and the prints are used, THEN each follows the rule set's own columns and words
(STYLE.md: "Ask the rule set, never its code")."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.test import Client
from django.urls import reverse

from hoso.accounts.actions import api_token_create
from hoso.assessment.rules import (
    SecondaryRuleSet,
    capabilities_for,
    get_ruleset,
    register,
    unregister,
)
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.models import StudentResult
from hoso.gradebook.results.compute import class_ruleset, recompute_class
from hoso.printing import documents as docs

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]

CODE = "TEST_2030"
CIRCULAR = "Thông tư số 99/2030/TT-BGDĐT"
# Math in grade 6 has 140 periods a year: TT22 asks 4 regular results, this rule set 5.
REQUIRED = ["TX1", "TX2", "TX3", "TX4", "TX5"]
VALUES = {"TX1": "8", "TX2": "8", "TX3": "8", "TX4": "8", "TX5": "8", "GK": "7", "CK": "9"}


@pytest.fixture
def fourth(world):
    tt22 = get_ruleset("TT22_2021")
    ruleset = SecondaryRuleSet(
        code=CODE,
        version="0.1",
        level=("lower_secondary", "upper_secondary"),
        title="Thông tư 99/2030/TT-BGDĐT (thử) — đánh giá học sinh THCS, THPT",
        circular=CIRCULAR,
        params=dataclasses.replace(
            tt22.params, regular_count_bands=((35, 3), (70, 4)), regular_count_above=5
        ),
    )
    register(ruleset)
    world.year.rulesets = {"lower_secondary": CODE}
    world.year.save(update_fields=["rulesets"])
    for school_class in (world.class_a, world.class_b):
        school_class.refresh_from_db()
    yield ruleset
    unregister(CODE)


def _fill(world, values=VALUES):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    for column, value in values.items():
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=world.student_a,
            column_key=column,
            raw_value=value,
        )


def test_the_rule_set_is_registered_and_chosen_by_data(world, fourth):
    assert class_ruleset(world.class_a) == CODE
    assert capabilities_for(CODE).circular == CIRCULAR
    with pytest.raises(ValueError):
        register(fourth)  # a code is registered once


def test_the_grid_shows_its_columns_and_saves(world, fourth):
    # GIVEN the subject teacher of math 6A1
    client = Client()
    client.force_login(world.users["subject"])
    args = [world.class_a.pk, world.math.pk, world.term1.pk]
    # WHEN the sheet opens
    page = client.get(reverse("gradebook:sheet", args=args))
    # THEN five required regular columns, two optional ones, mid-term and end-term
    assert page.status_code == 200
    sheet = load_sheet(world.class_a, world.math, world.term1)
    keys = [c.key for c in sheet.columns]
    assert keys == [*REQUIRED, "TX6", "TX7", "GK", "CK"]
    assert [c.key for c in sheet.columns if c.required] == [*REQUIRED, "GK", "CK"]
    html = page.content.decode()
    assert "ĐĐGtx 5" in html and "ĐĐGtx 7" in html
    # AND the fifth regular column saves like any other
    body = {"student": world.student_a.pk, "column": "TX5", "value": "8,5"}
    saved = client.post(
        reverse("gradebook:save_cell", args=args),
        json.dumps(body),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content


def test_the_results_follow_its_regular_count(world, fourth):
    # GIVEN four regular results only: enough for TT22, one short for this rule set
    _fill(world, {k: v for k, v in VALUES.items() if k != "TX5"})
    recompute_class(world.class_a)
    short = StudentResult.objects.get(
        class_result__school_class=world.class_a,
        class_result__period="term1",
        student=world.student_a,
    )
    assert short.data["subjects"].get("TOAN", {}).get("term1") is None
    # WHEN the fifth is entered and the class recomputed
    _fill(world, {"TX5": "8"})
    recompute_class(world.class_a)
    # THEN the term average is (5 × 8 + 2 × 7 + 3 × 9) / (5 + 5) = 8,1 under this rule set
    term1 = StudentResult.objects.get(
        class_result__school_class=world.class_a,
        class_result__period="term1",
        student=world.student_a,
    )
    assert term1.data["subjects"]["TOAN"]["term1"] == 8.1
    assert term1.ruleset_version == f"{CODE}@0.1"
    # AND the results page shows the class's three periods
    client = Client()
    client.force_login(world.users["homeroom"])
    page = client.get(reverse("gradebook:results_class", args=[world.class_a.pk]))
    assert page.status_code == 200
    assert "Nhập rèn luyện, nghỉ học, nhận xét" in page.content.decode()


def test_the_api_lists_its_columns_and_the_row_result(world, fourth):
    _fill(world)
    _, token = api_token_create(user=world.users["subject"], name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/gradebook/sheets/{world.class_a.pk}/{world.math.pk}/{world.term1.pk}"
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ruleset"] == CODE
    assert [c["key"] for c in body["columns"]] == [*REQUIRED, "TX6", "TX7", "GK", "CK"]
    assert [c["label"] for c in body["columns"]][4] == "ĐĐGtx 5"


def test_the_prints_build_with_its_columns_and_circular(world, fourth):
    _fill(world)
    recompute_class(world.class_a)
    # the class book of term I: the math table has the five regular columns and the average
    data = docs.class_book_data(school_class=world.class_a, period="term1")
    math = next(s for s in data["sections"] if "Toán" in s.get("heading", ""))
    labels = [c["label"] for c in math["columns"]]
    assert labels[2:] == [f"ĐĐGtx {i}" for i in range(1, 8)] + ["ĐĐGgk", "ĐĐGck", "ĐTBmhk"]
    assert docs.render_class_book(data).startswith(b"%PDF")
    # the transcript names the rule set's circular and renders
    transcript = docs.transcript_data(student=world.student_a, year=world.year)
    assert transcript["ruleset"]["code"] == CODE
    assert transcript["ruleset"]["name"] == CIRCULAR
    assert transcript["learner"] == "học sinh"
    assert docs.render_transcript(transcript).startswith(b"%PDF")
