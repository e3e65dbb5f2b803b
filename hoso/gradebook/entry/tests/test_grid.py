"""The entry grid, its save endpoint, finalising (chốt) and the lock screen (khóa sổ).

GIVEN the small school (6A1 math taught by the subject teacher, literature by the homeroom
teacher), WHEN people open pages and post cells, THEN they see and change only what they may,
with coded JSON errors for the grid."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEvent
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment, BookLock, SheetColumn
from hoso.gradebook.entry.selectors import sheet_stamp
from hoso.gradebook.entry.sheets import load_sheet
from hoso.organisation.models import Position, Staff
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student, small_school

# The data below lives in term I of 2026-2027.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


# --- helpers ---------------------------------------------------------------------------------


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def sheet_args(world, school_class=None, subject=None):
    return [(school_class or world.class_a).pk, (subject or world.math).pk, world.term1.pk]


def sheet_url(world, **kw):
    return reverse("gradebook:sheet", args=sheet_args(world, **kw))


def save_url(world, **kw):
    return reverse("gradebook:save_cell", args=sheet_args(world, **kw))


def post_cell(client, world, column, value, *, student=None, version=None, **kw):
    body = {"student": (student or world.student_a).pk, "column": column, "value": value}
    if version is not None:
        body["version"] = version
    return client.post(save_url(world, **kw), json.dumps(body), content_type="application/json")


def fill(world, values: dict[str, str], student=None):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    for column, value in values.items():
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=student or world.student_a,
            column_key=column,
            raw_value=value,
        )


FULL = {"TX1": "8", "TX2": "7.5", "TX3": "9", "TX4": "8", "GK": "7", "CK": "8.5"}


# --- index -----------------------------------------------------------------------------------


def test_index_lists_the_teachers_sheets_with_progress(client, world):
    fill(world, {"TX1": "8", "GK": "7"})
    login(client, world, "subject")
    response = client.get(reverse("gradebook:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Toán — lớp 6A1" in html and "Ngữ văn" not in html
    card = response.context["mine"][0]
    # one student in 6A1 × 6 required columns (TX1–TX4, GK, CK); two entered
    assert (card.entered, card.required, card.finalised, card.columns) == (2, 6, 0, 8)
    assert response.context["classes"] == []


def test_index_term_picker_changes_the_term(client, world):
    login(client, world, "subject")
    term2 = world.year.terms.get(number=2)
    response = client.get(reverse("gradebook:index"), {"ky": term2.pk})
    assert response.context["term"] == term2
    assert response.context["mine"] == []  # assigned in term I only


def test_leaders_pick_a_class_then_see_its_subjects(client, world):
    login(client, world, "principal")
    response = client.get(reverse("gradebook:index"), {"lop": world.class_a.pk})
    assert response.status_code == 200
    subjects = [c.subject.name for c in response.context["readable"]]
    assert sorted(subjects) == ["Ngữ văn", "Toán"]
    assert {c.name for c in response.context["classes"]} == {"6A1", "6A2"}


def test_department_head_sees_only_its_departments_subjects(client, world):
    login(client, world, "dept_head")
    response = client.get(reverse("gradebook:index"), {"lop": world.class_a.pk})
    assert [c.subject.name for c in response.context["readable"]] == ["Toán"]


def test_index_class_out_of_scope_is_404_and_parent_is_403(client, world):
    login(client, world, "homeroom")
    assert client.get(reverse("gradebook:index"), {"lop": world.class_b.pk}).status_code == 404
    client.logout()
    login(client, world, "parent")
    assert client.get(reverse("gradebook:index")).status_code == 403
    assert AuditEvent.objects.filter(event_type="access.forbidden").exists()


# --- the sheet page --------------------------------------------------------------------------


def test_teacher_gets_writable_cells_with_the_rule_sets_columns(client, world):
    fill(world, FULL)
    login(client, world, "subject")
    response = client.get(sheet_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    keys = [cv.column.key for cv in response.context["columns"]]
    assert keys == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]
    assert all(cv.writable for cv in response.context["columns"])
    row = response.context["rows"][0]
    assert [c.value for c in row.cells] == ["8,0", "7,5", "9,0", "8,0", "", "", "7,0", "8,5"]
    assert row.result == "8,0" and row.errors == []
    assert 'data-column="TX1"' in html and "disabled" not in html.split("<tbody>")[1]
    assert "Chốt cả sổ" in html and "bắt buộc" in html and "không bắt buộc" in html


def test_readers_see_the_sheet_read_only(client, world):
    fill(world, {"TX1": "6"})
    for who in ("homeroom", "principal", "dept_head"):
        c = login(Client(), world, who)
        response = c.get(sheet_url(world))
        assert response.status_code == 200, who
        assert not any(cv.writable for cv in response.context["columns"])
        assert {cv.reason_code for cv in response.context["columns"]} == {"NOT_ASSIGNED"}
        html = response.content.decode()
        assert "Chỉ xem:" in html and "Chốt cả sổ" not in html
        assert 'value="6,0"' in html


def test_sheet_out_of_scope_is_404(client, world):
    login(client, world, "subject")
    assert client.get(sheet_url(world, school_class=world.class_b)).status_code == 404
    client.logout()
    login(client, world, "outsider")
    assert client.get(sheet_url(world)).status_code == 404
    other = small_school("OTHER")
    login(client, world, "principal")
    url = reverse("gradebook:sheet", args=[other.class_a.pk, other.math.pk, other.term1.pk])
    assert client.get(url).status_code == 404


def test_finalised_and_locked_columns_are_disabled_with_their_reason(client, world):
    fill(world, {"GK": "7"})
    actions.columns_finalise(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        column_keys=["GK"],
    )
    actions.book_lock(actor=world.actor("principal"), year=world.year, checkpoint="end1")
    login(client, world, "subject")
    response = client.get(sheet_url(world))
    states = {cv.column.key: cv.reason_code for cv in response.context["columns"]}
    assert states["GK"] == "FINALISED"
    assert states["CK"] == "LOCKED" and states["TX1"] == "LOCKED"  # regular = end of term
    html = response.content.decode()
    assert "🔒 đã chốt" in html and "sổ đã khóa" in html
    assert not response.context["can_write"]
    assert response.context["readonly_reason"].startswith("Sổ đã khóa")


def test_a_locked_sheet_says_locked_even_when_its_first_column_is_finalised(client, world):
    fill(world, {"TX1": "8"})
    actions.columns_finalise(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        column_keys=["TX1"],
    )
    actions.book_lock(actor=world.actor("principal"), year=world.year, school_class=world.class_a)
    login(client, world, "subject")
    response = client.get(sheet_url(world))
    states = [cv.reason_code for cv in response.context["columns"]]
    assert states[0] == "FINALISED" and set(states[1:]) == {"LOCKED"}
    banner = response.context["readonly_reason"]
    assert banner.startswith("Sổ đã khóa") and "Chỉ xem: Sổ đã khóa" in response.content.decode()


def test_approved_results_make_the_whole_sheet_read_only(client, world):
    from hoso.gradebook.results.models import ClassResult

    fill(world, {"GK": "7"})
    actions.columns_finalise(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        column_keys=["GK"],
    )
    ClassResult.objects.create(
        school_class=world.class_a, period="term1", state=ClassResult.State.APPROVED
    )
    login(client, world, "subject")
    response = client.get(sheet_url(world))
    states = {cv.column.key: cv.reason_code for cv in response.context["columns"]}
    assert states.pop("GK") == "FINALISED"
    assert set(states.values()) == {"APPROVED"}
    refused = post_cell(client, world, "TX1", "8")
    assert refused.status_code == 403 and refused.json()["code"] == "APPROVED"


def test_students_who_left_are_greyed_and_not_editable(client, world):
    gone = make_student(world.school, world.class_a, "Phạm Văn Đi")
    Enrolment.objects.filter(student=gone).update(
        status=Enrolment.Status.TRANSFERRED_OUT, end_date=date(2026, 10, 1)
    )
    login(client, world, "subject")
    response = client.get(sheet_url(world))
    rows = {r.student.pk: r for r in response.context["rows"]}
    assert not rows[gone.pk].active and not any(c.writable for c in rows[gone.pk].cells)
    assert all(c.writable for c in rows[world.student_a.pk].cells)
    assert 'class="left"' in response.content.decode()
    refused = post_cell(client, world, "TX1", "8", student=gone)
    assert refused.status_code == 400 and refused.json()["code"] == "NOT_ENROLLED"


def test_column_counters_count_students_still_in_the_class_and_are_never_cached(client, world):
    # GIVEN An has TX1 and CK, Bình (still in class) has none, Đi had TX1 and then left
    fill(world, {"TX1": "8", "CK": "7"})
    make_student(world.school, world.class_a, "Trần Văn Bình")
    gone = make_student(world.school, world.class_a, "Phạm Văn Đi")
    fill(world, {"TX1": "6"}, student=gone)
    Enrolment.objects.filter(student=gone).update(
        status=Enrolment.Status.TRANSFERRED_OUT, end_date=date(2026, 10, 1)
    )
    # WHEN the teacher opens the sheet
    response = login(client, world, "subject").get(sheet_url(world))
    html = response.content.decode()
    # THEN each column head and finalise button counts the students still in the class (the
    # definition grid.js recomputes after each save: rows marked data-active, saved value)
    assert len(re.findall(r'data-progress="TX1"[^>]*>1/2<', html)) == 2
    assert len(re.findall(r'data-progress="CK"[^>]*>1/2<', html)) == 2
    assert len(re.findall(r'data-progress="GK"[^>]*>0/2<', html)) == 2
    assert len(re.findall(r"<tr data-student=\"\d+\" data-active", html)) == 2
    # and coming back to the page (after an Excel import) asks the server again
    assert response["Cache-Control"] == "private, no-store"


def test_comment_subject_shows_d_and_cd(client, world):
    world.math.assessment = "comment"
    world.math.save()
    login(client, world, "subject")
    response = post_cell(client, world, "TX1", "đ")
    assert response.status_code == 200 and response.json()["value"] == "Đ"
    bad = post_cell(client, world, "TX2", "8")
    assert bad.status_code == 400 and bad.json()["code"] == "UNKNOWN_LEVEL"
    assert "Đ (Đạt) / CĐ (Chưa đạt)" in bad.json()["message"]
    html = client.get(sheet_url(world)).content.decode()
    assert 'value="Đ"' in html and "Kết quả học kỳ" in html


# --- saving ----------------------------------------------------------------------------------


def test_save_returns_the_display_value_version_and_the_new_term_result(client, world):
    fill(world, {k: v for k, v in FULL.items() if k != "CK"})
    login(client, world, "subject")
    response = post_cell(client, world, "CK", "8.5", version=0)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "ok": True,
        "value": "8,5",
        "version": 1,
        "changed": True,
        "result": "8,0",
        "errors": [],
    }
    again = post_cell(client, world, "CK", "9,0", version=1).json()
    assert again["value"] == "9,0" and again["version"] == 2 and again["result"] == "8,2"
    assert Assessment.objects.get(column="CK").value == "9.0"


def test_incomplete_row_reports_the_rule_sets_messages(client, world):
    login(client, world, "subject")
    body = post_cell(client, world, "TX1", "8").json()
    assert body["ok"] and body["result"] == ""
    assert any("cần ít nhất 4" in m for m in body["errors"])


def test_form_encoded_save_works_too(client, world):
    login(client, world, "subject")
    response = client.post(
        save_url(world), {"student": world.student_a.pk, "column": "TX1", "value": "7,5"}
    )
    assert response.status_code == 200 and response.json()["value"] == "7,5"


@pytest.mark.parametrize(
    "value,code",
    [("11", "OUT_OF_RANGE"), ("8,25", "BAD_PRECISION"), ("tám", "BAD_INPUT")],
)
def test_invalid_values_are_400_with_the_rule_sets_code(client, world, value, code):
    login(client, world, "subject")
    response = post_cell(client, world, "GK", value)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["code"] == code
    assert response.json()["message"]
    assert not Assessment.objects.exists()


def test_bad_requests_are_400(client, world):
    login(client, world, "subject")
    no_student = client.post(
        save_url(world),
        json.dumps({"column": "TX1", "value": "8"}),
        content_type="application/json",
    )
    assert no_student.status_code == 400 and no_student.json()["code"] == "BAD_REQUEST"
    unknown = post_cell(client, world, "TX99", "8")
    assert unknown.status_code == 400 and unknown.json()["code"] == "UNKNOWN_COLUMN"
    other_class = post_cell(client, world, "TX1", "8", student=world.student_b)
    assert other_class.status_code == 400 and other_class.json()["code"] == "NOT_ENROLLED"
    assert client.get(save_url(world)).status_code == 405


def test_a_reader_who_is_not_the_assigned_teacher_gets_403_logged(client, world):
    login(client, world, "homeroom")
    response = post_cell(client, world, "TX1", "8")
    assert response.status_code == 403
    assert response.json()["code"] == "NOT_ASSIGNED"
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(event_type="access.forbidden").exists()


def test_saving_out_of_scope_is_404(client, world):
    login(client, world, "subject")
    assert post_cell(client, world, "TX1", "8", school_class=world.class_b).status_code == 404
    login(client, world, "outsider")
    assert post_cell(client, world, "TX1", "8").status_code == 404


def test_a_stale_version_is_409_with_the_current_value(client, world):
    login(client, world, "subject")
    assert post_cell(client, world, "TX1", "7", version=0).status_code == 200
    assert post_cell(client, world, "TX1", "8", version=1).status_code == 200
    response = post_cell(client, world, "TX1", "9", version=1)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "CONFLICT" and body["current"] == {"value": "8,0", "version": 2}
    assert Assessment.objects.get().value == "8.0"


def test_a_retried_save_that_already_landed_is_not_a_conflict(client, world):
    login(client, world, "subject")
    post_cell(client, world, "TX1", "7", version=0)  # the answer was lost; the grid retries
    response = post_cell(client, world, "TX1", "7,0", version=0)
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.json()["changed"] is False


def test_finalised_and_locked_columns_refuse_saves_with_403(client, world):
    fill(world, {"GK": "7"})
    actions.columns_finalise(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        column_keys=["GK"],
    )
    login(client, world, "subject")
    response = post_cell(client, world, "GK", "9")
    assert response.status_code == 403 and response.json()["code"] == "FINALISED"
    assert "đơn đề nghị sửa điểm" in response.json()["message"]
    actions.book_lock(actor=world.actor("principal"), year=world.year, school_class=world.class_a)
    locked = post_cell(client, world, "TX1", "9")
    assert locked.status_code == 403 and locked.json()["code"] == "LOCKED"
    assert Assessment.objects.get(column="GK").value == "7.0"
    assert not Assessment.objects.filter(column="TX1").exists()


def test_save_needs_the_csrf_header(world):
    client = Client(enforce_csrf_checks=True)
    login(client, world, "subject")
    page = client.get(sheet_url(world))
    token = page.context["csrf_token"]
    refused = post_cell(client, world, "TX1", "8")
    assert refused.status_code == 403
    ok = client.post(
        save_url(world),
        json.dumps({"student": world.student_a.pk, "column": "TX1", "value": "8"}),
        content_type="application/json",
        headers={"X-CSRFToken": str(token)},
    )
    assert ok.status_code == 200


# --- test dates ------------------------------------------------------------------------------


def test_test_date_of_a_periodic_column(client, world):
    login(client, world, "subject")
    url = reverse("gradebook:test_date", args=sheet_args(world))
    ok = client.post(url, {"column": "GK", "date": "2026-11-02"})
    assert ok.status_code == 200 and ok.json() == {"ok": True, "date": "2026-11-02"}
    assert SheetColumn.objects.get(column="GK").test_date == date(2026, 11, 2)
    outside = client.post(url, {"column": "GK", "date": "2027-03-01"})
    assert outside.status_code == 400 and outside.json()["code"] == "BAD_DATE"
    # A regular column carries the day it was assessed (its weekly deadline counts from it);
    # a comment column carries no date.
    regular = client.post(url, {"column": "TX1", "date": "2026-11-02"})
    assert regular.status_code == 200
    assert SheetColumn.objects.get(column="TX1").test_date == date(2026, 11, 2)
    html = client.get(sheet_url(world)).content.decode()
    assert 'value="2026-11-02"' in html
    login(client, world, "homeroom")
    assert client.post(url, {"column": "CK", "date": "2026-12-20"}).status_code == 403


# --- finalising ------------------------------------------------------------------------------


def finalise(client, world, column="", confirm=True):
    data = {"column": column}
    if confirm:
        data["confirm"] = "1"
    url = reverse("gradebook:finalise", args=sheet_args(world))
    return client.post(url, data, follow=True)


def test_finalising_needs_confirmation_and_a_complete_column(client, world):
    login(client, world, "subject")
    response = finalise(client, world, "GK", confirm=False)
    assert "Hãy đánh dấu ô xác nhận" in response.content.decode()
    response = finalise(client, world, "GK")
    assert "Chưa chốt được: còn thiếu kết quả ở ĐĐGgk (thiếu 1)" in response.content.decode()
    assert not SheetColumn.objects.filter(finalised_at__isnull=False).exists()
    fill(world, {"GK": "7"})
    response = finalise(client, world, "GK")
    assert response.status_code == 200 and "Đã chốt: ĐĐGgk." in response.content.decode()
    assert SheetColumn.objects.get(column="GK").finalised_by == world.users["subject"]
    cols = {cv.column.key: cv for cv in response.context["columns"]}
    assert not cols["GK"].writable and cols["TX1"].writable


def test_finalising_the_whole_sheet_lists_what_is_missing(client, world):
    fill(world, {"GK": "7"})
    login(client, world, "subject")
    html = finalise(client, world).content.decode()
    assert "ĐĐGtx 1 (thiếu 1)" in html and "ĐĐGck (thiếu 1)" in html
    assert "ĐĐGgk" not in html.split("Chưa chốt được")[1].split("<")[0]
    fill(world, FULL)
    response = finalise(client, world)
    assert "Đã chốt: ĐĐGtx 1" in response.content.decode()
    assert SheetColumn.objects.filter(finalised_at__isnull=False).count() == 8
    assert finalise(client, world).context["columns"][0].reason_code == "FINALISED"


def test_only_the_assigned_teacher_finalises(client, world):
    fill(world, {"GK": "7"})
    login(client, world, "homeroom")
    url = reverse("gradebook:finalise", args=sheet_args(world))
    assert client.post(url, {"column": "GK", "confirm": "1"}).status_code == 403
    login(client, world, "outsider")
    assert client.post(url, {"column": "GK", "confirm": "1"}).status_code == 404
    assert not SheetColumn.objects.filter(finalised_at__isnull=False).exists()


# --- locks -----------------------------------------------------------------------------------


def test_principal_locks_a_class_now_and_opens_it(client, world):
    login(client, world, "principal")
    url = reverse("gradebook:locks")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"school_class": world.class_a.pk, "when": "now", "reason": "Khóa sổ giữa kì"}
    )
    assert response.status_code == 302
    lock = BookLock.objects.get()
    assert lock.school_class == world.class_a and lock.reason == "Khóa sổ giữa kì"
    assert lock.ordered_by == world.people["principal"]
    html = client.get(url).content.decode()
    assert "Lớp 6A1" in html and "Đang khóa" in html and "Mở sổ" in html
    opening = {"reason": "Sửa sai sót", "confirm": "on"}
    client.post(reverse("gradebook:lock_open", args=[lock.pk]), opening)
    lock.refresh_from_db()
    assert lock.opened_at is not None and lock.opened_by == world.users["principal"]
    assert "Đã mở" in client.get(url).content.decode()
    again = client.post(reverse("gradebook:lock_open", args=[lock.pk]), opening, follow=True)
    assert "Khóa này đã được mở." in again.content.decode()


def test_lock_at_a_later_date_by_term_and_checkpoint(client, world):
    login(client, world, "admin")
    later = (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("gradebook:locks"),
        {
            "term": world.term1.pk,
            "checkpoint": "end1",
            "when": "at",
            "effective_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    lock = BookLock.objects.get()
    assert lock.effective_at == later and lock.checkpoint == "end1"
    assert lock.ordered_by == world.people["principal"]  # on the principal's order
    html = client.get(reverse("gradebook:locks")).content.decode()
    assert "Hẹn khóa" in html and "Cuối học kỳ I" in html


def test_lock_form_keeps_what_was_typed_on_errors(client, world):
    login(client, world, "principal")
    response = client.post(
        reverse("gradebook:locks"), {"when": "at", "effective_at": "", "reason": "Cuối kì"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chọn ngày giờ bắt đầu khóa sổ." in html and 'value="Cuối kì"' in html
    assert not BookLock.objects.exists()


def test_lock_domain_error_is_shown_in_the_form(client, world):
    Staff.objects.filter(position=Position.PRINCIPAL).update(is_active=False)
    login(client, world, "admin")
    response = client.post(reverse("gradebook:locks"), {"when": "now", "reason": "Thử"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường chưa có hiệu trưởng để ra lệnh." in html and 'value="Thử"' in html


def test_others_may_not_lock_or_open(client, world):
    lock = actions.book_lock(actor=world.actor("principal"), year=world.year)
    for who in ("subject", "vice", "homeroom", "clerk"):
        c = login(Client(), world, who)
        assert c.get(reverse("gradebook:locks")).status_code == 403, who
        assert c.post(reverse("gradebook:locks"), {"when": "now"}).status_code == 403, who
        assert c.post(reverse("gradebook:lock_open", args=[lock.pk])).status_code == 403, who
    other = small_school("OTHER")
    foreign = actions.book_lock(actor=other.actor("principal"), year=other.year)
    login(client, world, "principal")
    assert client.post(reverse("gradebook:lock_open", args=[foreign.pk])).status_code == 404
    assert BookLock.objects.filter(opened_at__isnull=False).count() == 0


# --- query counts ----------------------------------------------------------------------------


def _class_of(world, n: int):
    for i in range(n - 1):  # student_a is already there
        make_student(world.school, world.class_a, f"Học Sinh Số{i:02d}")
    students = [e.student for e in Enrolment.objects.filter(school_class=world.class_a)]
    columns = ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            student=s,
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            column=c,
            value="7.5",
            entered_by=world.users["subject"],
            entered_at=now,
            updated_at=now,
        )
        for s in students
        for c in columns
    )
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="GK",
        test_date=date(2026, 11, 2),
    )


def _count_sheet_queries(world) -> tuple[int, int]:
    client = login(Client(), world, "subject")
    url = sheet_url(world)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["rows"])


def test_sheet_queries_do_not_grow_with_the_class(django_assert_max_num_queries):
    small = small_school("Q5")
    _class_of(small, 5)
    big = small_school("Q45")
    _class_of(big, 45)
    few, rows_few = _count_sheet_queries(small)
    many, rows_many = _count_sheet_queries(big)
    assert (rows_few, rows_many) == (5, 45)
    assert many == few
    client = login(Client(), big, "subject")
    client.get(sheet_url(big))
    with django_assert_max_num_queries(40):
        response = client.get(sheet_url(big))
    assert response.content.decode().count("data-cell") == 45 * 8


def test_index_queries_do_not_grow_with_the_sheets(world, django_assert_max_num_queries):
    client = login(Client(), world, "principal")
    client.get(reverse("gradebook:index"))
    with django_assert_max_num_queries(30):
        response = client.get(reverse("gradebook:index"), {"lop": world.class_a.pk})
    assert len(response.context["readable"]) == 2


@pytest.mark.django_db
def test_finalised_cells_link_to_the_correction_form(client, world):
    """GIVEN a finalised column WHEN its teacher opens the sheet THEN each cell of it offers the
    correction request form for exactly that cell; other readers get no such link."""
    from hoso.gradebook.entry import actions as gb_actions
    from hoso.gradebook.entry.sheets import load_sheet

    sheet = load_sheet(world.class_a, world.math, world.term1)
    gb_actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="GK",
        raw_value="7",
    )
    gb_actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    url = reverse(
        "gradebook:sheet",
        kwargs={
            "class_id": world.class_a.pk,
            "subject_id": world.math.pk,
            "term_id": world.term1.pk,
        },
    )
    client.force_login(world.users["subject"])
    body = client.get(url).content.decode()
    expected = f"student={world.student_a.pk}&amp;column=GK"
    assert expected in body and body.count('class="cell-fix"') == 1
    client.force_login(world.users["principal"])
    assert 'class="cell-fix"' not in client.get(url).content.decode()


# --- the sheet's stamp (an open tab reloads when the sheet changed elsewhere) ----------------


def stamp(client, world, **kw):
    response = client.get(reverse("gradebook:stamp", args=sheet_args(world, **kw)))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["stamp"]


def test_the_stamp_changes_with_every_save_clear_and_finalising(client, world):
    login(client, world, "subject")
    page = client.get(sheet_url(world)).content.decode()
    first = stamp(client, world)
    assert f'data-stamp="{first}"' in page
    assert stamp(client, world) == first  # nothing changed, the same stamp
    fill(world, {"TX1": "8"})
    saved = stamp(client, world)
    assert saved != first
    fill(world, {"TX1": "9"})  # the same count of cells, a newer version
    changed = stamp(client, world)
    assert changed != saved
    fill(world, {"TX1": ""})  # cleared
    cleared = stamp(client, world)
    assert cleared not in (changed, saved)
    fill(world, {"TX2": "7"})
    filled = stamp(client, world)
    actions.columns_finalise(
        actor=world.actor("subject"),
        sheet=load_sheet(world.class_a, world.math, world.term1),
        column_keys=["TX2"],
    )
    assert stamp(client, world) not in (filled, cleared)
    # another sheet's change leaves this one's stamp alone
    literature = load_sheet(world.class_a, world.literature, world.term1)
    before = sheet_stamp(literature)
    fill(world, {"TX3": "7"})
    assert sheet_stamp(literature) == before


def test_the_stamp_is_scoped_like_the_sheet(client, world):
    login(client, world, "subject")
    url = reverse("gradebook:stamp", args=sheet_args(world, school_class=world.class_b))
    assert client.get(url).status_code == 404
    client.logout()
    login(client, world, "outsider")
    assert client.get(reverse("gradebook:stamp", args=sheet_args(world))).status_code == 404
