"""The grade book over JSON, end to end: GIVEN the small school (math 6A1 term I taught by
``subject``, 6A1's homeroom teacher ``homeroom``), WHEN people read, save and finalise through
/api/v1/gradebook with a token or a session, THEN the grid's policies hold: out of scope 404,
not the assigned teacher 403, finalised/locked 400 with the code, stale version 409."""

from __future__ import annotations

import json
from importlib.util import find_spec

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoso.accounts.actions import api_token_create
from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.entry.sheets import load_sheet
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db

V1 = "/api/v1/gradebook"


def token_client(world, who: str) -> Client:
    _, token = api_token_create(user=world.users[who], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def session_client(world, who: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(world.users[who])
    return client


def sheet_url(world, school_class=None, subject=None, term=None) -> str:
    c = school_class or world.class_a
    s = subject or world.math
    t = term or world.term1
    return f"{V1}/sheets/{c.pk}/{s.pk}/{t.pk}"


def put(client: Client, url: str, body: dict, **extra):
    return client.put(url + "/cells", body, content_type="application/json", **extra)


def post(client: Client, url: str, body: dict, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def events(kind: str) -> int:
    return AuditEvent.objects.filter(event_type=kind).count()


@pytest.fixture
def teacher(world) -> Client:
    return token_client(world, "subject")


# --- reading --------------------------------------------------------------------------------


def test_teacher_lists_its_own_sheets_leaders_list_all(world, teacher):
    # GIVEN math 6A1 (subject) and literature 6A1 (homeroom) assigned for term I
    # WHEN the subject teacher lists its sheets
    mine = teacher.get(f"{V1}/sheets")
    # THEN only math 6A1, marked as its own, with the URL of the sheet
    assert mine.status_code == 200, mine.content
    assert [
        (s["school_class"]["name"], s["subject"]["code"], s["is_mine"]) for s in mine.json()
    ] == [("6A1", "TOAN", True)]
    assert mine.json()[0]["url"] == sheet_url(world)
    # AND the principal sees every sheet of the year, filtered by class on request
    principal = token_client(world, "principal")
    listed = principal.get(f"{V1}/sheets").json()
    assert {(s["subject"]["code"], s["is_mine"]) for s in listed} == {
        ("TOAN", False),
        ("NGU_VAN", False),
    }
    assert principal.get(f"{V1}/sheets", {"class_id": world.class_b.pk}).json() == []
    assert len(principal.get(f"{V1}/sheets", {"term": 1, "subject_id": world.math.pk}).json()) == 1
    # AND the homeroom teacher sees both sheets of its class; a parent none
    assert len(token_client(world, "homeroom").get(f"{V1}/sheets").json()) == 2
    assert token_client(world, "parent").get(f"{V1}/sheets").json() == []


def test_sheet_has_the_rule_sets_columns_and_one_row_per_student(world, teacher):
    # GIVEN a saved result
    sheet = load_sheet(world.class_a, world.math, world.term1)
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="TX1",
        raw_value="8,5",
    )
    # WHEN the teacher reads the sheet by token
    response = teacher.get(sheet_url(world))
    # THEN columns with kind/label/required/finalised/locked, rows with cells and versions
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["can_edit"] is True and body["ruleset"] == "TT22_2021"
    columns = {c["key"]: c for c in body["columns"]}
    assert list(columns) == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]
    tx1 = columns["TX1"]
    assert {k: tx1[k] for k in ("label", "kind", "required", "finalised", "locked", "lock")} == {
        "label": "ĐĐGtx 1",
        "kind": "score",
        "required": True,
        "finalised": False,
        "locked": False,
        "lock": None,
    }
    assert "0–10" in tx1["hint"]
    assert columns["TX5"]["required"] is False and columns["GK"]["periodic"] is True
    [row] = body["rows"]
    assert row["student"] == {
        "id": world.student_a.pk,
        "student_code": world.student_a.student_code,
        "full_name": "Nguyễn Văn An",
    }
    assert row["active"] is True
    assert row["cells"] == {"TX1": {"value": "8.5", "text": "", "version": 1}}
    assert row["result"] is None and any("thường xuyên" in e for e in row["errors"])
    # AND the homeroom teacher reads it too, but may not edit
    homeroom = token_client(world, "homeroom").get(sheet_url(world)).json()
    assert homeroom["can_edit"] is False and homeroom["rows"][0]["cells"]["TX1"]["value"] == "8.5"


def test_reading_costs_a_bounded_number_of_queries(world, teacher):
    url = sheet_url(world)
    teacher.get(url)
    with CaptureQueriesContext(connection) as one:
        assert teacher.get(url).status_code == 200
    sheet = load_sheet(world.class_a, world.math, world.term1)
    for n in range(6):
        student = make_student(world.school, world.class_a, f"Lê Văn Tên{n}")
        for column in ("TX1", "TX2", "GK"):
            actions.assessment_save(
                actor=world.actor("subject"),
                sheet=sheet,
                student=student,
                column_key=column,
                raw_value="7",
            )
    with CaptureQueriesContext(connection) as seven:
        assert len(teacher.get(url).json()["rows"]) == 7
    assert len(seven) == len(one)


def test_out_of_scope_sheets_answer_404_and_are_logged(world, teacher):
    before = events("access.not_found")
    # another class, a subject not taught, an unknown term: all look absent
    for url in (
        sheet_url(world, school_class=world.class_b),
        sheet_url(world, subject=world.literature),
        f"{V1}/sheets/{world.class_a.pk}/{world.math.pk}/999999",
    ):
        response = teacher.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "NOT_FOUND"
    # writing out of scope is the same 404, nothing written
    response = put(teacher, sheet_url(world, school_class=world.class_b), _cell(world, "TX1", "8"))
    assert response.status_code == 404
    assert events("access.not_found") == before + 4
    assert not Assessment.objects.exists()


# --- writing --------------------------------------------------------------------------------


def _cell(world, column: str, value, **extra) -> dict:
    return {"student": world.student_a.pk, "column": column, "value": value, **extra}


def test_teacher_saves_by_token_and_the_change_is_audited(world, teacher):
    url = sheet_url(world)
    # WHEN the teacher saves with a Vietnamese decimal comma, then changes it with the version
    first = put(teacher, url, _cell(world, "TX1", "8,5"))
    assert first.status_code == 200, first.content
    assert first.json() | {"errors": []} == {
        "student": world.student_a.pk,
        "column": "TX1",
        "value": "8.5",
        "text": "",
        "version": 1,
        "changed": True,
        "result": None,
        "errors": [],
    }
    second = put(teacher, url, _cell(world, "TX1", 9, version=1))
    assert (second.status_code, second.json()["value"], second.json()["version"]) == (200, "9.0", 2)
    # AND the same value again changes nothing
    same = put(teacher, url, _cell(world, "TX1", "9.0", version=2))
    assert (same.json()["changed"], same.json()["version"]) == (False, 2)
    # THEN one cell, two audited changes by the teacher, chain intact
    assert Assessment.objects.get().value == "9.0"
    saved = AuditEvent.objects.filter(event_type="grade.saved").order_by("seq")
    assert [e.after["value"] for e in saved] == ["8.5", "9.0"]
    assert {e.actor_id for e in saved} == {world.users["subject"].pk}
    assert {e.channel for e in saved} == {"api"}
    assert verify_all()[1] == []


def test_a_complete_row_gets_its_term_result(world, teacher):
    url = sheet_url(world)
    for column, value in (("TX1", 8), ("TX2", 7), ("TX3", 9), ("TX4", 6), ("GK", 7)):
        assert put(teacher, url, _cell(world, column, value)).status_code == 200
    last = put(teacher, url, _cell(world, "CK", "8")).json()
    # (8+7+9+6 + 2×7 + 3×8) / (4+2+3) = 68/9 = 7.56 → 7.6
    assert (last["result"], last["errors"]) == ("7.6", [])
    assert teacher.get(url).json()["rows"][0]["result"] == "7.6"


def test_session_writes_need_the_csrf_token(world):
    client = session_client(world, "subject", csrf=True)
    url = sheet_url(world)
    assert client.get(url).status_code == 200  # reads need no CSRF token
    refused = put(client, url, _cell(world, "TX1", "8"))
    assert (refused.status_code, refused.json()["code"]) == (403, "CSRF_FAILED")
    client.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
    saved = put(client, url, _cell(world, "TX1", "8"), HTTP_X_CSRFTOKEN="b" * 32)
    assert saved.status_code == 200, saved.content
    assert saved.json()["value"] == "8.0"
    done = post(client, url + "/finalise", {"columns": ["TX1"]}, HTTP_X_CSRFTOKEN="b" * 32)
    assert (done.status_code, done.json()["finalised"]) == (200, ["TX1"])


@pytest.mark.parametrize("who", ["homeroom", "principal", "vice", "dept_head", "admin"])
def test_readers_who_are_not_the_assigned_teacher_get_403(world, who):
    # GIVEN someone who may read math 6A1 but does not teach it
    client = session_client(world, who)
    url = sheet_url(world)
    assert client.get(url).status_code == 200
    before = events("access.forbidden")
    # WHEN they try to save or finalise THEN 403 with the grade book's code, logged, nothing saved
    response = put(client, url, _cell(world, "TX1", "8"))
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "NOT_ASSIGNED"
    assert "giáo viên được phân công" in response.json()["detail"]
    finalise = post(client, url + "/finalise", {"columns": ["TX1"]})
    assert (finalise.status_code, finalise.json()["code"]) == (403, "NOT_ASSIGNED")
    assert events("access.forbidden") == before + 2
    assert not Assessment.objects.exists()
    assert not SheetColumn.objects.exists()


def test_a_stale_version_is_409_and_nothing_is_overwritten(world, teacher):
    url = sheet_url(world)
    put(teacher, url, _cell(world, "GK", "6"))
    other = session_client(world, "subject")  # the same teacher in another window
    assert put(other, url, _cell(world, "GK", "7", version=1)).status_code == 200
    # WHEN the first window saves with the version it read
    stale = put(teacher, url, _cell(world, "GK", "9", version=1))
    # THEN 409 with the value now stored, and that value is kept
    assert stale.status_code == 409
    assert stale.json()["code"] == "CONFLICT"
    assert stale.json()["current"] == {"value": "7.0", "text": "", "version": 2}
    assert Assessment.objects.get().value == "7.0"
    # AND a cell read empty (version 0) that somebody filled meanwhile is a conflict too
    put(other, url, _cell(world, "CK", "5"))
    late = put(teacher, url, _cell(world, "CK", "6", version=0))
    assert (late.status_code, late.json()["current"]["value"]) == (409, "5.0")


def test_finalised_column_refuses_writes(world, teacher):
    url = sheet_url(world) + "/finalise"
    # GIVEN GK still empty: finalising it is refused
    incomplete = post(teacher, url, {"columns": ["GK"]})
    assert (incomplete.status_code, incomplete.json()["code"]) == (400, "INCOMPLETE")
    assert "ĐĐGgk" in incomplete.json()["detail"]
    # WHEN every student has GK and the teacher finalises it
    put(teacher, sheet_url(world), _cell(world, "GK", "7"))
    done = post(teacher, url, {"columns": ["GK"]})
    assert done.status_code == 200, done.content
    assert done.json()["finalised"] == ["GK"]
    states = {c["key"]: c for c in done.json()["columns"]}
    assert states["GK"]["finalised"] is True and states["GK"]["finalised_at"]
    assert states["TX1"]["finalised"] is False
    # THEN GK can no longer be changed by the teacher (400 FINALISED), other columns can
    refused = put(teacher, sheet_url(world), _cell(world, "GK", "8", version=1))
    assert (refused.status_code, refused.json()["code"]) == (400, "FINALISED")
    assert "đơn đề nghị sửa điểm" in refused.json()["detail"]
    assert Assessment.objects.get(column="GK").value == "7.0"
    assert put(teacher, sheet_url(world), _cell(world, "TX1", "8")).status_code == 200
    assert events("grade.finalised") == 1


def test_finalise_all_means_every_column_not_finalised_yet(world, teacher):
    url = sheet_url(world)
    for column in ("TX1", "TX2", "TX3", "TX4", "GK", "CK"):
        put(teacher, url, _cell(world, column, "8"))
    assert post(teacher, url + "/finalise", {"columns": ["GK"]}).json()["finalised"] == ["GK"]
    rest = post(teacher, url + "/finalise", {})
    assert rest.status_code == 200, rest.content
    assert rest.json()["finalised"] == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "CK"]
    again = post(teacher, url + "/finalise", {"columns": []})
    assert (again.status_code, again.json()["finalised"]) == (200, [])
    assert all(c["finalised"] for c in again.json()["columns"])


def test_locked_book_refuses_writes(world, teacher):
    # GIVEN the principal locks 6A1's mid-term
    actions.book_lock(
        actor=world.actor("principal"),
        year=world.year,
        school_class=world.class_a,
        checkpoint="mid1",
        reason="Khóa sổ giữa kì",
    )
    url = sheet_url(world)
    # WHEN the teacher saves a mid-term result THEN 400 LOCKED, nothing saved
    refused = put(teacher, url, _cell(world, "GK", "8"))
    assert (refused.status_code, refused.json()["code"]) == (400, "LOCKED")
    assert "Sổ đã khóa" in refused.json()["detail"]
    assert not Assessment.objects.filter(column="GK").exists()
    # AND the sheet shows the lock on GK only; regular results stay open
    columns = {c["key"]: c for c in teacher.get(url).json()["columns"]}
    assert columns["GK"]["locked"] is True and columns["GK"]["lock"].startswith("Khóa sổ")
    assert columns["TX1"]["locked"] is False
    assert put(teacher, url, _cell(world, "TX1", "8")).status_code == 200


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"column": "TX1", "value": "11"}, 400, "OUT_OF_RANGE"),
        ({"column": "TX1", "value": "8.25"}, 400, "BAD_PRECISION"),
        ({"column": "TX1", "value": "tám"}, 400, "BAD_INPUT"),
        ({"column": "TX9", "value": "8"}, 400, "UNKNOWN_COLUMN"),
        ({"column": "TX1", "value": "8", "version": -1}, 422, "INVALID_INPUT"),
        ({"column": "TX1", "value": True}, 422, "INVALID_INPUT"),
        ({"value": "8"}, 422, "INVALID_INPUT"),
    ],
)
def test_bad_input_is_refused_with_a_code(world, teacher, body, status, code):
    response = put(teacher, sheet_url(world), {"student": world.student_a.pk, **body})
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Assessment.objects.exists()


def test_students_outside_the_class_are_404_and_clearing_a_cell_works(world, teacher):
    url = sheet_url(world)
    outsider = put(teacher, url, {"student": world.student_b.pk, "column": "TX1", "value": "8"})
    assert outsider.status_code == 404
    put(teacher, url, _cell(world, "TX1", "8"))
    cleared = put(teacher, url, _cell(world, "TX1", None, version=1))
    assert cleared.status_code == 200
    assert (cleared.json()["value"], cleared.json()["changed"]) == ("", True)
    assert teacher.get(url).json()["rows"][0]["cells"]["TX1"]["value"] == ""


# --- corrections ----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% bai kiem tra\n%%EOF\n"


def _correction_form(world, **extra) -> dict:
    return {
        "school_class": world.class_a.pk,
        "subject": world.math.pk,
        "term": world.term1.pk,
        "student": world.student_a.pk,
        "column": "GK",
        "new_value": "8,5",
        "reason": "Nhập nhầm điểm bài kiểm tra giữa kì",
        **extra,
    }


def _evidence(name: str = "bai-kiem-tra.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def finalised_gk(world, teacher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    put(teacher, sheet_url(world), _cell(world, "GK", "7"))
    assert post(teacher, sheet_url(world) + "/finalise", {"columns": ["GK"]}).status_code == 200


needs_corrections = pytest.mark.skipif(
    find_spec("hoso.gradebook.corrections.actions") is None,
    reason="hoso.gradebook.corrections.actions is not there yet",
)


@needs_corrections
def test_teacher_requests_a_correction_of_a_finalised_result(world, teacher, finalised_gk):
    # WHEN the teacher files a request with evidence (multipart form)
    response = teacher.post(
        f"{V1}/corrections", {**_correction_form(world), "evidence": _evidence()}
    )
    # THEN it is waiting for the principal, with the old value captured; the cell is unchanged
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["old_value"], body["new_value"]) == ("requested", "7.0", "8.5")
    assert body["evidence"] == ["bai-kiem-tra.pdf"]
    assert Assessment.objects.get(column="GK").value == "7.0"
    assert events("correction.requested") == 1


@needs_corrections
@pytest.mark.parametrize(
    "case,status,code",
    [
        ("open_cell", 400, "NOT_PROTECTED"),
        ("no_evidence", 400, "EVIDENCE_REQUIRED"),
        ("not_a_pdf", 400, "BAD_EVIDENCE"),
        ("homeroom", 403, "NOT_ASSIGNED"),
        ("other_class", 404, "NOT_FOUND"),
    ],
)
def test_correction_requests_follow_the_same_policies(
    world, teacher, finalised_gk, case, status, code
):
    client, form = teacher, _correction_form(world)
    files = {"evidence": _evidence()}
    if case == "open_cell":
        form["column"] = "TX1"
    elif case == "no_evidence":
        files = {}
    elif case == "not_a_pdf":
        files = {"evidence": _evidence("bai.pdf", b"MZ not a pdf at all")}
    elif case == "homeroom":
        client = session_client(world, "homeroom")
    elif case == "other_class":
        form["school_class"] = world.class_b.pk
    forbidden = events("access.forbidden")
    response = client.post(f"{V1}/corrections", {**form, **files})
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert events("correction.requested") == 0
    assert events("access.forbidden") == forbidden + (status == 403)  # logged once


@needs_corrections
def test_one_request_for_several_cells_all_or_nothing(world, teacher, finalised_gk):
    # GIVEN GK and CK finalised for the student
    put(teacher, sheet_url(world), _cell(world, "CK", "6"))
    assert post(teacher, sheet_url(world) + "/finalise", {"columns": ["CK"]}).status_code == 200
    a = world.student_a.pk
    form = {k: v for k, v in _correction_form(world).items() if k not in ("student", "column")}
    form.pop("new_value")

    def ask(items, **files):
        return teacher.post(
            f"{V1}/corrections",
            {**form, "items": json.dumps(items), "evidence": _evidence(), **files},
        )

    # WHEN one of two cells is still open THEN nothing is filed and the refusal names it
    response = ask(
        [
            {"student": a, "column": "GK", "new_value": "8,5"},
            {"student": a, "column": "TX1", "new_value": "9"},
        ]
    )
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert "dòng 2: Cột ĐĐGtx 1 chưa chốt" in detail and ".." not in detail
    assert events("correction.requested") == 0
    # WHEN items is not a list of cells THEN a clear error, nothing filed
    for bad in ("not json", json.dumps([{"column": "GK"}]), json.dumps([])):
        response = teacher.post(
            f"{V1}/corrections", {**form, "items": bad, "evidence": _evidence()}
        )
        assert response.status_code == 400 and response.json()["code"] == "BAD_ITEMS"
    # WHEN a value is longer than any cell holds THEN it is refused, not cut
    response = ask([{"student": a, "column": "GK", "new_value": "8" * 2001}])
    assert response.status_code == 400 and response.json()["code"] == "BAD_ITEMS"
    # WHEN both cells are finalised THEN one request lists both, in row order
    response = ask(
        [
            {"student": a, "column": "GK", "new_value": "8,5"},
            {"student": a, "column": "CK", "new_value": "7"},
        ]
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["student"] is None  # several cells: see items
    assert [(i["column"], i["old_value"], i["new_value"]) for i in body["items"]] == [
        ("GK", "7.0", "8.5"),
        ("CK", "6.0", "7.0"),
    ]
    assert events("correction.requested") == 1
    assert Assessment.objects.get(column="GK").value == "7.0"  # unchanged until applied


def test_corrections_answer_501_while_the_module_is_missing(world, teacher, monkeypatch):
    from hoso.api import gradebook as gradebook_api

    monkeypatch.setattr(gradebook_api, "find_spec", lambda name: None)
    response = teacher.post(
        f"{V1}/corrections", {**_correction_form(world), "evidence": _evidence()}
    )
    assert response.status_code == 501
    assert response.json()["code"] == "NOT_IMPLEMENTED"
    assert "sửa điểm" in response.json()["detail"]


def test_openapi_lists_the_grade_book(world):
    paths = set(Client().get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/gradebook/sheets",
        "/api/v1/gradebook/sheets/{class_id}/{subject_id}/{term_id}",
        "/api/v1/gradebook/sheets/{class_id}/{subject_id}/{term_id}/cells",
        "/api/v1/gradebook/sheets/{class_id}/{subject_id}/{term_id}/finalise",
        "/api/v1/gradebook/corrections",
    } <= paths
